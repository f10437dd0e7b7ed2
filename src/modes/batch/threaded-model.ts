import type { LoadedModel, ModelDescription, ModelSignature, RunOptions, TensorMap } from '../../core/index.ts';

/** Worker threads that each hold a copy of one model version and run it. */
export interface ModelThreads {
  /** True when every thread holds as many runs as it may queue: a new run would wait. */
  readonly full: boolean;
  run(inputs: TensorMap, options?: RunOptions): Promise<TensorMap>;
}

/**
 * A loaded model whose runs go to worker threads holding copies of it, so
 * the thread that reads, encodes and writes a job's rows computes no
 * trees meanwhile. When every thread already holds its queue of runs, a
 * run is computed here instead: this thread would otherwise wait for
 * them, and a job whose reading is cheaper than its model (Parquet) gains
 * a second model thread this way.
 */
export class ThreadedModel implements LoadedModel {
  /** Runs computed on the threads and here. */
  ranOnThreads = 0;
  ranHere = 0;

  constructor(private readonly inner: LoadedModel, private readonly threads: ModelThreads) {}

  get signature(): ModelSignature {
    return this.inner.signature;
  }

  get description(): ModelDescription {
    return this.inner.description;
  }

  run(inputs: TensorMap, options?: RunOptions): Promise<TensorMap> {
    if (this.threads.full) {
      this.ranHere++;
      return this.inner.run(inputs, options);
    }
    this.ranOnThreads++;
    return this.threads.run(inputs, options);
  }

  /** Unloads this thread's copy; the threads are their owner's to stop. */
  unload(): Promise<void> {
    return this.inner.unload();
  }
}
