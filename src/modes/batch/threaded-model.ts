import type { LoadedModel, ModelDescription, ModelSignature, RunOptions, TensorMap } from '../../core/index.ts';

/** Worker threads that each hold a copy of one model version and run it. */
export interface ModelThreads {
  /** True when the threads hold model `name` at `version` (loaded, the job's) and have room for one more run. */
  takes(name: string, version: string): boolean;
  run(inputs: TensorMap, options?: RunOptions): Promise<TensorMap>;
}

/**
 * A loaded model whose runs go to worker threads holding copies of it, so
 * the thread that reads, encodes and writes a job's rows computes no
 * trees meanwhile. Until the threads have loaded it, and whenever they
 * already hold their queue of runs, a run is computed here instead: this
 * thread would otherwise wait for them, and a job whose reading is
 * cheaper than its model (Parquet) gains a second model thread this way.
 * Every model a repository loads may be wrapped: only the one the threads
 * hold, at that version, sends them runs.
 */
export class ThreadedModel implements LoadedModel {
  constructor(
    private readonly inner: LoadedModel,
    private readonly threads: ModelThreads,
    private readonly name: string,
    private readonly version: string,
  ) {}

  get signature(): ModelSignature {
    return this.inner.signature;
  }

  get description(): ModelDescription {
    return this.inner.description;
  }

  run(inputs: TensorMap, options?: RunOptions): Promise<TensorMap> {
    return this.threads.takes(this.name, this.version) ? this.threads.run(inputs, options) : this.inner.run(inputs, options);
  }

  /** Unloads this thread's copy; the threads are their owner's to stop. */
  unload(): Promise<void> {
    return this.inner.unload();
  }
}
