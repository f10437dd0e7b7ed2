import type { TextDatasetReader } from '../adapters/io/text-dataset-reader.ts';
import type { ParquetRange, ParquetReader } from '../adapters/io/parquet-reader.ts';
import { decodeTextPiece } from '../adapters/io/text-piece-decoder.ts';
import { PieceBuffers, type TextPiece } from '../adapters/io/text-pieces.ts';
import { TetraError, type RowChunk, type RunOptions, type TensorMap } from '../core/index.ts';
import type { InFlight, ParallelScoring, ScoredRows, ScoringPlan } from '../modes/batch/batch-job.ts';
import type { ModelThreads } from '../modes/batch/threaded-model.ts';
import { WorkerPool } from '../modes/batch/worker-pool.ts';

/**
 * What each batch worker thread is started with: the model as the command
 * named it. Threads start before the job's plan is known, so loading their
 * code overlaps this thread's own start.
 */
export type BatchWorkerData = WorkerModel;

/** How a worker scores: the job's plan, sent with each unit of work (a few names). */
export interface WorkerPlan {
  /** The version the job resolved and scores with: every thread loads exactly this one. */
  readonly version: string;
  readonly kept: ScoringPlan['kept'];
  readonly fields: ScoringPlan['fields'];
  readonly plainKinds: ScoringPlan['plainKinds'];
  readonly columnar: boolean;
  readonly watchKeys: boolean;
}

/**
 * One unit of a worker's work: a piece of a text file, or a range of a
 * Parquet file (scored as several chunks); or, with the plan alone, loading
 * the plan's model, to answer once the thread is ready to score.
 */
export type PieceRequest = (({ readonly piece: TextPiece } | { readonly range: ParquetRange } | { readonly prepare: true }) & { readonly plan: WorkerPlan }) | ModelRunRequest;

/** One run of the model, version `version`, on input tensors a job's own thread encoded (see ModelThreadPool); without `run`, loading that version, to answer once the thread can run it. */
export interface ModelRunRequest {
  readonly run?: { readonly inputs: TensorMap; readonly outputs?: readonly string[] };
  readonly version: string;
}

/** A worker's answer to a text piece: the chunk's rows, and the piece's buffer back for another piece. */
export interface TextPieceResult {
  readonly scored: ScoredRows;
  readonly spare: ArrayBufferLike;
}

/** A worker's answer: one chunk's rows for a text piece, every chunk's for a Parquet range, `prepared` once its model is loaded. */
export type PieceResult = TextPieceResult | ScoredRows[] | { readonly prepared: true } | TensorMap;

/** Scores a chunk on the thread that cuts the input, with the model that thread loaded. */
export type ScoreHere = (chunk: RowChunk) => Promise<ScoredRows>;

const WORKER_SCRIPT = workerScript();

/**
 * The worker's entry. Built, it is plain JavaScript; run from source (tests,
 * development) the TypeScript loader must be registered in the new thread
 * first, since a worker does not inherit the loader hooks of `--import tsx`.
 */
