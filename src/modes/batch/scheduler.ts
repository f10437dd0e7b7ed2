import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { TetraError } from '../../core/index.ts';
import { CronExpression } from './cron.ts';
import { initJobMetrics, scheduleMetrics, type RunOutcome, type ScheduleMetrics } from './schedule-metrics.ts';

/** A job run on a cron schedule. */
export interface ScheduledJob {
  /** Unique among the scheduler's jobs; the `job` label of the metrics. */
  readonly name: string;
  /** A cron expression (see CronExpression): 5 fields, or 6 with seconds first, or a macro such as @daily. */
  readonly schedule: string;
  /** IANA time zone the schedule is read in; UTC when absent. */
  readonly timezone?: string;
  /** One run, for the fire time `scheduledAt`. The signal aborts when the scheduler stops; the run should then end soon. */
  run(signal: AbortSignal, scheduledAt: Date): Promise<unknown>;
}

/** A run of a job, named by the fire time it runs for. */
export interface ScheduledRun {
  readonly job: string;
  readonly scheduledAt: Date;
}

/**
 * Where the scheduler notes the runs it has started and not yet ended, so
 * that a run cut short (the process killed, or stopped mid-run) is resumed
 * when a scheduler starts again: run again for the same fire time, which
 * for a batch job means the same output, continued after its last commit.
 */
export interface ScheduleJournal {
  /** The runs noted as started and not ended. */
  running(): Promise<readonly ScheduledRun[]>;
  /** Notes a run; one already noted (a resumed run) stays noted once. */
  started(run: ScheduledRun): Promise<void>;
  ended(run: ScheduledRun): Promise<void>;
  /** Called once the scheduler has stopped and its runs have ended. */
  close?(): Promise<void>;
}

/** Time and timers, injectable so tests can move time by hand. */
export interface SchedulerClock {
  now(): number;
  /** Calls `callback` once after `delayMs`; returns a function that cancels it. */
  setTimer(callback: () => void, delayMs: number): () => void;
}

export interface JobSchedulerOptions {
  readonly jobs: readonly ScheduledJob[];
  readonly logger: Logger;
  readonly registry: Registry;
  readonly clock?: SchedulerClock;
  /** Aborting it stops the scheduler, as stop() does. */
  readonly signal?: AbortSignal;
  /** Notes runs in progress; without one, a run cut short is not resumed. */
  readonly journal?: ScheduleJournal;
}

export interface JobStatus {
  readonly name: string;
  readonly schedule: string;
  readonly timezone: string | undefined;
  readonly running: boolean;
  /** When the job fires next; undefined before start() and after stop(). */
  readonly nextFireTime: Date | undefined;
  readonly lastOutcome: RunOutcome | undefined;
}

interface JobState {
  readonly job: ScheduledJob;
  readonly cron: CronExpression;
  busy: boolean;
  since: number;
  next: number | undefined;
  cancel: (() => void) | undefined;
  lastOutcome: RunOutcome | undefined;
}

/** setTimeout fires at once for delays above 2^31-1 ms (~24.8 days): longer waits are taken in pieces. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

const systemClock: SchedulerClock = {
  now: () => Date.now(),
  setTimer: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  },
};

/**
 * Runs jobs on cron schedules in one long-lived process.
 *
 * - Each fire time is computed from the cron expression (never by adding an
 *   interval), so late timers do not make the schedule drift.
 * - A job never overlaps itself: a fire while its previous run is still
 *   going is skipped, logged and counted as `skipped`.
 * - A run that throws is logged with its error code and counted as
 *   `failed`; the job keeps its schedule.
 * - A fire that comes late (a blocked event loop, a suspended machine)
 *   runs once; fire times that passed meanwhile are not replayed.
 * - stop() cancels the timers, aborts the signal given to running jobs and
 *   resolves when they have ended.
 * - With a journal, a run cut short by a stop or a kill is resumed at the
 *   next start, for its own fire time; a run that failed is not.
 */
export class JobScheduler {
  private readonly states: JobState[];
  private readonly logger: Logger;
  private readonly clock: SchedulerClock;
  private readonly journal: ScheduleJournal | undefined;
  private readonly metrics: ScheduleMetrics;
  private readonly abort = new AbortController();
  private readonly inflight = new Set<Promise<void>>();
  private started = false;
  /** The start under way (reading the journal): a stop waits for it before closing the journal. */
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(options: JobSchedulerOptions) {
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.journal = options.journal;
    this.states = compileJobs(options.jobs);
    this.metrics = scheduleMetrics(options.registry);
    for (const state of this.states) initJobMetrics(this.metrics, state.job.name);
    options.signal?.addEventListener('abort', () => void this.stop(), { once: true });
    if (options.signal?.aborted) void this.stop();
  }

