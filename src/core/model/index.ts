export type { TensorSpec, ModelSignature } from './signature.ts';
export type { FeatureKind, FeatureDescription, ModelTask, ModelDescription } from './model-description.ts';
export { RUNTIME_NAMES, type RuntimeName } from './runtime-name.ts';
export type { RunOptions, LoadedModel, LoadContext, ModelArtifact, RuntimeOptions, ModelRuntime } from './model-runtime.ts';
export { checkInputs, dtypesTaken } from './check-inputs.ts';
