export type { FeatureSpec, UnknownCategoryPolicy } from './feature-spec.ts';
export { RecordEncoder, type InputRecord, type RejectedRow, type EncodedBatch } from './record-encoder.ts';
export { decodeOutputs, rowValue, type OutputSpec, type PredictionRecord } from './output-decoder.ts';
export { compileModelSchema, type ModelSchema } from './model-schema.ts';
export { compileFeatures, describeFeatures } from './compile-features.ts';
