import { z } from 'zod';

export type BatchStrategy = 'MULTI_RECORD' | 'SINGLE_RECORD';

/** MULTI_RECORD / SINGLE_RECORD, also in the API's spelling (MultiRecord / SingleRecord) and any case. */
export function parseBatchStrategy(value: string): BatchStrategy | undefined {
  const normal = value.trim().replace(/_/g, '').toUpperCase();
  if (normal === 'MULTIRECORD') return 'MULTI_RECORD';
  if (normal === 'SINGLERECORD') return 'SINGLE_RECORD';
  return undefined;
}

const batchStrategy = z.string().transform((value, ctx): BatchStrategy => {
  const strategy = parseBatchStrategy(value);
  if (strategy === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected MULTI_RECORD or SINGLE_RECORD (or MultiRecord / SingleRecord), got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return strategy;
});

/**
 * tetra.yaml `sagemaker`: the Batch Transform contract. SageMaker sets the
 * SAGEMAKER_* variables only when the job names them, and otherwise asks
 * the container (GET /execution-parameters), so each setting has a default.
 */
export const sagemakerSchema = z.strictObject({
  /** Running as a Batch Transform container: answers mirror the input format, one line per record. */
  batch: z.boolean().default(false),
  /** One record per request, or as many as fit the payload (Tetra batches them into one model call). */
  batch_strategy: batchStrategy.default('MULTI_RECORD'),
  /**
   * Parallel /invocations requests wanted. Absent = one per CPU core, which
   * the online mode decides (it depends on the machine, not on the file).
   */
  max_concurrent_transforms: z.number().int().min(1, 'max_concurrent_transforms must be at least 1').optional(),
});

export type SagemakerConfig = z.output<typeof sagemakerSchema>;
