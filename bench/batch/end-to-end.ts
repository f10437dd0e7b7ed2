/**
 * End-to-end runs of the built CLI: `node bin/tetra.js batch ...` as a child
 * process, timed from spawn to exit (process start, model load, worker
 * start-up and the output's footer all count), with the child's peak
 * resident memory.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readFile, readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FRAUD_MODEL, FRAUD_REPO } from './fraud-model.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'tetra.js');
const GNU_TIME = '/usr/bin/time';

export interface BatchRun {
  readonly input: string;
  readonly output: string;
  readonly rows: number;
  /** `--keep-columns`. */
  readonly keep: string;
  /** `--workers`; the CLI's default when absent (see defaultThreads in src/cli/commands/batch.ts). */
  readonly workers?: number;
}

export interface BatchResult {
  /** Input rows over wall seconds from spawn to exit. */
  readonly rowsPerSecond: number;
  readonly seconds: number;
  /** The child's peak resident set size, bytes. */
  readonly peakRss: number;
  /** What the job's own summary says (from its start, after the model loaded, to the last commit). */
  readonly jobRowsPerSecond: number;
  /** The worker threads that parsed and scored, by the job's summary (0: none). */
  readonly workers: number;
  /** The threads that ran the model for the main thread, by the job's summary (0: none). */
  readonly modelThreads: number;
}

/**
 * Fails when the built CLI is missing; returns a warning when a source file
 * is newer than the build, whose figures would then not be this code's.
 */
export async function checkBuilt(): Promise<string | undefined> {
  const built = await stat(join(ROOT, 'dist', 'cli', 'main.js')).catch(() => undefined);
  if (!built) throw new Error('dist/ is missing: run `npm run build` first');
  const stale = await newerThan(join(ROOT, 'src'), built.mtimeMs);
  return stale ? `WARNING: ${stale} is newer than dist/: the end-to-end runs use the last build (run \`npm run build\`)` : undefined;
}

async function newerThan(dir: string, mtimeMs: number): Promise<string | undefined> {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await stat(path)).mtimeMs > mtimeMs) return path;
  }
  return undefined;
}

/** One `tetra batch` run; fails unless it scored every row without a reject. Removes the output afterwards. */
export async function runBatch(run: BatchRun): Promise<BatchResult> {
  const args = [
    CLI, 'batch', '--model', FRAUD_MODEL, '--repo', FRAUD_REPO, '--input', run.input, '--output', run.output,
    '--keep-columns', run.keep, '--progress', 'none', '--force', ...(run.workers === undefined ? [] : ['--workers', String(run.workers)]),
  ];
  try {
    const useTime = await access(GNU_TIME, constants.X_OK).then(() => true, () => false);
    const { seconds, peakRss } = useTime ? await timedWithGnuTime(args) : await timedWithProcPolling(args);
    const summary = JSON.parse(await readFile(`${run.output}.summary.json`, 'utf8')) as { status: string; rowsOut: number; rejected: number; rowsPerSecond: number; workers: number; modelThreads?: number };
    if (summary.status !== 'succeeded' || summary.rowsOut !== run.rows) {
      throw new Error(`tetra batch on ${run.input} ended ${summary.status} with ${summary.rowsOut} of ${run.rows} rows (${summary.rejected} rejected)`);
    }
    return { rowsPerSecond: run.rows / seconds, seconds, peakRss, jobRowsPerSecond: summary.rowsPerSecond, workers: summary.workers, modelThreads: summary.modelThreads ?? 0 };
  } finally {
    await removeOutput(run.output);
  }
}

interface Timed {
  readonly seconds: number;
  readonly peakRss: number;
}

/** GNU time reports the peak RSS of the process it runs; its own start-up (a fork and exec) is well under a millisecond. */
async function timedWithGnuTime(args: readonly string[]): Promise<Timed> {
  const { seconds, stderr } = await timedChild(GNU_TIME, ['-v', process.execPath, ...args]);
  const kilobytes = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1];
  if (kilobytes === undefined) throw new Error(`no peak RSS in the output of ${GNU_TIME} -v:\n${stderr}`);
  return { seconds, peakRss: Number(kilobytes) * 1024 };
}

/** Without GNU time: the kernel's high-water mark of the child, read until it exits. */
async function timedWithProcPolling(args: readonly string[]): Promise<Timed> {
  let peakRss = 0;
  const result = await timedChild(process.execPath, args, (pid) => {
    const timer = setInterval(() => {
      readFile(`/proc/${pid}/status`, 'utf8').then((status) => {
        const kilobytes = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
        peakRss = Math.max(peakRss, kilobytes * 1024);
      }, () => undefined);
    }, 20);
    return () => clearInterval(timer);
  });
  return { seconds: result.seconds, peakRss };
}

/** Runs a child to its exit; fails on a non-zero exit code, showing what it wrote to stderr. */
function timedChild(command: string, args: readonly string[], watch?: (pid: number) => () => void): Promise<{ seconds: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    const stop = child.pid !== undefined && watch ? watch(child.pid) : () => undefined;
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('error', (error) => {
      stop();
      reject(error);
    });
    let seconds = 0;
    child.once('exit', () => {
      seconds = (performance.now() - started) / 1000;
      stop();
    });
    // The clock stops at exit; the answer waits for 'close', when all of stderr has been read.
    child.once('close', (code) => {
      if (code === 0) resolve({ seconds, stderr });
      else reject(new Error(`${basename(command)} ${args.join(' ')} exited with ${code}:\n${stderr}`));
    });
  });
}

/** The output and everything the job left beside it (summary, manifest, rejects, a partial file). */
async function removeOutput(output: string): Promise<void> {
  const dir = dirname(output);
  const name = basename(output);
  const entries = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(entries.filter((e) => e.startsWith(name) || e.startsWith(`.${name}`)).map((e) => rm(join(dir, e), { force: true })));
}
