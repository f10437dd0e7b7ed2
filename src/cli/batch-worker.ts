/**
 * A batch worker thread: parses and scores the pieces of input it is sent
 * (see TextPieceScoring), each with the job's plan, or runs the model on
 * the tensors it is sent (see ModelThreadPool). The thread starts
 * before the job has a plan, so loading this module's code overlaps the
 * main thread's start; the model is loaded at the version the first plan
 * names, that version only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readParquetRange } from '../adapters/io/parquet-reader.ts';
import { decodeTextPiece } from '../adapters/io/text-piece-decoder.ts';
import { columnarOf } from '../core/index.ts';
// From the modules themselves: the batch mode's index also holds the scheduler, whose metrics a thread never keeps.
import { scoreChunk, type ScoredRows, type ScoringPlan } from '../modes/batch/batch-job.ts';
import { serializeError, type WorkerReply } from '../modes/batch/worker-pool.ts';
import type { BatchWorkerData, PieceRequest, PieceResult, WorkerPlan } from './batch-threads.ts';
import { openModel, type OpenedModel } from './open-model.ts';

const data = workerData as BatchWorkerData;
/** The model by the version a plan names (one per job). */
const models = new Map<string, Promise<OpenedModel>>();

/**
 * The request being worked on. A thread may hold several (model threads
 * hold two): it works on them one after another, in the order they came,
 * as the main thread would. Begun together, two runs of a model that
 * calls another would overfill the called model's queue.
 */
let previous: Promise<unknown> = Promise.resolve();

parentPort?.on('message', ({ id, request }: { id: number; request: PieceRequest }) => {
  const answer = previous.then(() => score(request));
  previous = answer.catch(() => undefined);
  // Copied, never transferred: a thread that detaches a buffer runs its typed-array code slower from then on (see PieceBuffers).
  void answer.then(
    (result) => parentPort?.postMessage({ id, result } satisfies WorkerReply<PieceResult>),
    (error: unknown) => parentPort?.postMessage({ id, error: serializeError(error) } satisfies WorkerReply<PieceResult>),
  );
});

/** The model at the version the job resolved; one that fails to load fails each request with its error. */
function modelFor(version: string): Promise<OpenedModel> {
  let model = models.get(version);
  if (!model) {
    model = openModel(data.target, data.repo, version);
    models.set(version, model);
  }
  return model;
}

async function score(request: PieceRequest): Promise<PieceResult> {
  if (!('plan' in request)) {
    const { repository, name } = await modelFor(request.version);
    if (!request.run) return { prepared: true };
    const { inputs, outputs } = request.run;
    return repository.resolve(name, request.version).model.run(inputs, outputs ? { outputs } : undefined);
  }
  const { plan } = request;
  const { name, service } = await modelFor(plan.version);
  if ('prepare' in request) return { prepared: true };
  const scoring: Omit<ScoringPlan, 'chunkRows'> = { model: name, version: plan.version, kept: plan.kept, fields: plan.fields, watchKeys: plan.watchKeys, startRow: 0 };
  if ('piece' in request) {
    const chunk = await decodeTextPiece(request.piece, plan);
    // Decoded into strings: the bytes are no longer needed here, and their buffer goes back for another piece.
    return { scored: packed(await scoreChunk(service, { ...scoring, chunkRows: request.piece.rows }, chunk), plan), spare: request.piece.bytes.buffer };
  }
  const scored: ScoredRows[] = [];
  for await (const chunk of readParquetRange(request.range, { fields: plan.fields })) scored.push(packed(await scoreChunk(service, { ...scoring, chunkRows: request.range.chunkRows }, chunk), plan));
  return scored;
}

/** The output rows column by column when the job's writer takes them so: this thread encodes them, and they cross as a few buffers. */
function packed(scored: ScoredRows, plan: WorkerPlan): ScoredRows {
  if (!plan.columnar || scored.rows.length === 0) return scored;
  return { ...scored, rows: [], columnar: columnarOf(scored.rows, scored.columns.length) };
}
