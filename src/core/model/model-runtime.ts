import type { TensorMap } from '../tensor.ts';
import type { FeatureDescription, ModelDescription } from './model-description.ts';
import type { RuntimeName } from './runtime-name.ts';
import type { ModelSignature } from './signature.ts';

/** Per-call options for `LoadedModel.run`. */
export interface RunOptions {
  /** Outputs to compute; all the signature's default outputs when absent. */
  readonly outputs?: readonly string[];
  readonly signal?: AbortSignal;
}

/**
 * A model ready to compute. `run` takes tensors whose first dimension is the
 * batch and returns tensors with the same first dimension. Implementations
 * validate names, dtypes and shapes against `signature` and throw TetraError
 * (INPUT_TENSOR_*) naming the tensor.
 */
export interface LoadedModel {
  readonly signature: ModelSignature;
  readonly description: ModelDescription;
  run(inputs: TensorMap, options?: RunOptions): Promise<TensorMap>;
  /** Frees native resources. The model must not be used afterwards. */
  unload(): Promise<void>;
}

/** Where a model comes from. */
export interface ModelArtifact {
  /** Absolute or working-directory-relative path of the model file (or module, for `js`). */
  readonly path: string;
}

/** Runtime-specific options from `model.yaml` (`runtime_options`), already parsed. */
export type RuntimeOptions = Readonly<Record<string, unknown>>;

/** What Tetra knows about a model beyond its file, for runtimes that need it. */
export interface LoadContext {
  /** The features model.yaml declares, in order (for formats whose files do not describe them). */
  readonly features?: readonly FeatureDescription[];
  /**
   * Calls another served model with records and returns its predictions,
   * for models that pre- or post-process around another model.
   */
  readonly infer?: (model: string, records: readonly Readonly<Record<string, unknown>>[]) => Promise<Record<string, unknown>[]>;
}

/** One model format. Each runtime folder exports one of these. */
export interface ModelRuntime {
  readonly name: RuntimeName;
  /** True when the file looks like this runtime's format (by extension and first bytes). */
  recognizes(fileName: string, head: Uint8Array): boolean;
  /** Reads and prepares a model. Throws TetraError MODEL_FILE_* / MODEL_UNSUPPORTED naming the file. */
  load(artifact: ModelArtifact, options?: RuntimeOptions, context?: LoadContext): Promise<LoadedModel>;
}
