import { readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TetraError } from '../../core/index.ts';
import { syncDirectory, writeDurably } from './job-files.ts';
import { OutputLock } from './output-lock.ts';

/** A scheduled run: the job and the fire time it runs for. */
export interface JournalRun {
  readonly job: string;
  readonly scheduledAt: Date;
}

const FORMAT = 'tetra-schedule-journal/1';

interface JournalText {
  readonly format: typeof FORMAT;
  readonly running: readonly { readonly job: string; readonly scheduledAt: string }[];
}

/**
 * The runs a scheduler has started and not yet ended, in a small JSON file
 * replaced atomically at each change. What it still lists when a scheduler
 * starts are runs cut short (a kill, a stop): the scheduler resumes them,
 * for the same fire time, so they continue from their last commit.
 * One scheduler at a time uses a journal: the first read locks it (as an
 * output is locked), so a second scheduler on it fails at start instead of
 * overwriting the first one's notes or resuming runs that still run.
 */
export class ScheduleJournalFile {
  private runs: JournalRun[] = [];
  /** Writes go one after another, each with the state as it is when it starts. */
  private writing: Promise<void> = Promise.resolve();
  private lock?: OutputLock;

  constructor(readonly path: string) {}

  /** Takes the journal for this process, then reads the runs it lists (none when it does not exist yet). */
  async running(): Promise<readonly JournalRun[]> {
    this.lock ??= await OutputLock.acquire(this.path, { holder: 'scheduler', doing: 'using this journal' }).catch((error: unknown) => {
      if (!TetraError.is(error) || error.code !== 'OUTPUT_FAILED') throw error;
      throw new TetraError('CONFIG_INVALID', `${error.message}; set schedule.journal (TETRA_SCHEDULE__JOURNAL) to a file in a writable folder that outlives the process`, { file: this.path, path: 'schedule.journal', cause: error });
    });
    try {
      this.runs = await readJournal(this.path);
      return [...this.runs];
    } catch (error) {
      // A scheduler that cannot start must not keep others off the journal.
      await this.close();
      throw error;
    }
  }

  started(run: JournalRun): Promise<void> {
    if (!this.runs.some((r) => same(r, run))) this.runs.push(run);
    return this.save();
  }

  ended(run: JournalRun): Promise<void> {
    this.runs = this.runs.filter((r) => !same(r, run));
    return this.save();
  }

  /** Waits for the last write, then lets another scheduler take the journal. */
  async close(): Promise<void> {
    await this.writing;
    await this.lock?.release();
    this.lock = undefined;
  }

  private save(): Promise<void> {
    const next = this.writing.then(() => this.write());
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async write(): Promise<void> {
    const body: JournalText = { format: FORMAT, running: this.runs.map((r) => ({ job: r.job, scheduledAt: r.scheduledAt.toISOString() })) };
    const temporary = `${this.path}.tmp`;
    try {
      await writeDurably(temporary, JSON.stringify(body, null, 2) + '\n');
      await rename(temporary, this.path);
      await syncDirectory(dirname(this.path));
    } catch (error) {
      throw new TetraError('OUTPUT_FAILED', `${this.path}: the schedule journal cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: this.path, cause: error });
    }
  }
}

async function readJournal(path: string): Promise<JournalRun[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new TetraError('CONFIG_INVALID', `${path}: the schedule journal cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: path, cause: error });
  }
  return parseJournal(path, text);
}

function parseJournal(path: string, text: string): JournalRun[] {
  const bad = (why: string): TetraError => new TetraError('CONFIG_INVALID', `${path}: not a Tetra schedule journal (${why}); delete it to start without resuming interrupted runs`, { file: path });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw bad((error as Error).message);
  }
  const journal = value as Partial<JournalText> | null;
  if (journal?.format !== FORMAT) throw bad(`format is ${JSON.stringify(journal?.format)}, expected "${FORMAT}"`);
  if (!Array.isArray(journal.running)) throw bad('"running" is not a list');
  return journal.running.map((entry, i) => {
    const at = new Date(typeof entry?.scheduledAt === 'string' ? entry.scheduledAt : Number.NaN);
    if (typeof entry?.job !== 'string' || entry.job === '' || Number.isNaN(at.getTime())) throw bad(`running[${i}] needs a job name and an ISO scheduledAt time`);
    return { job: entry.job, scheduledAt: at };
  });
}

function same(a: JournalRun, b: JournalRun): boolean {
  return a.job === b.job && a.scheduledAt.getTime() === b.scheduledAt.getTime();
}
