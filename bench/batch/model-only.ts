/**
 * Model-only throughput: the fraud tree model's loaded runtime called
 * directly on feature matrices encoded beforehand (no parsing, encoding,
 * queue or output), in batches of the job's chunk size, on this thread and
 * on worker threads each with its own copy of the model, as batch mode runs
 * it.
 */
import { Worker } from 'node:worker_threads';
import { TextDatasetReader } from '../../src/adapters/io/text-dataset-reader.ts';
import { openFraudModel, scoreShare, warmUp, type FeatureMatrix, type FraudModel, type ModelShare } from './fraud-model.ts';
import { threadScript } from './thread-script.ts';

/**
 * Distinct encoded chunks cycled through: the input repeats the sample's
 * 500 rows, so every chunk of thousands of rows costs the model about the
 * same and a few of them stand for the whole file.
 */
const POOL_CHUNKS = 16;

export interface ModelFigures {
  /** Rows per second, one model on this thread. */
  readonly oneThread: number;
  /** Rows per second, `threads` worker threads together, wall time from "go" to the last one done. */
  readonly threaded: number;
  readonly threads: number;
}

export async function measureModel(csv: string, rows: number, chunkRows: number, threads: number): Promise<ModelFigures> {
  const model = await openFraudModel();
  try {
    const pool = await encodedPool(model, csv, chunkRows);
    await warmUp(model, pool);
    const started = performance.now();
    const scored = await scoreShare(model, { pool, chunkRows, totalRows: rows, first: 0, step: 1 });
    const oneThread = scored / ((performance.now() - started) / 1000);
    const threaded = await threadedRowsPerSecond(pool, rows, chunkRows, threads);
    return { oneThread, threaded, threads };
  } finally {
    await model.close();
  }
}

/** The first chunks of the input, read as batch mode reads them and encoded by the model's own encoder. */
async function encodedPool(model: FraudModel, csv: string, chunkRows: number): Promise<FeatureMatrix[]> {
  const pool: FeatureMatrix[] = [];
  for await (const chunk of new TextDatasetReader([csv], { format: 'csv' }).read({ chunkRows })) {
    pool.push(model.encoder.encode(chunk.records, chunk.firstRow).data as FeatureMatrix);
    if (pool.length === POOL_CHUNKS) break;
  }
  return pool;
}

async function threadedRowsPerSecond(pool: readonly FeatureMatrix[], totalRows: number, chunkRows: number, threads: number): Promise<number> {
  const script = threadScript('./model-worker.ts');
  const workers = Array.from({ length: threads }, (_, first) => {
    const share: ModelShare = { pool, chunkRows, totalRows, first, step: threads };
    return new Worker(script, { workerData: share });
  });
  try {
    // Loading and warming the copies is not timed: the figure is the model's steady rate.
    await Promise.all(workers.map(nextReply));
    const done = workers.map(nextReply);
    const started = performance.now();
    for (const worker of workers) worker.postMessage('go');
    const rows = (await Promise.all(done)).reduce((sum, r) => sum + (r.rows ?? 0), 0);
    const seconds = (performance.now() - started) / 1000;
    if (rows !== totalRows) throw new Error(`the model threads scored ${rows} rows, not ${totalRows}`);
    return rows / seconds;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

interface Reply {
  readonly ready?: boolean;
  readonly rows?: number;
  readonly error?: string;
}

function nextReply(worker: Worker): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const onError = (error: unknown): void => reject(error instanceof Error ? error : new Error(String(error)));
    const onExit = (code: number): void => reject(new Error(`a model thread stopped (exit code ${code})`));
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.once('message', (reply: Reply) => {
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (reply.error) reject(new Error(`a model thread failed: ${reply.error}`));
      else resolve(reply);
    });
  });
}
