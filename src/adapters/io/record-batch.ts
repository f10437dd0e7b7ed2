import type { InputRecord } from '../../core/index.ts';

/** A chunk of input records with where each came from. */
export interface RecordBatch {
  readonly records: InputRecord[];
  /** Data row number (1-based) of the first record. */
  readonly firstRow: number;
  /** Line number (1-based) of each record in its file. */
  readonly lines: number[];
}

export interface RecordReaderOptions {
  /** Records per batch. */
  readonly batchSize?: number;
  /** Used in error messages: the file name or "stdin". */
  readonly source?: string;
  readonly signal?: AbortSignal;
}

export const DEFAULT_BATCH_ROWS = 1024;
