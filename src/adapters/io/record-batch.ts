import { TetraError, type InputRecord } from '../../core/index.ts';

/** A chunk of input records with where each came from. */
export interface RecordBatch {
  readonly records: InputRecord[];
  /** Zero-based index of the first record among all the input's records. */
  readonly firstRow: number;
  /** Line number (1-based) of each record in its file. */
  readonly lines: number[];
  /** The input's column names in file order, when the format has a header (CSV). */
  readonly columns?: readonly string[];
}

export interface RecordReaderOptions {
  /** Records per batch. */
  readonly batchSize?: number;
  /** Used in error messages: the file name or "stdin". */
  readonly source?: string;
  readonly signal?: AbortSignal;
  /** A row longer than this fails (default MAX_ROW_BYTES). */
  readonly maxRowBytes?: number;
  /** A row that cannot be decoded becomes a record marked MALFORMED_ROW (rejected later) instead of failing the read. */
  readonly keepMalformed?: boolean;
  /** The text starts in the middle of a file (a piece cut for another thread): a byte-order mark there is data, not dropped as at a file's start. */
  readonly midFile?: boolean;
}

export const DEFAULT_BATCH_ROWS = 1024;

/**
 * The longest row a text reader takes. A quote that is never closed makes
 * the rest of a CSV file one row: without a bound it would be held in
 * memory whole before failing, and a large file would exhaust memory
 * instead of failing with the line where the row starts.
 */
export const MAX_ROW_BYTES = 64 * 1024 * 1024;

export function rowTooLong(source: string, line: number, maxRowBytes: number): TetraError {
  return new TetraError('INPUT_MALFORMED', `${source} line ${line}: a row runs on for more than ${maxRowBytes} bytes (a quote that is never closed?)`, { file: source, line });
}

/** Stops a reader whose caller gave up, with Tetra's error rather than the signal's reason. */
export function throwIfCancelled(signal: AbortSignal | undefined, source: string): void {
  if (signal?.aborted) throw new TetraError('CANCELLED', `reading ${source} was cancelled`, { file: source, cause: signal.reason });
}
