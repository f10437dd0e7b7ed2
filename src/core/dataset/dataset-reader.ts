import type { InputRecord } from '../codec/index.ts';
import type { TetraError } from '../errors/index.ts';

/**
 * The type a dataset format knows for a column. CSV knows only text; Parquet
 * and PostgreSQL know real types. `json` is any other value (arrays, objects),
 * written as JSON text where the format has nothing better.
 */
export type ColumnType = 'string' | 'float64' | 'int64' | 'boolean' | 'json';

export interface DatasetColumn {
  readonly name: string;
  readonly type: ColumnType;
}

/** Consecutive input rows from one source (a chunk never spans two files). */
export interface RowChunk {
  /** Column name -> value; a missing value is null. */
  readonly records: readonly InputRecord[];
  /** Zero-based index of the chunk's first row among all the rows the reader yields. */
  readonly firstRow: number;
  /** The file, table or query the rows came from, for rejects and messages. */
  readonly source: string;
  /** The line (1-based) each row starts on in its file, when the format has lines. */
  readonly lines?: readonly number[];
}

export interface ReadOptions {
  /**
   * Rows to skip before the first chunk (a resumed job's committed rows).
   * Chunks after it are cut as an uninterrupted read would cut them: every
   * `chunkRows` rows within a source, and at the end of each source.
   */
  readonly startRow?: number;
  readonly chunkRows: number;
  readonly signal?: AbortSignal;
  /**
   * The columns the caller reads from records (the model's fields, kept
   * columns); every column when absent. A reader may leave the others out,
   * which spares it decoding them.
   */
  readonly fields?: readonly string[];
  /**
   * Columns the caller reads as numbers, integers or booleans (the model's
   * features of those kinds, when nothing else reads them as text). A text
   * reader may give a cell that is plainly such a value (`12.5`, `7`,
   * `true`) as the value instead of its text: the caller reads both alike.
   */
  readonly plainKinds?: Readonly<Record<string, PlainKind>>;
}

/** How a caller reads a column it takes as a value (see ReadOptions.plainKinds). */
export type PlainKind = 'number' | 'integer' | 'boolean';

/** What is known of an input's size before reading it, for progress. */
export interface DatasetSize {
  readonly rows?: number;
  readonly bytes?: number;
}

/**
 * A dataset read in chunks with bounded memory: a file, a set of files, a
 * table or query. The same reader read twice yields the same rows in the
 * same order (a resumed job relies on it).
 */
export interface DatasetReader {
  /** For messages: the path, glob or `postgres table x`. */
  readonly name: string;
  /** The columns, from the header, schema or query, before any row is read. */
  columns(): Promise<readonly DatasetColumn[]>;
  /**
   * True when columns() was learnt from the first rows and more may follow
   * (JSON Lines, whose records need not share keys): a later row may hold a
   * key it does not name. Known once columns() has resolved.
   */
  readonly columnsSampled: boolean;
  size(): Promise<DatasetSize>;
  /** Counts the rows (may read the whole input; used to split it into row ranges). */
  countRows(signal?: AbortSignal): Promise<number>;
  read(options: ReadOptions): AsyncIterable<RowChunk>;
  /** Bytes (or rows, for a database) consumed so far, for progress. */
  readonly consumedBytes?: number;
  close(): Promise<void>;
}

/**
 * Marks a record that could not be decoded (a CSV row with the wrong number
 * of cells, a JSON Lines line that is not an object): the job rejects it,
 * with this error, and goes on. The record holds what could be read of it.
 */
export const MALFORMED_ROW: unique symbol = Symbol('tetra.malformedRow');

export function malformedRowError(record: InputRecord): TetraError | undefined {
  return (record as { [MALFORMED_ROW]?: TetraError })[MALFORMED_ROW];
}

/** Counts a reader's rows by reading them all: for formats that do not know their row count up front. */
export async function countRowsByReading(reader: Pick<DatasetReader, 'read'>, signal?: AbortSignal): Promise<number> {
  let rows = 0;
  for await (const chunk of reader.read({ chunkRows: 8192, signal })) rows += chunk.records.length;
  return rows;
}
