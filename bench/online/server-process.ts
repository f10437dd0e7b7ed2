import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(import.meta.dirname, '..', '..');

export interface ServerProcess {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts a server in its own process and waits for the address it prints. */
export async function startProcess(args: readonly string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
    lines.on('line', (line) => {
      const entry = (() => { try { return JSON.parse(line) as { address?: string; msg?: string }; } catch { return undefined; } })();
      // Tetra logs its address twice: listening (models loading), then serving; the floor once, without a message.
      if (entry?.address && (entry.msg === undefined || entry.msg.startsWith('tetra serving'))) resolve(entry.address);
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before listening`)));
  });
  return {
    url: url.replace('[::1]', '127.0.0.1'),
    stop: () => new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** `tetra serve` on the fraud example with the given batch size cap. */
export function startTetra(maxBatchSize: number): Promise<ServerProcess> {
  return startProcess(['src/cli/bin.ts', 'serve', '--repo', 'examples/fraud/models', '--host', '127.0.0.1', '--port', '0'], {
    TETRA_LOG_LEVEL: 'info',
    TETRA_BATCHING__MAX_BATCH_SIZE: String(maxBatchSize),
    TETRA_SERVER__RELOAD_INTERVAL: '0',
  });
}
