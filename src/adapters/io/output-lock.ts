import { randomBytes } from 'node:crypto';
import { link, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
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

/** Who holds a lock and what for, in the words of its messages: a job writing an output, by default. */
export interface LockRole {
  /** What holds it, as a noun after "a", "another", "no" or "Tetra": "job". */
  readonly holder: string;
  /** What the holder does to the file: "writing this output". */
  readonly doing: string;
}

const WRITING_OUTPUT: LockRole = { holder: 'job', doing: 'writing this output' };

/** The locks this process holds, so a lock naming this process's pid can be told apart from one it inherited. */
const HELD = new Set<string>();
/** Acquisitions under way in this process, by lock path. */
const ACQUIRING = new Map<string, Promise<unknown>>();

/**
 * One job at a time per file output: two jobs appending to one partial file
 * and one manifest would interleave their chunks. The lock is a hidden file
 * beside the output, created exclusively, naming its owner. A lock whose
 * process has ended on this host (a job killed with SIGKILL cannot remove
 * it) is taken over. That host's process ids mean nothing elsewhere, so a
 * running job also refreshes its lock's time, and a lock from another host
 * left unrefreshed for a minute (its pod or node gone) is taken over too.
 * The same lock keeps one `tetra schedule` at a time on a schedule journal.
 */
export class OutputLock {
  private readonly heartbeat: NodeJS.Timeout;

  private constructor(
    readonly path: string,
    private readonly text: string,
  ) {
    // A job on another host cannot be asked whether it runs: a lock it keeps fresh says so.
    this.heartbeat = setInterval(() => void utimes(path, new Date(), new Date()).catch(() => undefined), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** One acquisition at a time per lock within this process (jobs of one `tetra schedule` may share an output). */
  static acquire(output: string, role: LockRole = WRITING_OUTPUT): Promise<OutputLock> {
    const key = resolve(lockPathFor(output));
    const previous = ACQUIRING.get(key) ?? Promise.resolve();
    const next = previous.then(() => OutputLock.acquireNow(output, role), () => OutputLock.acquireNow(output, role));
    const settled = next.catch(() => undefined);
    ACQUIRING.set(key, settled);
    void settled.then(() => {
      if (ACQUIRING.get(key) === settled) ACQUIRING.delete(key);
    });
    return next;
  }

  private static async acquireNow(output: string, role: LockRole): Promise<OutputLock> {
    const path = lockPathFor(output);
    const owner: LockOwner = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() };
    const text = JSON.stringify(owner) + '\n';
    // A few rounds: a lock can vanish or change hands between reading it and acting on it.
    for (let round = 0; round < 5; round++) {
      if (await createExclusive(path, text, output)) return OutputLock.held(path, text);
      const found = await readLock(path);
      if (found === undefined) continue;
      await refuseUnlessStale(output, path, found, role);
      if (await takeOver(path, found.text, text, output)) return OutputLock.held(path, text);
    }
    throw new TetraError('JOB_LOCKED', `${output}: other ${role.holder}s keep taking ${path}; wait for them to end`, { file: output });
  }

  /** Removes the lock if it is still this job's (a lock taken over from it belongs to someone else now). */
  async release(): Promise<void> {
    clearInterval(this.heartbeat);
    HELD.delete(resolve(this.path));
    const now = await readFile(this.path, 'utf8').catch(() => undefined);
    if (now === this.text) await rm(this.path, { force: true });
  }

  private static held(path: string, text: string): OutputLock {
    HELD.add(resolve(path));
    return new OutputLock(path, text);
  }
}

/** How often a running job refreshes its lock's modification time. */
const HEARTBEAT_MS = 10_000;
/** A lock from another host not refreshed for this long belongs to a job that has ended (killed, its node lost). */
const REMOTE_STALE_MS = 60_000;
const POLL_MS = 1_000;

interface FoundLock {
  readonly text: string;
  readonly modifiedMs: number;
}

async function readLock(path: string): Promise<FoundLock | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { text, modifiedMs: info.mtimeMs };
  } catch {
    return undefined;
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

/**
 * Throws JOB_LOCKED unless the lock was left by a job that has ended: a
 * process of this host that no longer runs, or a job on another host whose
 * lock has gone unrefreshed for REMOTE_STALE_MS (waiting up to that long to
 * see whether it is refreshed, so a job restarted elsewhere right after a
 * kill resumes instead of failing).
 */
async function refuseUnlessStale(output: string, path: string, found: FoundLock, role: LockRole): Promise<void> {
  const owner = parseOwner(found.text);
  if (!owner) {
    throw new TetraError('JOB_LOCKED', `${output}: ${path} holds no lock owner Tetra can read; if no ${role.holder} is ${role.doing}, delete ${path}`, { file: output });
  }
  const since = `since ${owner.startedAt}`;
  if (owner.hostname !== hostname()) {
    if (await remoteLockIsStale(path, found.modifiedMs)) return;
    throw new TetraError(
      'JOB_LOCKED',
      `${output}: a ${role.holder} on host ${owner.hostname} (process ${owner.pid}, ${since}) is ${role.doing}: it refreshes ${path}; wait for it to end (a lock left unrefreshed for ${REMOTE_STALE_MS / 1000} s is taken over)`,
      { file: output },
    );
  }
  if (isRunning(owner.pid, path)) {
    throw new TetraError(
      'JOB_LOCKED',
      `${output}: another ${role.holder} is ${role.doing} (process ${owner.pid}, ${since}); wait for it to end, or if process ${owner.pid} is not a Tetra ${role.holder}, delete ${path}`,
      { file: output },
    );
  }
}

/** Whether the lock goes unrefreshed until REMOTE_STALE_MS after its last refresh (a lock that disappears counts as stale: the next round creates one). */
async function remoteLockIsStale(path: string, modifiedMs: number): Promise<boolean> {
  const staleAt = modifiedMs + REMOTE_STALE_MS;
  while (Date.now() < staleAt) {
    await sleep(Math.min(POLL_MS, Math.max(0, staleAt - Date.now())));
    const now = await stat(path).catch(() => undefined);
    if (!now) return true;
    if (now.mtimeMs > modifiedMs) return false;
  }
  return true;
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
 * Takes over a stale lock: moves it away under a name of this job's own
 * (of several jobs doing so at once, one rename succeeds, the others find
 * it gone), checks it is the lock judged stale, then creates this job's lock
 * as any job does, so at most one job ever holds it.
 */
async function takeOver(path: string, stale: string, text: string, output: string): Promise<boolean> {
  const moved = `${temporaryFor(path)}.stale`;
  try {
    await rename(path, moved);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new TetraError('OUTPUT_FAILED', `${path}: the stale lock cannot be moved away (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: path, cause: error });
  }
  try {
    if ((await readFile(moved, 'utf8').catch(() => undefined)) !== stale) {
      // Another job took the lock over since it was read: give its lock back (unless a newer one is already there).
      await link(moved, path).catch(() => undefined);
      return false;
    }
  } finally {
    await rm(moved, { force: true });
  }
  return createExclusive(path, text, output);
}
