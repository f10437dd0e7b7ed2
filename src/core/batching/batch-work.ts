/**
 * What a Batcher needs to know about its payloads: how big one is, which
 * may share a model call, how to join them and split the result.
 */
export interface BatchWork<P, R> {
  /** Rows in a payload. */
  size(payload: P): number;
  /** Payloads coalesce only with others of the same key (e.g. the same requested outputs). */
  key(payload: P): string;
  merge(payloads: readonly P[]): P;
  /** Splits a merged result into per-payload results of the given row counts, in order. */
  split(result: R, sizes: readonly number[]): R[];
  run(payload: P): Promise<R>;
}

export interface BatcherOptions {
  /** Most rows in one model call. A single larger payload runs alone. */
  readonly maxBatchSize: number;
  /** Most rows waiting; more is refused at once with OVERLOADED. */
  readonly maxQueueRows: number;
  /** Extra wait for a fuller batch when the model is idle; 0 runs a lone request at once. */
  readonly maxWaitMs: number;
  /** Model calls allowed in flight at once (1 for runtimes that compute on the calling thread). */
  readonly concurrency: number;
}

export const DEFAULT_BATCHER_OPTIONS: BatcherOptions = {
  maxBatchSize: 64,
  maxQueueRows: 4096,
  maxWaitMs: 0,
  concurrency: 1,
};

/** Per-call options. */
export interface SubmitOptions {
  /** Absolute time (ms since epoch) after which the call fails with DEADLINE_EXCEEDED instead of answering. */
  readonly deadline?: number;
  readonly signal?: AbortSignal;
}

/** What the Batcher reports about each model call, for metrics. */
export interface BatchEvent {
  readonly rows: number;
  readonly calls: number;
  /** Milliseconds the oldest call in the batch waited. */
  readonly queueMs: number;
  /** Milliseconds the model call took. */
  readonly computeMs: number;
  readonly failed: boolean;
}
