/**
 * Parse-only throughput: the input read into records by the same readers
 * batch mode uses, in chunks of the job's chunk size, holding the fields
 * batch mode reads (the model's and the kept columns), and nothing else
 * (no model, no output). Each figure is one full pass over the file.
 */
import { ParquetReader } from '../../src/adapters/io/parquet-reader.ts';
import { TextDatasetReader } from '../../src/adapters/io/text-dataset-reader.ts';
import { decodeTextPiece } from '../../src/adapters/io/text-piece-decoder.ts';
import { PieceBuffers, textPieces, type TextPiece } from '../../src/adapters/io/text-pieces.ts';
import type { ReadOptions } from '../../src/core/index.ts';
import { WorkerPool } from '../../src/modes/batch/index.ts';
import { threadScript } from './thread-script.ts';

export interface ParseFigures {
  /** TextDatasetReader.read: batch mode's CSV path with `--workers 0`. */
  readonly csvRead: number;
  /** The same with every column in the records: what reading costs when a job keeps all columns. */
  readonly csvReadAll: number;
  /** textPieces cutting rows and copying each piece, as the main thread does when workers parse. */
  readonly csvCut: number;
  /** textPieces then decodeTextPiece, one piece after another on this thread. */
  readonly csvCutDecode: number;
  /** textPieces here, decodeTextPiece on `threads` worker threads: batch mode's CSV path with workers, minus the model. */
  readonly csvThreaded: number;
  readonly threads: number;
  /** ParquetReader.read: batch mode's Parquet path with `--workers 0`. */
  readonly parquetRead: number;
  /** The columns the records held (all when absent). */
  readonly fields?: readonly string[];
}

/** The columns records hold (all when absent) and those given as plain values, as batch mode reads them. */
export type ParseOptions = Pick<ReadOptions, 'fields' | 'plainKinds'>;

export async function measureParse(csv: string, parquet: string, rows: number, chunkRows: number, threads: number, read: ParseOptions): Promise<ParseFigures> {
  const { fields } = read;
  const csvRead = await rowsPerSecond(rows, () => countRecords(new TextDatasetReader([csv], { format: 'csv' }).read({ chunkRows, ...read })));
  const csvReadAll = fields ? await rowsPerSecond(rows, () => countRecords(new TextDatasetReader([csv], { format: 'csv' }).read({ chunkRows }))) : csvRead;
  const csvCut = await rowsPerSecond(rows, async () => {
    // Each piece copied into a buffer of its own, as for a thread, and the buffer taken back at once (a thread gives it back once parsed).
    const buffers = new PieceBuffers(threads * 2 + 2);
    let count = 0;
    for await (const piece of pieces(csv, chunkRows, buffers.allocate)) {
      count += piece.rows;
      buffers.giveBack(piece.bytes.buffer);
    }
    return count;
  });
  const csvCutDecode = await rowsPerSecond(rows, async () => {
    let count = 0;
    for await (const piece of pieces(csv, chunkRows)) count += (await decodeTextPiece(piece, read)).records.length;
    return count;
  });
  const csvThreaded = await threadedParse(csv, rows, chunkRows, threads, read);
  const parquetRead = await rowsPerSecond(rows, () => countRecords(new ParquetReader([parquet]).read({ chunkRows, ...read })));
  return { csvRead, csvReadAll, csvCut, csvCutDecode, csvThreaded, threads, parquetRead, ...(fields ? { fields } : {}) };
}

function pieces(csv: string, chunkRows: number, allocate?: (size: number) => Uint8Array): AsyncGenerator<TextPiece> {
  return textPieces([csv], { format: 'csv', chunkRows, allocate });
}

async function countRecords(chunks: AsyncIterable<{ readonly records: readonly unknown[] }>): Promise<number> {
  let count = 0;
  for await (const chunk of chunks) count += chunk.records.length;
  return count;
}

/** Times one pass that must see exactly `rows` rows. */
async function rowsPerSecond(rows: number, pass: () => Promise<number>): Promise<number> {
  const started = performance.now();
  const seen = await pass();
  const seconds = (performance.now() - started) / 1000;
  if (seen !== rows) throw new Error(`a parse pass saw ${seen} rows, not ${rows}`);
  return rows / seconds;
}

/** A parsing thread's answer: the count of records, and the piece's buffer back. */
export interface ParsedPiece {
  readonly records: number;
  readonly spare: ArrayBufferLike;
}

/**
 * Pieces handed to a pool of parsing threads with as many in flight as a
 * batch job keeps (twice the threads), collected in input order. The
 * threads are started and warmed on one piece each before the timing.
 */
async function threadedParse(csv: string, rows: number, chunkRows: number, threads: number, read: ParseOptions): Promise<number> {
  const pool = new WorkerPool<TextPiece, ParsedPiece>(threadScript('./parse-worker.ts'), read, threads);
  try {
    for await (const first of pieces(csv, chunkRows)) {
      await Promise.all(Array.from({ length: threads }, () => pool.run(first)));
      break;
    }
    return await rowsPerSecond(rows, async () => {
      const ahead = threads * 2;
      const pending: Promise<number>[] = [];
      let count = 0;
      // As batch mode does: each piece has a shared buffer of its own, handed to the thread and back once parsed, for another piece.
      const buffers = new PieceBuffers(ahead + 2);
      for await (const piece of pieces(csv, chunkRows, buffers.allocate)) {
        const parsed = pool.run(piece).then(({ records, spare }) => {
          buffers.giveBack(spare);
          return records;
        });
        parsed.catch(() => undefined);
        pending.push(parsed);
        if (pending.length > ahead) count += await (pending.shift() as Promise<number>);
      }
      for (const parsed of pending) count += await parsed;
      return count;
    });
  } finally {
    await pool.close();
  }
}
