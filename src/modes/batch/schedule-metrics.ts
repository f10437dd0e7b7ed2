import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type RunOutcome = 'ok' | 'failed' | 'skipped';

/** The scheduler's metrics, labelled by job name. */
export interface ScheduleMetrics {
  readonly runs: Counter<'job' | 'outcome'>;
  readonly duration: Histogram<'job'>;
  readonly running: Gauge<'job'>;
  readonly lastSuccess: Gauge<'job'>;
}

/** Scheduled jobs run from seconds to hours. */
const DURATION_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 14400, 43200];

/**
 * Creates the metrics on `registry`, or takes the ones already there: a
 * second scheduler on one registry (a restart within one process) must not
 * fail on "already registered".
 */
export function scheduleMetrics(registry: Registry): ScheduleMetrics {
  const registers = [registry];
  const existing = <T>(name: string): T | undefined => registry.getSingleMetric(name) as T | undefined;
  return {
    runs:
      existing<Counter<'job' | 'outcome'>>('tetra_scheduled_job_runs_total') ??
      new Counter({ name: 'tetra_scheduled_job_runs_total', help: 'Scheduled job fires by outcome: ok, failed, or skipped (the previous run was still going)', labelNames: ['job', 'outcome'], registers }),
    duration:
      existing<Histogram<'job'>>('tetra_scheduled_job_duration_seconds') ??
      new Histogram({ name: 'tetra_scheduled_job_duration_seconds', help: 'Time one scheduled run took, failed ones included', labelNames: ['job'], buckets: DURATION_BUCKETS, registers }),
    running:
      existing<Gauge<'job'>>('tetra_scheduled_job_running') ??
      new Gauge({ name: 'tetra_scheduled_job_running', help: '1 while a run of the job is going, else 0', labelNames: ['job'], registers }),
    lastSuccess:
      existing<Gauge<'job'>>('tetra_scheduled_job_last_success_timestamp_seconds') ??
      new Gauge({ name: 'tetra_scheduled_job_last_success_timestamp_seconds', help: 'Unix time the last successful run of the job ended (alert when it gets old)', labelNames: ['job'], registers }),
  };
}

/** Shows every job with zeroes from the start, so rates and "never succeeded" alerts work before the first run. */
export function initJobMetrics(metrics: ScheduleMetrics, job: string): void {
  for (const outcome of ['ok', 'failed', 'skipped'] as const) metrics.runs.inc({ job, outcome }, 0);
  metrics.running.set({ job }, 0);
}