  /**
   * Arms every job's timer and resumes the runs the journal lists as cut
   * short. Without a journal the timers are armed before it returns.
   * Calling it again does nothing; after stop() it throws.
   */
  start(): Promise<void> {
    if (this.stopping) throw new TetraError('SHUTTING_DOWN', 'the scheduler has been stopped and cannot start again; create a new one');
    if (this.started) return Promise.resolve();
    this.started = true;
    if (!this.journal) {
      this.armAll();
      return Promise.resolve();
    }
    this.starting = this.journal.running().then(
      (runs) => {
        if (this.stopping) return;
        this.armAll();
        this.resume(runs);
      },
      (error: unknown) => {
        // Nothing was armed: a later start() may try again.
        this.started = false;
        throw error;
      },
    );
    return this.starting;
  }

  private armAll(): void {
    for (const state of this.states) {
      this.arm(state, this.clock.now());
      this.logger.info({ job: state.job.name, schedule: state.job.schedule, timezone: state.cron.timezone ?? 'UTC', next: isoOf(state.next) }, `job ${state.job.name} scheduled`);
    }
  }

  /**
   * Runs again, now, each job's latest run cut short. Older ones of the same
   * job and those of jobs no longer declared are dropped from the journal.
   */
  private resume(runs: readonly ScheduledRun[]): void {
    const latest = new Map<string, ScheduledRun>();
    for (const run of runs) {
      const seen = latest.get(run.job);
      if (!seen || run.scheduledAt > seen.scheduledAt) latest.set(run.job, run);
    }
    for (const run of runs) {
      const state = this.states.find((s) => s.job.name === run.job);
      if (state && latest.get(run.job) === run) continue;
      const why = state ? `a later run of it (${latest.get(run.job)?.scheduledAt.toISOString()}) is resumed instead` : 'no such job is scheduled now';
      this.logger.warn({ job: run.job, scheduledAt: run.scheduledAt.toISOString() }, `job ${run.job}: the run of ${run.scheduledAt.toISOString()} was cut short and is not resumed: ${why}`);
      void this.note('ended', run);
    }
    for (const run of latest.values()) {
      const state = this.states.find((s) => s.job.name === run.job);
      if (!state) continue;
      this.logger.info({ job: run.job, scheduledAt: run.scheduledAt.toISOString() }, `job ${run.job}: resuming the run of ${run.scheduledAt.toISOString()}, cut short when the scheduler last stopped`);
      this.fire(state, run.scheduledAt.getTime());
    }
  }

