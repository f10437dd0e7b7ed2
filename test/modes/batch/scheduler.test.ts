import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { TetraError } from '../../../src/core/index.ts';
import { JobScheduler, MAX_TIMER_MS, type ScheduleJournal, type ScheduledJob, type ScheduledRun, type SchedulerClock } from '../../../src/modes/batch/scheduler.ts';

/** A clock whose time moves only when the test says; due timers run in time order. */
class ManualClock implements SchedulerClock {
  private timers: { at: number; callback: () => void; delay: number }[] = [];

  constructor(private time: number) {}

  now(): number {
    return this.time;
  }

  setTimer(callback: () => void, delayMs: number): () => void {
    const timer = { at: this.time + delayMs, callback, delay: delayMs };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  get pending(): readonly { at: number; delay: number }[] {
    return this.timers;
  }

  /** Moves time to `iso`, running each timer due on the way (at its own time) and letting jobs progress. */
  async advanceTo(iso: string): Promise<void> {
    const end = Date.parse(iso);
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.callback();
      await settle();
    }
    this.time = end;
    await settle();
  }
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface LogLine {
  level: number;
  msg: string;
  job?: string;
  code?: string;
}

function harness(jobs: ScheduledJob[], start = '2026-01-01T00:00:00Z', journal?: ScheduleJournal) {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  const registry = new Registry();
  const clock = new ManualClock(Date.parse(start));
  const scheduler = new JobScheduler({ jobs, logger, registry, clock, journal });
  return { scheduler, clock, registry, lines };
}

/** A metric value by name and labels, 0 when absent. */
async function metric(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const found = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = (found?.values as { labels: Record<string, string>; value: number; metricName?: string }[] | undefined)?.find(
    (v) => (v.metricName === undefined || v.metricName === name) && Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  );
  return value?.value ?? 0;
}

/** A job that records its runs; each run waits until released (or the signal aborts). */
function controlledJob(name: string, schedule: string) {
  const starts: number[] = [];
  const releases: (() => void)[] = [];
  let active = 0;
  let maxActive = 0;
  const job: ScheduledJob = {
    name,
    schedule,
    run: (signal) =>
      new Promise<void>((resolve, reject) => {
        starts.push(Date.now());
        active++;
        maxActive = Math.max(maxActive, active);
        const end = (fn: () => void) => () => {
          active--;
          fn();
        };
        releases.push(end(resolve));
        signal.addEventListener('abort', end(() => reject(signal.reason as Error)), { once: true });
      }),
  };
  return { job, starts, release: () => releases.shift()?.(), get maxActive() { return maxActive; }, get active() { return active; } };
}

test('jobs fire at their cron times, each computed from the expression', async () => {
  const times: string[] = [];
  const { scheduler, clock } = harness([{ name: 'tick', schedule: '*/10 * * * * *', run: async () => void times.push(new Date(clock.now()).toISOString()) }], '2026-01-01T00:00:03Z');
  scheduler.start();
  assert.equal(scheduler.status()[0]?.nextFireTime?.toISOString(), '2026-01-01T00:00:10.000Z');
  await clock.advanceTo('2026-01-01T00:00:35Z');
  assert.deepEqual(times, ['2026-01-01T00:00:10.000Z', '2026-01-01T00:00:20.000Z', '2026-01-01T00:00:30.000Z']);
  await scheduler.stop();
});

test('timers that fire late do not shift the schedule (no drift), and a late fire runs once', async () => {
  const fired: number[] = [];
  const { scheduler, clock } = harness([{ name: 'late', schedule: '* * * * *', run: async () => void fired.push(clock.now()) }], '2026-01-01T00:00:00Z');
  scheduler.start();
  // The event loop was blocked: the 00:01 timer only runs at 00:01:40; then at 00:03:30 (00:02 and 00:03 were missed).
  const timer = clock.pending[0];
  assert.ok(timer);
  await clock.advanceTo('2026-01-01T00:00:59Z');
  (timer as { at: number }).at = Date.parse('2026-01-01T00:01:40Z');
  await clock.advanceTo('2026-01-01T00:01:40Z');
  assert.equal(scheduler.status()[0]?.nextFireTime?.toISOString(), '2026-01-01T00:02:00.000Z', 'the next fire is on the minute, not 60 s after the late one');
  (clock.pending[0] as { at: number }).at = Date.parse('2026-01-01T00:03:30Z');
  await clock.advanceTo('2026-01-01T00:03:30Z');
  assert.equal(fired.length, 2, 'missed fire times are not replayed');
  assert.equal(scheduler.status()[0]?.nextFireTime?.toISOString(), '2026-01-01T00:04:00.000Z');
  await clock.advanceTo('2026-01-01T00:04:00Z');
  assert.deepEqual(fired.map((t) => new Date(t).toISOString()), ['2026-01-01T00:01:40.000Z', '2026-01-01T00:03:30.000Z', '2026-01-01T00:04:00.000Z']);
  await scheduler.stop();
});

test('a fire while the previous run is still going is skipped, logged and counted', async () => {
  const slow = controlledJob('slow', '*/10 * * * * *');
  const { scheduler, clock, registry, lines } = harness([slow.job]);
  scheduler.start();
  await clock.advanceTo('2026-01-01T00:00:10Z');
  assert.equal(slow.starts.length, 1);
  assert.equal(await metric(registry, 'tetra_scheduled_job_running', { job: 'slow' }), 1);
  await clock.advanceTo('2026-01-01T00:00:35Z');
  assert.equal(slow.starts.length, 1, 'no second run while the first is going');
  assert.equal(await metric(registry, 'tetra_scheduled_job_runs_total', { job: 'slow', outcome: 'skipped' }), 2);
  const skipped = lines.filter((l) => l.job === 'slow' && /skipped/.test(l.msg));
  assert.equal(skipped.length, 2);
  assert.equal(skipped[0]?.level, 40);
  assert.match(skipped[0]?.msg ?? '', /the 2026-01-01T00:00:20.000Z run is skipped, the run started 2026-01-01T00:00:10.000Z is still going/);
  assert.equal(scheduler.status()[0]?.running, true);
  slow.release();
  await settle();
  assert.equal(await metric(registry, 'tetra_scheduled_job_running', { job: 'slow' }), 0);
  assert.equal(await metric(registry, 'tetra_scheduled_job_runs_total', { job: 'slow', outcome: 'ok' }), 1);
  await clock.advanceTo('2026-01-01T00:00:40Z');
  assert.equal(slow.starts.length, 2, 'the next fire after the run ended runs');
  assert.equal(slow.maxActive, 1);
  slow.release();
  await scheduler.stop();
});

test('a run that throws is logged with its code and counted failed; the next run still happens', async () => {
  let calls = 0;
  const job: ScheduledJob = {
    name: 'flaky',
    schedule: '0 * * * *',
    run: async () => {
      calls++;
      if (calls === 1) throw new TetraError('OUTPUT_FAILED', 'the output bucket refused the write');
      if (calls === 2) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    },
  };
  const syncThrow: ScheduledJob = {
    name: 'sync-throw',
    schedule: '0 * * * *',
    run: () => {
      throw new Error('thrown before any promise');
    },
  };
  const { scheduler, clock, registry, lines } = harness([job, syncThrow]);
  scheduler.start();
  await clock.advanceTo('2026-01-01T03:00:00Z');
  assert.equal(calls, 3);
  const failures = lines.filter((l) => l.job === 'flaky' && l.level === 50);
  assert.equal(failures.length, 2);
  assert.equal(failures[0]?.code, 'OUTPUT_FAILED');
  assert.match(failures[0]?.msg ?? '', /job flaky failed \(OUTPUT_FAILED\): the output bucket refused the write/);
  assert.equal(failures[1]?.code, 'ENOENT');
  assert.equal(await metric(registry, 'tetra_scheduled_job_runs_total', { job: 'flaky', outcome: 'failed' }), 2);
  assert.equal(await metric(registry, 'tetra_scheduled_job_runs_total', { job: 'flaky', outcome: 'ok' }), 1);
  assert.equal(await metric(registry, 'tetra_scheduled_job_last_success_timestamp_seconds', { job: 'flaky' }), Date.parse('2026-01-01T03:00:00Z') / 1000);
  assert.equal(scheduler.status()[0]?.lastOutcome, 'ok');
  // A synchronous throw is a failed run too, and does not wedge the job as "running".
  assert.equal(await metric(registry, 'tetra_scheduled_job_runs_total', { job: 'sync-throw', outcome: 'failed' }), 3);
  assert.equal(await metric(registry, 'tetra_scheduled_job_runs_total', { job: 'sync-throw', outcome: 'skipped' }), 0);
  assert.equal(lines.filter((l) => l.job === 'sync-throw' && l.level === 50)[0]?.code, 'INTERNAL');
  await scheduler.stop();
});

test('metrics exist for every job from the start, with durations', async () => {
  const { scheduler, clock, registry } = harness([
    { name: 'a', schedule: '@hourly', run: async () => undefined },
    { name: 'b', schedule: '@daily', run: async () => undefined },
  ]);
  const text = await registry.metrics();
  for (const outcome of ['ok', 'failed', 'skipped']) assert.match(text, new RegExp(`tetra_scheduled_job_runs_total\\{job="b",outcome="${outcome}"\\} 0`));
  assert.match(text, /tetra_scheduled_job_running\{job="a"\} 0/);
  scheduler.start();
  await clock.advanceTo('2026-01-01T01:00:00Z');
  const after = await registry.metrics();
  assert.match(after, /tetra_scheduled_job_duration_seconds_count\{job="a"\} 1/);
  assert.match(after, /tetra_scheduled_job_runs_total\{job="a",outcome="ok"\} 1/);
  await scheduler.stop();
  // A second scheduler on the same registry reuses the metrics.
  const again = new JobScheduler({ jobs: [{ name: 'a', schedule: '@hourly', run: async () => undefined }], logger: pino({ level: 'silent' }), registry, clock });
  await again.stop();
});

test('stop() aborts the signal, waits for running jobs, cancels the timers; nothing fires afterwards', async () => {
  const slow = controlledJob('slow', '* * * * *');
  const runs: string[] = [];
  const other: ScheduledJob = { name: 'other', schedule: '*/2 * * * *', run: async () => void runs.push('other') };
  const { scheduler, clock, lines } = harness([slow.job, other]);
  scheduler.start();
  await clock.advanceTo('2026-01-01T00:01:00Z');
  assert.equal(slow.active, 1);
  let stopped = false;
  const stopping = scheduler.stop().then(() => (stopped = true));
  assert.equal(scheduler.stop(), scheduler.stop(), 'stop() is idempotent');
  await stopping;
  assert.equal(stopped, true);
  assert.equal(slow.active, 0, 'the run saw the abort and ended before stop() resolved');
  assert.equal(clock.pending.length, 0, 'no timer is left');
  await clock.advanceTo('2026-01-01T01:00:00Z');
  assert.equal(slow.starts.length, 1);
  assert.deepEqual(runs, []);
  assert.ok(lines.some((l) => l.job === 'slow' && l.level === 40 && /ended by the stop/.test(l.msg)), 'an aborted run is a warning, not an error');
  assert.equal(scheduler.status()[0]?.nextFireTime, undefined);
  assert.throws(() => scheduler.start(), /cannot start again/);
});

test('stop() waits for a run that finishes its work before ending', async () => {
  let finished = false;
  const job: ScheduledJob = {
    name: 'drain',
    schedule: '* * * * *',
    run: async (signal) => {
      // Finishes the current chunk, then stops: the scheduler must wait for it.
      await sleep(50);
      finished = signal.aborted;
    },
  };
  const { scheduler, clock } = harness([job]);
  scheduler.start();
  await clock.advanceTo('2026-01-01T00:01:00Z');
  await scheduler.stop();
  assert.equal(finished, true);
});

test('an abort signal given to the scheduler stops it', async () => {
  const controller = new AbortController();
  const fired: number[] = [];
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const scheduler = new JobScheduler({ jobs: [{ name: 'x', schedule: '* * * * *', run: async () => void fired.push(1) }], logger: pino({ level: 'silent' }), registry: new Registry(), clock, signal: controller.signal });
  scheduler.start();
  controller.abort();
  await scheduler.stop();
  await clock.advanceTo('2026-01-01T00:10:00Z');
  assert.deepEqual(fired, []);
});

test('waits longer than setTimeout can take are taken in pieces', async () => {
  let fired = 0;
  const { scheduler, clock } = harness([{ name: 'yearly', schedule: '@yearly', run: async () => void fired++ }], '2026-01-01T00:00:01Z');
  scheduler.start();
  assert.ok(clock.pending.every((t) => t.delay <= MAX_TIMER_MS));
  await clock.advanceTo('2026-12-31T23:59:59Z');
  assert.equal(fired, 0, 'woken early on the way, it waits again instead of firing');
  await clock.advanceTo('2027-01-01T00:00:00Z');
  assert.equal(fired, 1);
  await scheduler.stop();
});

test('bad jobs fail at construction naming the job', () => {
  const base = { run: async () => undefined };
  const build = (jobs: ScheduledJob[]) => () => new JobScheduler({ jobs, logger: pino({ level: 'silent' }), registry: new Registry() });
  assert.throws(build([{ ...base, name: 'nightly', schedule: '0 25 * * *' }]), (e: unknown) => TetraError.is(e) && e.code === 'CONFIG_INVALID' && /^job "nightly": cron expression "0 25 \* \* \*": hour field "25": out of range 0-23$/.test(e.message));
  assert.throws(build([{ ...base, name: 'z', schedule: '* * * * *', timezone: 'Nowhere/Land' }]), /job "z": time zone "Nowhere\/Land"/);
  assert.throws(build([{ ...base, name: 'a', schedule: '@daily' }, { ...base, name: 'a', schedule: '@hourly' }]), /jobs\[1\]: the name "a" is used by another job/);
  assert.throws(build([{ ...base, name: '', schedule: '@daily' }]), /jobs\[0\]: a job needs a name/);
});

test('real time: a 1-second schedule fires repeatedly on whole seconds and never overlaps a slower job', { timeout: 20_000 }, async () => {
  const starts: number[] = [];
  let active = 0;
  let maxActive = 0;
  let abortedRuns = 0;
  const job: ScheduledJob = {
    name: 'every-second',
    schedule: '* * * * * *',
    // Slower than the interval: 1.5 s per run.
    run: async (signal) => {
      starts.push(Date.now());
      active++;
      maxActive = Math.max(maxActive, active);
      try {
        await sleep(1500, undefined, { signal });
      } catch (error) {
        abortedRuns++;
        throw error;
      } finally {
        active--;
      }
    },
  };
  const registry = new Registry();
  const scheduler = new JobScheduler({ jobs: [job], logger: pino({ level: 'silent' }), registry });
  scheduler.start();
  await sleep(4300);
  const stopAsked = Date.now();
  await scheduler.stop();
  const stopTook = Date.now() - stopAsked;
  const startedBeforeStop = starts.length;
  await sleep(1200);
  assert.ok(startedBeforeStop >= 2, `fired repeatedly (${startedBeforeStop} runs)`);
  assert.equal(maxActive, 1, 'never two runs at once');
  assert.ok((await metric(registry, 'tetra_scheduled_job_runs_total', { job: 'every-second', outcome: 'skipped' })) >= 1, 'fires during a run were skipped');
  for (const at of starts) assert.ok(at % 1000 < 500, `runs start on whole seconds, not drifting (started ${at % 1000} ms past the second)`);
  for (let i = 1; i < starts.length; i++) assert.ok((starts[i] as number) - (starts[i - 1] as number) >= 1500, 'a run starts only after the previous one ended');
  assert.ok(stopTook < 1000, `stop() aborted the running job promptly (${stopTook} ms)`);
  assert.equal(starts.length, startedBeforeStop, 'nothing fired after stop()');
  assert.equal(active, 0);
  assert.ok(abortedRuns <= 1);
});

/** A journal in memory, as listed runs "job@ISO". */
class MemoryJournal implements ScheduleJournal {
  runs: ScheduledRun[] = [];
  failWrites = false;
  close = async (): Promise<void> => undefined;

