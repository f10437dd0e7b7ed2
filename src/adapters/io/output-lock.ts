import { randomBytes } from 'node:crypto';
import { link, readFile, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { TetraError } from '../../core/index.ts';
import { lockPathFor, syncDirectory, writeDurably } from './job-files.ts';

/** What a lock file holds: who writes the output, and since when. */
interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
}

/** The locks this process holds, so a lock naming this process's pid can be told apart from one it inherited. */
const HELD = new Set<string>();

/**
 * One job at a time per file output: two jobs appending to one partial file
 * and one manifest would interleave their chunks. The lock is a hidden file
 * beside the output, created exclusively, naming its owner. A lock whose
 * process has ended on this host (a job killed with SIGKILL cannot remove
 * it) is taken over; one from another host is never judged stale, as that
 * host's process ids mean nothing here.
 */
export class OutputLock {
  private constructor(
    readonly path: string,
    private readonly text: string,
  ) {}

  static async acquire(output: string): Promise<OutputLock> {
    const path = lockPathFor(output);
    const owner: LockOwner = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() };
    const text = JSON.stringify(owner) + '\n';
    // A few rounds: a lock can vanish or change hands between reading it and acting on it.
    for (let round = 0; round < 5; round++) {
      if (await createExclusive(path, text, output)) return OutputLock.held(path, text);
      const found = await readFile(path, 'utf8').catch(() => undefined);
      if (found === undefined) continue;
      refuseUnlessStale(output, path, found);
      if (await takeOver(path, found, text)) return OutputLock.held(path, text);
    }
    throw new TetraError('JOB_LOCKED', `${output}: other jobs keep taking ${path}; wait for them to end`, { file: output });
  }

  /** Removes the lock if it is still this job's (a lock taken over from it belongs to someone else now). */
  async release(): Promise<void> {
    HELD.delete(resolve(this.path));
    const now = await readFile(this.path, 'utf8').catch(() => undefined);
    if (now === this.text) await rm(this.path, { force: true });
  }

  private static held(path: string, text: string): OutputLock {
    HELD.add(resolve(path));
    return new OutputLock(path, text);
  }
}

/**
 * Creates the lock with its owner already in it: the owner is written to a
 * file of its own, then hard-linked to the lock's name, which fails if the
 * name exists. A job killed at any instant leaves either no lock or a whole
 * one, never an empty file no one could judge stale.
 */
async function createExclusive(path: string, text: string, output: string): Promise<boolean> {
  const temporary = temporaryFor(path);
  try {
    await writeDurably(temporary, text, 'wx');
    await link(temporary, path);
    await syncDirectory(dirname(path));
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new TetraError('OUTPUT_FAILED', `${output}: cannot be locked for writing: ${path} cannot be created (${code ?? (error as Error).message})`, { file: output, cause: error });
  } finally {
    await rm(temporary, { force: true });
  }
}

function temporaryFor(path: string): string {
  return `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
}

/** Throws JOB_LOCKED unless the lock was left by a process of this host that has ended. */
function refuseUnlessStale(output: string, path: string, text: string): void {
  const owner = parseOwner(text);
  if (!owner) {
    throw new TetraError('JOB_LOCKED', `${output}: ${path} holds no lock owner Tetra can read; if no job is writing this output, delete ${path}`, { file: output });
  }
  const since = `since ${owner.startedAt}`;
  if (owner.hostname !== hostname()) {
    throw new TetraError(
      'JOB_LOCKED',
      `${output}: a job on host ${owner.hostname} (process ${owner.pid}, ${since}) is writing this output; whether it still runs can only be seen on that host: if it has ended, delete ${path} by hand`,
      { file: output },
    );
  }
  if (isRunning(owner.pid, path)) {
    throw new TetraError(
      'JOB_LOCKED',
      `${output}: another job is writing this output (process ${owner.pid}, ${since}); wait for it to end, or if process ${owner.pid} is not a Tetra job, delete ${path}`,
      { file: output },
    );
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    // A pid of 0 or below names a process group to kill(), never one process.
    if (!Number.isSafeInteger(owner.pid) || (owner.pid as number) <= 0 || typeof owner.hostname !== 'string' || typeof owner.startedAt !== 'string') return undefined;
    return owner as LockOwner;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number, path: string): boolean {
  // This process's own pid on a lock it does not hold: an earlier process of a
  // restarted container (same hostname, new PID namespace, the same low pid).
  if (pid === process.pid) return HELD.has(resolve(path));
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Replaces a stale lock in one rename, so the lock file never goes missing
 * (a job creating it meanwhile would think it free). Two jobs replacing the
 * same stale lock both rename: reading it back tells which one holds it.
 */
async function takeOver(path: string, stale: string, text: string): Promise<boolean> {
  const temporary = temporaryFor(path);
  try {
    await writeDurably(temporary, text, 'wx');
    // Only the stale lock is replaced, not one another job took over since it was read.
    if ((await readFile(path, 'utf8').catch(() => undefined)) !== stale) return false;
    await rename(temporary, path);
    await syncDirectory(dirname(path));
  } catch (error) {
    throw new TetraError('OUTPUT_FAILED', `${path}: the stale lock cannot be replaced (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: path, cause: error });
  } finally {
    await rm(temporary, { force: true });
  }
  return (await readFile(path, 'utf8').catch(() => undefined)) === text;
}
