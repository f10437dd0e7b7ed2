import { z } from 'zod';

/**
 * A named batch job in `tetra.yaml`: what `tetra batch <job>` runs, and
 * what `tetra schedule` runs on its cron schedule. `input` and `output` may
 * hold `{date}` (YYYY-MM-DD), `{time}` (HHMMSS) and `{datetime}` of the run's
 * scheduled time in UTC, so each run of a scheduled job has its own output.
 */
export const batchJobSchema = z
  .strictObject({
    model: z.string().min(1),
    /** A version name; the newest ready version when absent. */
    version: z.string().min(1).optional(),
    input: z.string().min(1),
    output: z.string().min(1),
    input_format: z.enum(['csv', 'jsonl', 'parquet']).optional(),
    output_format: z.enum(['csv', 'jsonl', 'parquet']).optional(),
    delimiter: z.string().length(1).optional(),
    /** Input columns copied into the output: a list, or "all". */
    keep_columns: z.union([z.literal('all'), z.array(z.string().min(1))]).optional(),
    rejects: z.string().min(1).optional(),
    /** Rows (100) or a share of the input ("0.5%"). */
    max_rejects: z.union([z.number().int().min(0), z.string().regex(/^\d+(\.\d+)?%$|^\d+$/, 'expected a row count or a percentage like "0.5%"')]).optional(),
    chunk_rows: z.number().int().min(1).optional(),
    /** Input rows per commit: where an interrupted run resumes, and a Parquet row group. */
    commit_rows: z.number().int().min(1).optional(),
    /** Start over even when the output holds a finished or interrupted run. */
    force: z.boolean().default(false),
    /** A cron expression (5 fields, or 6 with seconds first); absent = run only on demand. */
    schedule: z.string().min(1).optional(),
    /** IANA time zone the schedule is read in; default UTC. */
    timezone: z.string().min(1).optional(),
    /** Threads that parse and score pieces of the input (`--workers`); 0: the main thread only. */
    workers: z.number().int().min(0).optional(),
    /** Threads that only run the model (`--model-threads`); not with `workers`. */
    model_threads: z.number().int().min(0).optional(),
  })
  .refine((job) => job.workers === undefined || job.model_threads === undefined, {
    message: 'give workers (threads that parse and score) or model_threads (threads that run the model), not both',
    path: ['model_threads'],
  });

export type BatchJobConfig = z.output<typeof batchJobSchema>;

export const jobName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a job name has letters, digits, "_", "-", "."');