  get listed(): string[] {
    return this.runs.map((r) => `${r.job}@${r.scheduledAt.toISOString()}`);
  }

  async running(): Promise<readonly ScheduledRun[]> {
    return [...this.runs];
  }

  async started(run: ScheduledRun): Promise<void> {
    if (this.failWrites) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
    await this.ended(run);
    this.runs.push(run);
  }

  async ended(run: ScheduledRun): Promise<void> {
    this.runs = this.runs.filter((r) => !(r.job === run.job && r.scheduledAt.getTime() === run.scheduledAt.getTime()));
  }
}

/** A job that records the fire time of each run; each run waits until released or aborted. */
function fireTimeJob(name: string, schedule = '* * * * *') {
  const firedFor: string[] = [];
  const releases: (() => void)[] = [];
  const job: ScheduledJob = {
    name, schedule,
    run: (signal, scheduledAt) => new Promise<void>((resolve, reject) => {
      firedFor.push(scheduledAt.toISOString());
      releases.push(resolve);
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    }),
  };
  return { job, firedFor, release: () => releases.shift()?.() };
}

test('with a journal, a run the stop cut short is resumed at the next start for its own fire time; runs that ended leave the journal', async () => {
  const journal = new MemoryJournal();
  const slow = fireTimeJob('slow');
  const quick: ScheduledJob = { name: 'quick', schedule: '* * * * *', run: async () => undefined };
  const broken: ScheduledJob = { name: 'broken', schedule: '* * * * *', run: async () => { throw new TetraError('INPUT_UNREADABLE', 'no input'); } };
  const first = harness([slow.job, quick, broken], '2026-01-01T00:00:00Z', journal);
  await first.scheduler.start();
  await first.clock.advanceTo('2026-01-01T00:01:00Z');
  assert.deepEqual(journal.listed, ['slow@2026-01-01T00:01:00.000Z'], 'the finished and the failed run are not listed');
  await first.scheduler.stop();
  assert.deepEqual(journal.listed, ['slow@2026-01-01T00:01:00.000Z'], 'the run the stop cut short stays listed');

  const later = fireTimeJob('slow');
  const second = harness([later.job, quick, broken], '2026-01-01T00:05:30Z', journal);
  await second.scheduler.start();
  await settle();
  assert.deepEqual(later.firedFor, ['2026-01-01T00:01:00.000Z'], 'resumed at start, for the fire time it had');
  assert.ok(second.lines.some((l) => l.job === 'slow' && /resuming the run of 2026-01-01T00:01:00.000Z/.test(l.msg)));
  later.release();
  await settle();
  await settle();
  assert.deepEqual(journal.listed, []);
  await second.clock.advanceTo('2026-01-01T00:06:00Z');
  assert.deepEqual(later.firedFor, ['2026-01-01T00:01:00.000Z', '2026-01-01T00:06:00.000Z'], 'the schedule goes on as before');
  await second.scheduler.stop();
});

test('with a journal, only the latest cut-short run of a job is resumed; older ones and those of jobs no longer declared are dropped with a warning', async () => {
  const journal = new MemoryJournal();
  journal.runs = [
    { job: 'gone', scheduledAt: new Date('2026-01-01T00:01:00Z') },
    { job: 'slow', scheduledAt: new Date('2026-01-01T00:02:00Z') },
    { job: 'slow', scheduledAt: new Date('2026-01-01T00:01:00Z') },
  ];
  const slow = fireTimeJob('slow');
  const { scheduler, lines } = harness([slow.job], '2026-01-01T00:05:30Z', journal);
  await scheduler.start();
  await settle();
  assert.deepEqual(slow.firedFor, ['2026-01-01T00:02:00.000Z']);
  assert.deepEqual(journal.listed, ['slow@2026-01-01T00:02:00.000Z']);
  assert.ok(lines.some((l) => l.level === 40 && l.job === 'gone' && /no such job is scheduled now/.test(l.msg)));
  assert.ok(lines.some((l) => l.level === 40 && l.job === 'slow' && /00:01:00.000Z was cut short and is not resumed: a later run/.test(l.msg)));
  await scheduler.stop();
});

test('a journal that cannot be written does not stop a run: the failure is logged', async () => {
  const journal = new MemoryJournal();
  journal.failWrites = true;
  const runs: string[] = [];
  const job: ScheduledJob = { name: 'nightly', schedule: '* * * * *', run: async (_signal, at) => void runs.push(at.toISOString()) };
  const { scheduler, clock, lines } = harness([job], '2026-01-01T00:00:00Z', journal);
  await scheduler.start();
  await clock.advanceTo('2026-01-01T00:01:00Z');
  assert.deepEqual(runs, ['2026-01-01T00:01:00.000Z']);
  assert.ok(lines.some((l) => l.level === 50 && l.code === 'ENOSPC' && /schedule journal was not updated: disk full/.test(l.msg)));
  await scheduler.stop();
});

test('a start() whose journal cannot be read arms nothing and rejects; a later start() tries again', async () => {
  const journal = new MemoryJournal();
  let reads = 0;
  journal.running = async () => {
    if (reads++ === 0) throw new TetraError('CONFIG_INVALID', 'journal.json: not a Tetra schedule journal');
    return [];
  };
  const runs: string[] = [];
  const job: ScheduledJob = { name: 'nightly', schedule: '* * * * *', run: async (_signal, at) => void runs.push(at.toISOString()) };
  const { scheduler, clock } = harness([job], '2026-01-01T00:00:00Z', journal);
  await assert.rejects(scheduler.start(), /not a Tetra schedule journal/);
  assert.equal(clock.pending.length, 0);
  await scheduler.start();
  await clock.advanceTo('2026-01-01T00:01:00Z');
  assert.deepEqual(runs, ['2026-01-01T00:01:00.000Z']);
  await scheduler.stop();
});

test('a stop() while start() still reads the journal closes the journal only once it is taken, and arms nothing', async () => {
  const journal = new MemoryJournal();
  const events: string[] = [];
  let taken: (runs: ScheduledRun[]) => void = () => undefined;
  journal.running = () => new Promise((resolve) => (taken = (runs) => {
    events.push('taken');
    resolve(runs);
  }));
  journal.close = async () => void events.push('closed');
  const runs: string[] = [];
  const job: ScheduledJob = { name: 'nightly', schedule: '* * * * *', run: async (_signal, at) => void runs.push(at.toISOString()) };
  const { scheduler, clock } = harness([job], '2026-01-01T00:00:00Z', journal);
  const starting = scheduler.start();
  const stopping = scheduler.stop();
  await settle();
  assert.deepEqual(events, [], 'not closed while still being taken');
  taken([{ job: 'nightly', scheduledAt: new Date('2025-12-31T23:59:00Z') }]);
  await starting;
  await stopping;
  assert.deepEqual(events, ['taken', 'closed']);
  await clock.advanceTo('2026-01-01T00:05:00Z');
  assert.deepEqual(runs, [], 'nothing armed, nothing resumed after the stop');
});
