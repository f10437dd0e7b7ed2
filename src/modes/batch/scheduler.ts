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
 */
export class JobScheduler {
  private readonly states: JobState[];
  private readonly logger: Logger;
  private readonly clock: SchedulerClock;
  private readonly metrics: ScheduleMetrics;
  private readonly abort = new AbortController();
  private readonly inflight = new Set<Promise<void>>();
  private started = false;
  private stopping: Promise<void> | undefined;

  constructor(options: JobSchedulerOptions) {
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.states = compileJobs(options.jobs);
    this.metrics = scheduleMetrics(options.registry);
    for (const state of this.states) initJobMetrics(this.metrics, state.job.name);
    options.signal?.addEventListener('abort', () => void this.stop(), { once: true });
    if (options.signal?.aborted) void this.stop();
  }

  /** Arms every job's timer. Calling it again does nothing; after stop() it throws. */
  start(): void {
    if (this.stopping) throw new TetraError('SHUTTING_DOWN', 'the scheduler has been stopped and cannot start again; create a new one');
    if (this.started) return;
    this.started = true;
    for (const state of this.states) {
      this.arm(state, this.clock.now());
      this.logger.info({ job: state.job.name, schedule: state.job.schedule, timezone: state.cron.timezone ?? 'UTC', next: isoOf(state.next) }, `job ${state.job.name} scheduled`);
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
    this.metrics.running.set({ job: name }, 1);
    this.logger.info({ job: name, scheduledAt: isoOf(fireAt) }, `job ${name} started`);
    let outcome: RunOutcome = 'failed';
    try {
      await state.job.run(this.abort.signal, new Date(fireAt));
      outcome = 'ok';
    } catch (error) {
      this.logFailure(name, error);
    } finally {
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
