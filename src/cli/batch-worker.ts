/**
 * A batch worker thread: loads the model once, then parses and scores the
 * pieces of input it is sent (see TextPieceScoring).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readParquetRange } from '../adapters/io/parquet-reader.ts';
import { decodeTextPiece } from '../adapters/io/text-piece-decoder.ts';
import { columnarBuffers, columnarOf } from '../core/index.ts';
import { scoreChunk, serializeError, type ScoredRows, type WorkerReply } from '../modes/batch/index.ts';
import type { BatchWorkerData, PieceRequest, PieceResult } from './batch-threads.ts';
import { openModel } from './open-model.ts';

const data = workerData as BatchWorkerData;
const opened = openModel(data.target, data.repo, data.version);
// A model that fails to load fails each request with its error, not an unhandled rejection.
opened.catch(() => undefined);

parentPort?.on('message', ({ id, request }: { id: number; request: PieceRequest }) => {
  void score(request).then(
    (result) => parentPort?.postMessage({ id, result } satisfies WorkerReply<PieceResult>, transferable(result)),
    (error: unknown) => parentPort?.postMessage({ id, error: serializeError(error) } satisfies WorkerReply<PieceResult>),
  );
});

async function score(request: PieceRequest): Promise<PieceResult> {
  const { name, service } = await opened;
  const plan = { model: name, version: data.version, kept: data.kept, fields: data.fields, startRow: 0 };
  if ('piece' in request) return packed(await scoreChunk(service, { ...plan, chunkRows: request.piece.rows }, await decodeTextPiece(request.piece, data)));
  const scored: ScoredRows[] = [];
  for await (const chunk of readParquetRange(request.range, { fields: data.fields })) scored.push(packed(await scoreChunk(service, { ...plan, chunkRows: request.range.chunkRows }, chunk)));
  return scored;
}

/** The output rows column by column when the job's writer takes them so: this thread encodes them, and they cross as a few buffers. */
function packed(scored: ScoredRows): ScoredRows {
  if (!data.columnar || scored.rows.length === 0) return scored;
  return { ...scored, rows: [], columnar: columnarOf(scored.rows, scored.columns.length) };
}

function transferable(result: PieceResult): ArrayBuffer[] {
  return (Array.isArray(result) ? result : [result]).flatMap((scored) => (scored.columnar ? columnarBuffers(scored.columnar) : []));
}
