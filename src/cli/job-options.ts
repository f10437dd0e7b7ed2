import { TetraError, type BatchJobConfig, type TetraConfig } from '../core/index.ts';
import type { BatchOptions } from './commands/batch.ts';

/** The declared job `name`, as the options of `tetra batch`, for a run scheduled at `when`. */
export function jobOptions(config: TetraConfig, name: string, when: Date): BatchOptions {
  const job = config.jobs[name];
  if (!job) {
    const known = Object.keys(config.jobs);
    throw new TetraError('CONFIG_INVALID', `no batch job "${name}" in tetra.yaml (${known.length > 0 ? `jobs: ${known.join(', ')}` : 'it declares no jobs'})`, { path: `jobs.${name}` });
  }
  return fromConfig(name, job, config.repository, when);
}

function fromConfig(name: string, job: BatchJobConfig, repo: string, when: Date): BatchOptions {
  return {
    job: name, model: job.model, repo, version: job.version,
    input: expandTime(job.input, when), output: expandTime(job.output, when),
    inputFormat: job.input_format, outputFormat: job.output_format, delimiter: job.delimiter,
    keepColumns: job.keep_columns === undefined ? undefined : job.keep_columns === 'all' ? 'all' : job.keep_columns.join(','),
    rejects: job.rejects === undefined ? undefined : expandTime(job.rejects, when),
    maxRejects: job.max_rejects === undefined ? undefined : String(job.max_rejects),
    chunkRows: job.chunk_rows, commitRows: job.commit_rows, force: job.force,
    ...(job.workers !== undefined ? { workers: job.workers } : {}), ...(job.model_threads !== undefined ? { modelThreads: job.model_threads } : {}),
  };
}

/** Fills `{date}`, `{time}` and `{datetime}` with the run's time in UTC. */
export function expandTime(template: string, when: Date): string {
  const iso = when.toISOString();
  const date = iso.slice(0, 10);
  const time = iso.slice(11, 19).replaceAll(':', '');
  return template.replaceAll('{date}', date).replaceAll('{time}', time).replaceAll('{datetime}', `${date}T${time}`);
}
