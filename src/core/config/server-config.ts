import { z } from 'zod';
import { byteSize } from './byte-size.ts';
import { durationMs } from './duration.ts';
import { batchJobSchema, jobName } from './batch-job-config.ts';
import { sagemakerSchema } from './sagemaker-config.ts';

const batchingDefaults = z.strictObject({
  max_batch_size: z.number().int().min(1).default(64),
  max_queue: z.number().int().min(1).default(4096),
  max_wait: durationMs.default(0),
  timeout: durationMs.refine((ms) => ms > 0, { message: 'timeout must be longer than 0' }).optional(),
});

const featureStore = z.strictObject({
  type: z.literal('redis'),
  url: z.string().min(1).default('redis://127.0.0.1:6379'),
});

const server = z.strictObject({
  host: z.string().min(1).default('0.0.0.0'),
  port: z.number().int().min(0).max(65535).default(8080),
  /** Largest request body accepted; larger ones get 413. */
  body_limit: byteSize.default(8 * 1024 * 1024),
  /** Bearer tokens; when any is set, every route but the health checks needs one. */
  api_keys: z.array(z.string().min(8, 'an API key must have at least 8 characters')).default([]),
  /** Origins allowed to call from a browser; off when empty. */
  cors_origins: z.array(z.string().min(1)).default([]),
  /** Status for a full queue: 503 (default, with Retry-After) or 429. */
  overload_status: z.union([z.literal(503), z.literal(429)]).default(503),
  retry_after: durationMs.default(1000),
  /** How often to look for new or removed model versions; 0 turns it off. */
  reload_interval: durationMs.default(10_000),
  /** A request whose body has not fully arrived by then is cut off (slow clients must not hold memory). */
  request_timeout: durationMs.default(30_000),
  /** On SIGTERM: how long in-flight requests may take before the process exits anyway. */
  shutdown_grace: durationMs.default(30_000),
});

/** The schema of `tetra.yaml`. Every key has a default: Tetra runs without the file. */
export const tetraConfigSchema = z.strictObject({
  /** The model repository folder. */
  repository: z.string().min(1).default('models'),
  /** Bare model files served without a folder: name -> path. */
  models: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a model name has letters, digits, "_", "-", "."'), z.string().min(1)).default({}),
  server: server.default(server.parse({})),
  batching: batchingDefaults.default(batchingDefaults.parse({})),
  feature_stores: z.record(z.string(), featureStore).default({}),
  /** Named batch jobs: `tetra batch <job>`, and `tetra schedule` for those with a schedule. */
  jobs: z.record(jobName, batchJobSchema).default({}),
  /** `tetra schedule`: the file noting runs in progress, so one cut short is resumed at the next start (relative paths from the working folder). */
  schedule: z.strictObject({ journal: z.string().min(1).default('.tetra-schedule.json') }).default({ journal: '.tetra-schedule.json' }),
  /** The SageMaker Batch Transform contract (also set by the SAGEMAKER_* variables). */
  sagemaker: sagemakerSchema.default(sagemakerSchema.parse({})),
  logging: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).default({ level: 'info' }),
});

export type TetraConfig = z.output<typeof tetraConfigSchema>;
