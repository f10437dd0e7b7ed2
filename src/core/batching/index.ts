export { Batcher } from './batcher.ts';
export { DEFAULT_BATCHER_OPTIONS, type BatchWork, type BatcherOptions, type SubmitOptions, type BatchEvent } from './batch-work.ts';
export { tensorBatchWork, type TensorCall } from './tensor-batch-work.ts';
