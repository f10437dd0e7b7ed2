import type { InputRecord, PredictionRecord, RejectedRow } from '../codec/index.ts';
import type { TensorMap } from '../tensor.ts';

/** Which mode made a call; a metrics label. */
export type ServingMode = 'online' | 'batch' | 'async' | 'stream' | 'cli';

/** One call to the data plane. Give either `records` or `tensors`. */
export interface InferRequest {
  readonly model: string;
  /** A version name; the newest ready version when absent. */
  readonly version?: string;
  /** Named feature records (the records API). */
  readonly records?: readonly InputRecord[];
  /** Raw input tensors (the tensor API). */
  readonly tensors?: TensorMap;
  /** Tensor API: outputs to return; the model's default outputs when absent. */
  readonly outputs?: readonly string[];
  /**
   * Records API: encode what can be encoded and report bad rows in
   * `rejected` instead of failing the call (batch mode's rejects).
   */
  readonly keepGoing?: boolean;
  /** Records API: also return the model's raw output tensors (for protocols that answer in tensors). */
  readonly returnTensors?: boolean;
  /** Milliseconds the caller will wait; after that the call fails with DEADLINE_EXCEEDED. */
  readonly timeoutMs?: number;
  /** Absolute time (ms since epoch) by which the answer must be ready; derived from `timeoutMs` when absent. */
  readonly deadline?: number;
  readonly signal?: AbortSignal;
  readonly mode?: ServingMode;
  /** Keeps one entity on one side of a canary split (e.g. a card id); random split without it. */
  readonly routeKey?: string;
  /** Row number of the first record in the caller's input, for error messages. */
  readonly firstRow?: number;
}

export interface InferResult {
  readonly model: string;
  readonly version: string;
  /** Records API: one prediction per accepted record, in order. */
  readonly predictions?: PredictionRecord[];
  /** Records API with keepGoing: the input row index of each prediction. */
  readonly rows?: readonly number[];
  readonly rejected?: readonly RejectedRow[];
  /** Tensor API: the output tensors. */
  readonly tensors?: TensorMap;
}
