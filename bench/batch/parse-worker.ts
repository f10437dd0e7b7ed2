/**
 * A thread of the threaded parse-only measurement: parses the pieces it is
 * sent, as a batch worker does before scoring, and answers with the count
 * of records (the records themselves stay here: sending them back is not
 * part of batch mode's parsing) and the piece's buffer, as a batch worker
 * hands it back. Records hold the fields in workerData, and
 * its plain values, as a batch worker's do.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decodeTextPiece } from '../../src/adapters/io/text-piece-decoder.ts';
import type { TextPiece } from '../../src/adapters/io/text-pieces.ts';
import type { ParsedPiece, ParseOptions } from './parse-only.ts';
import { serializeError, type WorkerReply } from '../../src/modes/batch/index.ts';

parentPort?.on('message', ({ id, request }: { id: number; request: TextPiece }) => {
  decodeTextPiece(request, workerData as ParseOptions).then(
    (chunk) => {
      parentPort?.postMessage({ id, result: { records: chunk.records.length, spare: request.bytes.buffer } } satisfies WorkerReply<ParsedPiece>);
    },
    (error: unknown) => parentPort?.postMessage({ id, error: serializeError(error) } satisfies WorkerReply<ParsedPiece>),
  );
});