  /** Journal writes never stop a run: a failure is logged (the run is then not resumed after a crash). */
  private async note(change: 'started' | 'ended', run: ScheduledRun): Promise<void> {
    try {
      await this.journal?.[change](run);
    } catch (error) {
      this.logger.error({ job: run.job, code: errorCode(error), err: error }, `job ${run.job}: the schedule journal was not updated: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Stops firing, aborts running jobs and resolves once they have all ended. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  status(): JobStatus[] {
    return this.states.map((s) => ({
      name: s.job.name,
      schedule: s.job.schedule,
      timezone: s.cron.timezone,
      running: s.busy,
      nextFireTime: s.next === undefined ? undefined : new Date(s.next),
      lastOutcome: s.lastOutcome,
    }));
  }

  private async shutdown(): Promise<void> {
    for (const state of this.states) {
      state.cancel?.();
      state.cancel = undefined;
      state.next = undefined;
    }
    const running = this.states.filter((s) => s.busy).map((s) => s.job.name);
    this.logger.info({ running }, running.length > 0 ? `scheduler stopping: aborting ${running.join(', ')} and waiting for them to end` : 'scheduler stopping');
    this.abort.abort(new TetraError('SHUTTING_DOWN', 'the scheduler is stopping'));
    await Promise.all(this.inflight);
    try {
      // A journal still being taken by start() is released only once taken.
      await this.starting?.catch(() => undefined);
      await this.journal?.close?.();
    } catch (error) {
      this.logger.error({ code: errorCode(error), err: error }, `the schedule journal was not closed: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.logger.info('scheduler stopped');
  }

  /** Sets the timer for the first fire strictly after `after`. */
  private arm(state: JobState, after: number): void {
    if (this.stopping) return;
    state.next = state.cron.nextFireTime(new Date(after)).getTime();
    this.wait(state, state.next);
  }

  private wait(state: JobState, fireAt: number): void {
    const delay = Math.min(Math.max(0, fireAt - this.clock.now()), MAX_TIMER_MS);
    state.cancel = this.clock.setTimer(() => this.onTimer(state, fireAt), delay);
  }

  private onTimer(state: JobState, fireAt: number): void {
    state.cancel = undefined;
    if (this.stopping) return;
    const now = this.clock.now();
    // Woken early (a long wait taken in pieces, or timer and wall clock disagreeing): wait the rest.
    if (now < fireAt) return this.wait(state, fireAt);
    this.fire(state, fireAt);
    this.arm(state, Math.max(now, fireAt));
  }

  private fire(state: JobState, fireAt: number): void {
    const { name } = state.job;
    if (state.busy) {
      state.lastOutcome = 'skipped';
      this.metrics.runs.inc({ job: name, outcome: 'skipped' });
      this.logger.warn({ job: name, scheduledAt: isoOf(fireAt), runningSince: isoOf(state.since) }, `job ${name}: the ${isoOf(fireAt)} run is skipped, the run started ${isoOf(state.since)} is still going`);
      return;
    }
    state.busy = true;
    state.since = this.clock.now();
    const run = this.execute(state, fireAt);
    this.inflight.add(run);
    const done = (): void => void this.inflight.delete(run);
    run.then(done, done);
  }

  /** One run; never rejects (failures are logged and counted). */
  private async execute(state: JobState, fireAt: number): Promise<void> {
    const { name } = state.job;
    const noted: ScheduledRun = { job: name, scheduledAt: new Date(fireAt) };
    this.metrics.running.set({ job: name }, 1);
    this.logger.info({ job: name, scheduledAt: isoOf(fireAt) }, `job ${name} started`);
    let outcome: RunOutcome = 'failed';
    try {
      await this.note('started', noted);
      await state.job.run(this.abort.signal, new Date(fireAt));
      outcome = 'ok';
    } catch (error) {
      this.logFailure(name, error);
    } finally {
      // A run the stop cut short stays noted, to be resumed; one that ended, well or not, is done.
      if (outcome === 'ok' || !this.abort.signal.aborted) await this.note('ended', noted);
      const ended = this.clock.now();
      const seconds = Math.max(0, ended - state.since) / 1000;
      state.busy = false;
      state.lastOutcome = outcome;
      this.metrics.running.set({ job: name }, 0);
      this.metrics.runs.inc({ job: name, outcome });
      this.metrics.duration.observe({ job: name }, seconds);
      if (outcome === 'ok') {
        this.metrics.lastSuccess.set({ job: name }, ended / 1000);
        this.logger.info({ job: name, seconds }, `job ${name} finished in ${seconds.toFixed(3)} s`);
      }
    }
  }

  private logFailure(name: string, error: unknown): void {
    const code = errorCode(error);
    const message = error instanceof Error ? error.message : String(error);
    if (this.abort.signal.aborted) {
      this.logger.warn({ job: name, code }, `job ${name} ended by the stop: ${message}`);
      return;
    }
    this.logger.error({ job: name, code, err: error }, `job ${name} failed (${code}): ${message}`);
  }
}

/** Checks names and parses schedules up front, so a bad job fails at startup naming the job. */
function compileJobs(jobs: readonly ScheduledJob[]): JobState[] {
  const seen = new Set<string>();
  return jobs.map((job, i) => {
    if (typeof job.name !== 'string' || job.name === '') throw new TetraError('CONFIG_INVALID', `jobs[${i}]: a job needs a name`, { path: `jobs[${i}].name` });
    if (seen.has(job.name)) throw new TetraError('CONFIG_INVALID', `jobs[${i}]: the name "${job.name}" is used by another job`, { path: `jobs[${i}].name` });
    seen.add(job.name);
    try {
      const cron = CronExpression.parse(job.schedule, job.timezone === undefined ? {} : { timezone: job.timezone });
      return { job, cron, busy: false, since: 0, next: undefined, cancel: undefined, lastOutcome: undefined };
    } catch (error) {
      if (!TetraError.is(error)) throw error;
      throw new TetraError(error.code, `job "${job.name}": ${error.message}`, { ...error.where, path: `jobs[${i}]`, cause: error });
    }
  });
}

/** The stable code of a TetraError, a Node error's own code (ENOENT), else INTERNAL. */
function errorCode(error: unknown): string {
  if (TetraError.is(error)) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'INTERNAL';
}

function isoOf(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
