import type { TextDatasetReader } from '../adapters/io/text-dataset-reader.ts';
import type { TextPiece } from '../adapters/io/text-pieces.ts';
import { WorkerPool, type InFlight, type ParallelScoring, type ScoredRows, type ScoringPlan } from '../modes/batch/index.ts';

/** What each batch worker thread loads: the model as the command named it. */
export interface BatchWorkerData {
  readonly repo: string;
  readonly target: string;
  readonly version: string;
  readonly kept: ScoringPlan['kept'];
}

export interface PieceRequest {
  readonly piece: TextPiece;
}

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
 */
export class TextPieceScoring implements ParallelScoring {
  private pool?: WorkerPool<PieceRequest, ScoredRows>;

  constructor(private readonly reader: TextDatasetReader, private readonly repo: string, private readonly target: string, readonly threads: number) {}

  async *chunks(plan: ScoringPlan): AsyncGenerator<InFlight> {
    const data: BatchWorkerData = { repo: this.repo, target: this.target, version: plan.version, kept: plan.kept };
    this.pool = new WorkerPool<PieceRequest, ScoredRows>(WORKER_SCRIPT, data, this.threads);
    for await (const piece of this.reader.pieces({ startRow: plan.startRow, chunkRows: plan.chunkRows, signal: plan.signal })) {
      // A piece may be a view into a larger read buffer (and Buffer.slice makes views): send a copy the worker can own.
      const bytes = new Uint8Array(piece.bytes);
      yield { scored: this.pool.run({ piece: { ...piece, bytes } }, [bytes.buffer]) };
    }
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}
