import { createServer, type Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import { TetraError, loadTetraConfig, type TetraConfig } from '../../core/index.ts';
import { ScheduleJournalFile } from '../../adapters/io/schedule-journal-file.ts';
import { JobScheduler, formatSummary, type ScheduledJob } from '../../modes/batch/index.ts';
import { jobOptions } from '../job-options.ts';
import { runBatch } from './batch.ts';

export interface ScheduleOptions {
  readonly config?: string;
  /** Serve GET /metrics and /healthz on this port (0: any free port); none when absent. */
  readonly port?: number;
  readonly host?: string;
}

/**
 * `tetra schedule`: runs the scheduled jobs of tetra.yaml in one process
 * until SIGTERM/SIGINT, then lets running jobs stop at a chunk boundary.
 * What they committed stays, and the journal (`schedule.journal`) notes
 * them: the next `tetra schedule` resumes each for its own fire time.
 */
export async function scheduleCommand(options: ScheduleOptions): Promise<void> {
  const config = await loadTetraConfig({ file: options.config });
  const logger = pino({ name: 'tetra', level: config.logging.level });
  const registry = new Registry();
  const jobs = scheduledJobs(config, logger);
  if (jobs.length === 0) throw new TetraError('CONFIG_INVALID', 'tetra.yaml declares no job with a schedule; nothing to run', { path: 'jobs' });
  const scheduler = new JobScheduler({ jobs, logger, registry, journal: new ScheduleJournalFile(config.schedule.journal) });
  // Started first: a journal that cannot be read (or another scheduler's) must end the process, not leave a metrics server up.
  await scheduler.start();
  let server: Server | undefined;
  try {
    server = options.port === undefined ? undefined : await serveMetrics(registry, options.port, options.host ?? config.server.host);
  } catch (error) {
    await scheduler.stop();
    throw error;
  }
  await untilSignal();
  logger.info('stopping: running jobs end at their next chunk');
  await scheduler.stop();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
}

function scheduledJobs(config: TetraConfig, logger: Logger): ScheduledJob[] {
  return Object.entries(config.jobs).flatMap(([name, job]) => job.schedule === undefined ? [] : [{
    name, schedule: job.schedule, timezone: job.timezone,
    run: async (signal: AbortSignal, scheduledAt: Date) => {
      const summary = await runBatch({ ...jobOptions(config, name, scheduledAt), progress: 'none' }, signal);
      logger.info({ job: name, summary }, formatSummary(summary).trimEnd());
      if (summary.status === 'failed') throw new TetraError((summary.error?.code ?? 'INTERNAL') as never, summary.error?.message ?? 'the job failed');
    },
  }]);
}

async function serveMetrics(registry: Registry, port: number, host: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === '/metrics') {
      void registry.metrics().then((text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text));
    } else if (request.url === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found: GET /metrics or /healthz"}');
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const address = server.address();
  process.stderr.write(`tetra schedule: metrics on http://${host}:${typeof address === 'object' && address ? address.port : port}/metrics\n`);
  return server;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
}
