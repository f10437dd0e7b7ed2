import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after } from 'node:test';
import { PROJECT_ROOT } from './fixtures.ts';

/** One pino log line of the child, parsed. */
export type LogLine = Record<string, unknown> & { msg?: string };

export interface ServeProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>`, read from the "tetra serving on" log line. */
  readonly url: string;
  readonly logs: LogLine[];
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the first log line (past or future) that matches. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves when the child has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs `tetra serve` (from source) in a child process on a free loopback
 * port and resolves once it logs its address. `args` are extra flags
 * (`--repo`, `--config`). The child is killed when the test file ends if
 * it is still running.
 */
export async function startServeProcess(args: readonly string[], timeoutMs = 30_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'cli', 'bin.ts'), 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TETRA_CONFIG: undefined },
  });
  const logs: LogLine[] = [];
  const watchers: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  let stderr = '';
  let partial = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const text of lines) {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        continue;
      }
      logs.push(line);
      for (const w of [...watchers]) {
        if (!w.match(line)) continue;
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const waitForLog = (match: (line: LogLine) => boolean, waitMs = 15_000): Promise<LogLine> => {
    const seen = logs.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tetra serve did not log the expected line within ${waitMs} ms; stderr:\n${stderr}`)), waitMs);
      const watcher = { match, resolve: (line: LogLine) => (clearTimeout(timer), resolve(line)) };
      watchers.push(watcher);
      void exited.then(({ code, signal }) => {
        if (!watchers.includes(watcher)) return;
        clearTimeout(timer);
        reject(new Error(`tetra serve exited (code ${code}, signal ${signal}) before logging the expected line; stderr:\n${stderr}`));
      });
    });
  };
  const serving = await waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('tetra serving on'), timeoutMs);
  return { child, url: String(serving.address), logs, stderr: () => stderr, waitForLog, exited };
}
