import { availableParallelism } from 'node:os';
import type { BatchStrategy, SagemakerConfig } from '../../../core/index.ts';

/** What the SageMaker Batch Transform contract tells the container, and what the container answers back. */
export interface SagemakerBatchSettings {
  /** Running as a Batch Transform container (sagemaker.batch, SAGEMAKER_BATCH=true). */
  readonly batch: boolean;
  /** One record per request, or as many as fit the payload (sagemaker.batch_strategy). */
  readonly strategy: BatchStrategy;
  /** Parallel /invocations requests wanted (sagemaker.max_concurrent_transforms). */
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
 * The settings from tetra.yaml `sagemaker` (where the SAGEMAKER_* variables
 * land, see loadTetraConfig). Without a MaxConcurrentTransforms: one
 * concurrent request per CPU core (concurrent requests keep the batcher fed
 * while one is being decoded or answered).
 */
export function sagemakerBatchSettings(config: SagemakerConfig): SagemakerBatchSettings {
  return {
    batch: config.batch,
    strategy: config.batch_strategy,
    maxConcurrentTransforms: config.max_concurrent_transforms ?? availableParallelism(),
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
