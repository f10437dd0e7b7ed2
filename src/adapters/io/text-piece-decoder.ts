import { MALFORMED_ROW, TetraError, malformedRowError, type ReadOptions, type RowChunk } from '../../core/index.ts';
import { csvRecords } from './csv-records.ts';
import { jsonlRecords } from './jsonl-records.ts';
import type { RecordBatch } from './record-batch.ts';
import type { TextPiece } from './text-pieces.ts';

/** Parses a piece cut by `textPieces` into records, with the file's line numbers; CSV records hold only `fields` when given, and `plainKinds` as for a whole file. */
export async function decodeTextPiece(piece: TextPiece, { fields, plainKinds }: Pick<ReadOptions, 'fields' | 'plainKinds'> = {}): Promise<RowChunk> {
  const options = { source: piece.source, batchSize: Number.MAX_SAFE_INTEGER, keepMalformed: true };
  let batches: AsyncGenerator<RecordBatch>;
  let lineShift: number;
  if (piece.format === 'csv') {
    const delimiter = piece.delimiter ?? ',';
    const header = (piece.header ?? []).map((name) => csvCell(name, delimiter)).join(delimiter);
    // The parser wants the header first: it takes the lines before the piece's first.
    const headerLines = 1 + (header.match(/\n/g)?.length ?? 0);
    batches = csvRecords([header, '\n', piece.bytes], { ...options, delimiter, fields, plainKinds });
    lineShift = piece.firstLine - headerLines - 1;
  } else {
    batches = jsonlRecords([piece.bytes], { ...options, midFile: true });
    lineShift = piece.firstLine - 1;
  }
  const records: RecordBatch['records'] = [];
  const lines: number[] = [];
  try {
    for await (const batch of batches) {
      for (const record of batch.records) {
        const error = malformedRowError(record);
        // A malformed row's error names its line in the piece: give it the file's.
        if (error) (record as Record<symbol, unknown>)[MALFORMED_ROW] = relocated(error, piece.source, lineShift);
        records.push(record);
      }
      for (const line of batch.lines) lines.push(line + lineShift);
    }
  } catch (error) {
    throw relocated(error, piece.source, lineShift);
  }
  return { records, firstRow: piece.firstRow, source: piece.source, lines };
}

/** A parse error names the line in the piece's text; the file's line is shifted by where the piece starts. */
function relocated(error: unknown, source: string, shift: number): unknown {
  if (!TetraError.is(error) || error.where.line === undefined) return error;
  const line = error.where.line + shift;
  const message = error.message.replace(`${source} line ${error.where.line}:`, `${source} line ${line}:`);
  // The same cause as the error being moved: a reader of the whole file would have raised just this.
  return new TetraError(error.code, message, { ...error.where, line, cause: error.cause });
}

function csvCell(text: string, delimiter: string): string {
  return text.includes(delimiter) || text.includes('"') || text.includes('\n') || text.includes('\r') ? `"${text.replaceAll('"', '""')}"` : text;
}