function workerScript(): URL {
  if (!import.meta.url.endsWith('.ts')) return new URL('./batch-worker.js', import.meta.url);
  const entry = new URL('./batch-worker.ts', import.meta.url).href;
  const loader = import.meta.resolve('tsx/esm/api');
  const code = `const { register } = await import(${JSON.stringify(loader)}); register(); await import(${JSON.stringify(entry)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/**
 * Scores CSV or JSON Lines files on worker threads: this thread only cuts
 * the files into pieces of whole rows; each worker parses a piece, scores it
 * with its own copy of the model and sends back output rows and rejects.
 *
 * A thread takes about half a second to load its code and model. With
 * `scoreWhileStarting`, this thread, whose model is loaded by then, parses
 * and scores the pieces itself until the first thread is ready, so a small
 * input is done before the threads would have started, and a large one
 * loses no time waiting for them.
 */
export class TextPieceScoring implements ParallelScoring {
  private readonly pool: WorkerPool<PieceRequest, PieceResult>;
  private piecesSent = false;

  /** The threads start now, loading their code while the job gets ready. */
  constructor(private readonly reader: TextDatasetReader, model: WorkerModel, private readonly poolSize: number, private readonly scoreWhileStarting = false) {
    this.pool = startPool(model, poolSize);
  }

  /** The threads scoring the input: none when this thread scored every piece before one was ready. */
  get threads(): number {
    return this.piecesSent || !this.scoreWhileStarting ? this.poolSize : 0;
  }

  get chunksInFlight(): number {
    return this.poolSize * 2;
  }

  async *chunks(plan: ScoringPlan, scoreHere?: ScoreHere): AsyncGenerator<InFlight> {
    const worker = workerPlan(plan);
    const buffers = new PieceBuffers(this.chunksInFlight + 1);
    let threadReady = !(this.scoreWhileStarting && scoreHere);
    if (!threadReady) {
      // A failure to load counts as ready too: the pieces then go to the threads, which report it.
      const ready = (): void => void (threadReady = true);
      for (let i = 0; i < this.poolSize; i++) this.pool.run({ prepare: true, plan: worker }).then(ready, ready);
    }
    // This thread's pieces are scored one model call at a time, as a job without threads scores them.
    let previous: Promise<unknown> = Promise.resolve();
    for await (const piece of this.reader.pieces({ startRow: plan.startRow, chunkRows: plan.chunkRows, signal: plan.signal }, buffers.allocate)) {
      if (!threadReady && scoreHere) {
        // Parsed in turn with the scoring: a piece that cannot be parsed fails in input order, as on a thread, after the chunks before it.
        const scored = previous.then(async () => {
          const chunk = await decodeTextPiece(piece, plan);
          buffers.giveBack(piece.bytes.buffer);
          return scoreHere(chunk);
        });
        previous = scored.catch(() => undefined);
        yield { scored };
        continue;
      }
      this.piecesSent = true;
      // A piece's bytes are shared memory (see PieceBuffers): the worker reads them in place and hands the buffer back once parsed.
      const answer = this.pool.run({ piece, plan: worker }) as Promise<TextPieceResult>;
      yield {
        scored: answer.then(({ scored, spare }) => {
          buffers.giveBack(spare);
          return scored;
        }),
      };
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/**
 * Decodes and scores Parquet files on worker threads: this thread only reads
 * the footers and hands out ranges of whole chunks, about a row group each,
 * so each thread decodes a row group once.
 */
export class ParquetRangeScoring implements ParallelScoring {
  private readonly pool: WorkerPool<PieceRequest, PieceResult>;
  private chunksPerRange = 1;

  /** The threads start now, loading their code while the job gets ready. */
  constructor(private readonly reader: ParquetReader, model: WorkerModel, readonly threads: number) {
    this.pool = startPool(model, threads);
  }

  /** One range being scored per thread and one waiting: a range holds a row group's rows, so more would cost memory, not speed. */
  get chunksInFlight(): number {
    return (this.threads + 1) * this.chunksPerRange;
  }

  async *chunks(plan: ScoringPlan): AsyncGenerator<InFlight> {
    this.chunksPerRange = Math.ceil((await this.reader.rowsPerRange(plan.chunkRows)) / plan.chunkRows);
    const worker = workerPlan(plan);
    for await (const range of this.reader.ranges({ startRow: plan.startRow, chunkRows: plan.chunkRows, signal: plan.signal })) {
      const all = this.pool.run({ range, plan: worker }) as Promise<ScoredRows[]>;
      all.catch(() => undefined);
      const first = Math.floor(range.start / range.chunkRows);
      const last = Math.ceil(range.end / range.chunkRows);
      // One chunk in flight per chunk of the range, as the runner commits chunk by chunk.
      for (let i = 0; i < Math.max(1, last - first); i++) yield { scored: all.then((list) => chunkAt(list, i, range)) };
    }
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

/**
 * Threads that only run the model (see ThreadedModel): the job's own
 * thread reads, encodes and writes the rows. Each thread holds two runs,
 * so it starts the next as soon as it answers one, without waiting for
 * the job's thread to hand it out.
 */
export class ModelThreadPool implements ModelThreads {
  private readonly pool: WorkerPool<PieceRequest, PieceResult>;
  /** The job's model and version, once the job's thread has loaded them. */
  private job?: { readonly name: string; readonly version: string };
  /** Threads that have loaded the job's version. */
  private ready = 0;
  private sent = 0;

  /** The threads start now, loading their code while the job's thread loads its copy of the model. */
  constructor(model: WorkerModel, readonly threads: number) {
    this.pool = startPool(model, threads, MODEL_RUNS_PER_THREAD);
  }

  /** Runs each thread can take at once: as many of a job's chunks are scored at once on them. */
  get capacity(): number {
    return this.threads * MODEL_RUNS_PER_THREAD;
  }

  /** The threads that ran the model: 0 when no run reached them (the input was done before they were ready). */
  get used(): number {
    return this.sent > 0 ? this.threads : 0;
  }

  /**
   * Only the job's model at its version, once every thread has loaded it,
   * and while one has room. A run handed to a thread still loading would
   * hold back the job's output, written in input order, until that thread
   * is ready: the job's thread, whose copy is loaded, runs it instead.
   */
  takes(name: string, version: string): boolean {
    return this.job !== undefined && this.job.name === name && this.job.version === version && this.ready === this.threads && !this.pool.full;
  }

  /**
   * Has each thread load `version` of the model the threads were started
   * with, named `name` here: the version the job scores with. A thread
   * that fails to load it counts as ready: runs then go to it, and fail
   * the job with its error.
   */
  load(name: string, version: string): void {
    this.job = { name, version };
    const ready = (): void => void this.ready++;
    for (let i = 0; i < this.threads; i++) this.pool.run({ version }).then(ready, ready);
  }

  run(inputs: TensorMap, options?: RunOptions): Promise<TensorMap> {
    if (this.job === undefined) return Promise.reject(new TetraError('INTERNAL', 'a model run was sent to the threads before the job named its version'));
    this.sent++;
    return this.pool.run({ run: { inputs, ...(options?.outputs ? { outputs: options.outputs } : {}) }, version: this.job.version }) as Promise<TensorMap>;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

const MODEL_RUNS_PER_THREAD = 2;

/** The model as the command named it: each worker loads its own copy. */
export interface WorkerModel {
  readonly repo: string;
  readonly target: string;
}

function startPool(model: WorkerModel, threads: number, depth = 1): WorkerPool<PieceRequest, PieceResult> {
  return new WorkerPool<PieceRequest, PieceResult>(WORKER_SCRIPT, model satisfies BatchWorkerData, threads, depth);
}

function workerPlan(plan: ScoringPlan): WorkerPlan {
  return { version: plan.version, kept: plan.kept, fields: plan.fields, plainKinds: plan.plainKinds, columnar: plan.columnar === true, watchKeys: plan.watchKeys === true };
}

function chunkAt(list: readonly ScoredRows[], i: number, range: ParquetRange): ScoredRows {
  const chunk = list[i];
  if (!chunk) throw new TetraError('INTERNAL', `${range.path}: rows ${range.start}-${range.end} gave ${list.length} chunks, expected at least ${i + 1}`, { file: range.path });
  return chunk;
}
