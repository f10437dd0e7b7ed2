import { availableParallelism } from 'node:os';
import { TetraError } from '../../../core/index.ts';

export type BatchStrategy = 'MULTI_RECORD' | 'SINGLE_RECORD';

/** What the SageMaker Batch Transform contract tells the container, and what the container answers back. */
export interface SagemakerBatchSettings {
  /** Running as a Batch Transform container (SAGEMAKER_BATCH=true). */
  readonly batch: boolean;
  /** One record per request, or as many as fit the payload (SAGEMAKER_BATCH_STRATEGY). */
  readonly strategy: BatchStrategy;
  /** Parallel /invocations requests wanted (SAGEMAKER_MAX_CONCURRENT_TRANSFORMS). */
  readonly maxConcurrentTransforms: number;
}

/** The answer to GET /execution-parameters. */
export interface ExecutionParameters {
  readonly MaxConcurrentTransforms: number;
  readonly BatchStrategy: BatchStrategy;
  readonly MaxPayloadInMB: number;
}

/** SageMaker accepts MaxPayloadInMB up to 100. */
const MAX_PAYLOAD_MB = 100;
const MIB = 1024 * 1024;

/**
 * Reads the Batch Transform variables. SageMaker sets them only when the
 * job names them (otherwise it asks GET /execution-parameters), so each has
 * a default: MULTI_RECORD (Tetra batches the records of one request into one
 * model call) and one concurrent request per CPU core (concurrent requests
 * keep the batcher fed while one is being decoded or answered).
 * SAGEMAKER_MAX_PAYLOAD_IN_MB is not read here: it is the server's body
 * limit (see loadTetraConfig).
 */
export function sagemakerBatchSettings(env: NodeJS.ProcessEnv): SagemakerBatchSettings {
  return {
    batch: flag(env, 'SAGEMAKER_BATCH'),
    strategy: strategy(env.SAGEMAKER_BATCH_STRATEGY),
    maxConcurrentTransforms: positiveInteger(env, 'SAGEMAKER_MAX_CONCURRENT_TRANSFORMS') ?? availableParallelism(),
  };
}

/**
 * The execution parameters the container asks for. MaxPayloadInMB is the
 * body limit in whole MiB, within SageMaker's 1-100 (a limit under 1 MiB
 * still answers 1: 0 would ask for unbounded chunked payloads).
 */
export function executionParameters(settings: SagemakerBatchSettings, bodyLimitBytes: number): ExecutionParameters {
  return {
    MaxConcurrentTransforms: settings.maxConcurrentTransforms,
    BatchStrategy: settings.strategy,
    MaxPayloadInMB: Math.min(MAX_PAYLOAD_MB, Math.max(1, Math.floor(bodyLimitBytes / MIB))),
  };
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new TetraError('CONFIG_INVALID', `${name} must be true or false, got ${JSON.stringify(env[name])}`, { field: name });
}

/** SINGLE_RECORD / MULTI_RECORD, also in the API's spelling (SingleRecord / MultiRecord). */
function strategy(raw: string | undefined): BatchStrategy {
  const text = raw?.trim() ?? '';
  if (text === '') return 'MULTI_RECORD';
  const normal = text.replace(/_/g, '').toUpperCase();
  if (normal === 'MULTIRECORD') return 'MULTI_RECORD';
  if (normal === 'SINGLERECORD') return 'SINGLE_RECORD';
  throw new TetraError('CONFIG_INVALID', `SAGEMAKER_BATCH_STRATEGY must be MULTI_RECORD or SINGLE_RECORD, got ${JSON.stringify(raw)}`, { field: 'SAGEMAKER_BATCH_STRATEGY' });
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  // 0 is how a job leaves the choice to the container.
  if (value === 0) return undefined;
  if (value >= 1) return value;
  throw new TetraError('CONFIG_INVALID', `${name} must be a whole number, got ${JSON.stringify(env[name])}`, { field: name });
}
