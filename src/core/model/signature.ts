import type { DType } from '../tensor.ts';

/** One named input or output of a model. `-1` in `shape` marks a size chosen per call (the batch dimension). */
export interface TensorSpec {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Other dtypes the model accepts for this input and converts itself (e.g. float64 for a float32 input). */
  readonly accepts?: readonly DType[];
}

/** What a loaded model takes and gives. */
export interface ModelSignature {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}
