export { InferenceService } from './inference-service.ts';
export type { InferRequest, InferResult, ServingMode } from './infer-request.ts';
export { describeServedModel, type ModelMetadata, type FeatureMetadata } from './model-metadata.ts';
