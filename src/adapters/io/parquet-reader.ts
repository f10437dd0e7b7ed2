import { TetraError, type DatasetColumn, type DatasetReader, type DatasetSize, type InputRecord, type ReadOptions, type RowChunk } from '../../core/index.ts';
import { converterFor, type ValueConverter } from './parquet-columns.ts';
import type { FileBytes, ParquetFooter, RowGroupSpan } from './parquet-file.ts';
import type { ColumnPiece } from './parquet-flat-column.ts';
import type { DecodedGroup, RowGroupDecoder } from './parquet-row-group.ts';
import { unreadable } from './parquet-unreadable.ts';
import { throwIfCancelled } from './record-batch.ts';
import { compileRecord } from './record-shape.ts';

type ParquetDecoding = typeof import('./parquet-file.ts') & typeof import('./parquet-row-group.ts');
let decoding: Promise<ParquetDecoding> | undefined;

/**
 * The footer and row-group decoding (hyparquet and its codecs), loaded when
 * a Parquet file is first read: a command, or a worker thread, that reads
 * none does not pay for loading them.
 */
function parquetDecoding(): Promise<ParquetDecoding> {
  decoding ??= Promise.all([import('./parquet-file.ts'), import('./parquet-row-group.ts')]).then(([file, group]) => ({ ...file, ...group }));
  return decoding;
}

interface FileSummary {
  readonly rows: number;
  readonly bytes: number;
  readonly columns: readonly DatasetColumn[];
  /** The file's row groups holding rows. */
  readonly groups: number;
  /** The uncompressed bytes of the file's largest row group; undefined when its footer does not tell them. */
  readonly largestGroupBytes: number | undefined;
}

/**
 * Parquet files read as one dataset, file after file in the order given,
 * one row group at a time: memory holds the row group being cut into chunks
 * (the file writer chose its size, typically 100k-1M rows), never a whole
 * file. Row counts come from the footers, so sizing and skipping to a
 * resumed job's first row decode nothing before it.
 *
 * Every file must have the first file's columns (by name, with the same
 * types); columns only a later file has are not read.
 */
/** Rows [start, end) of one file, for one thread to decode (see ParquetReader.ranges and readParquetRange). */
export interface ParquetRange {
  readonly path: string;
  /** The index, among all the input's rows, of the file's first row. */
  readonly fileFirstRow: number;
  readonly start: number;
  readonly end: number;
  readonly chunkRows: number;
}

/** The chunks of one range, numbered among all the input's rows (records hold only `fields` when given). */
export async function* readParquetRange(range: ParquetRange, options: Pick<ReadOptions, 'signal' | 'fields'> = {}): AsyncGenerator<RowChunk> {
  const reader = new ParquetReader([range.path]);
  try {
    for await (const chunk of reader.read({ ...options, startRow: range.start, chunkRows: range.chunkRows })) {
      if (chunk.firstRow >= range.end) break;
      yield { ...chunk, firstRow: chunk.firstRow + range.fileFirstRow };
      if (chunk.firstRow + chunk.records.length >= range.end) break;
    }
  } finally {
    await reader.close();
  }
}

/** Whole chunks about as many rows as the file's first row group: a thread decodes each group once. */
async function rangeRowsOf(path: string, chunkRows: number): Promise<number> {
  const group = (await (await parquetDecoding()).readFooter(path)).rowGroups[0];
  const groupRows = group ? group.end - group.start : chunkRows;
  return chunkRows * Math.max(1, Math.round(groupRows / chunkRows));
}

export class ParquetReader implements DatasetReader {
  readonly name: string;
  /** A Parquet schema names every column. */
  readonly columnsSampled = false;
  private bytesRead = 0;
  /** Per file, what its footer says of its size and columns; the full footer is read again when the file is read, so many files do not keep many footers in memory. */
  private readonly summaries = new Map<string, Promise<FileSummary>>();

  constructor(private readonly paths: readonly string[]) {
    if (paths.length === 0) throw new TetraError('INPUT_UNREADABLE', 'no input files were given', {});
    this.name = paths.length === 1 ? (paths[0] as string) : `${paths.length} files (${paths[0]}, ...)`;
  }

  get consumedBytes(): number {
    return this.bytesRead;
  }

  async columns(): Promise<readonly DatasetColumn[]> {
    return (await this.summary(this.paths[0] as string)).columns;
  }

  async size(): Promise<DatasetSize> {
    let rows = 0;
    let bytes = 0;
    for (const path of this.paths) {
      const summary = await this.summary(path);
      rows += summary.rows;
      bytes += summary.bytes;
    }
    return { rows, bytes };
  }

  async countRows(signal?: AbortSignal): Promise<number> {
    let rows = 0;
    for (const path of this.paths) {
      throwIfCancelled(signal, path);
      rows += (await this.summary(path)).rows;
    }
    return rows;
  }

  async *read(options: ReadOptions): AsyncGenerator<RowChunk> {
    const { chunkRows, signal } = options;
    if (!Number.isSafeInteger(chunkRows) || chunkRows < 1) throw new RangeError(`chunkRows must be a positive integer, not ${chunkRows}`);
    const startRow = options.startRow ?? 0;
    const expected = await this.columns();
    let fileFirst = 0;
    for (const path of this.paths) {
      throwIfCancelled(signal, path);
      const { rows } = await this.summary(path);
      if (startRow < fileFirst + rows) {
        const footer = await (await parquetDecoding()).readFooter(path);
        // Rows are counted from the first footer read; a file rewritten since would shift every row after it.
        if (footer.rows !== rows) throw unreadable(path, `changed while being read: its footer now lists ${footer.rows} rows, not ${rows}`);
        const columns = checkSameColumns(expected, footer);
        // Columns no one reads are not decoded at all: in a columnar file that is most of the saving.
        const read = options.fields ? columns.filter((c) => options.fields?.includes(c.name)) : columns;
        yield* this.fileChunks(footer, read, Math.max(0, startRow - fileFirst), fileFirst, chunkRows, signal);
      }
      fileFirst += rows;
    }
  }

  /**
   * The rows from `startRow` as ranges of whole chunks, about one row group
   * each, for other threads to decode and score: reading a range from its
   * start with the same `chunkRows` cuts the chunks `read` cuts.
   */
  async *ranges(options: ReadOptions): AsyncGenerator<ParquetRange> {
    const { chunkRows } = options;
    const startRow = options.startRow ?? 0;
    let fileFirst = 0;
    for (const path of this.paths) {
      throwIfCancelled(options.signal, path);
      const { rows } = await this.summary(path);
      if (startRow < fileFirst + rows) {
        const rangeRows = await rangeRowsOf(path, chunkRows);
        for (let start = Math.max(0, startRow - fileFirst); start < rows;) {
          const end = Math.min(rows, (Math.floor(start / rangeRows) + 1) * rangeRows);
          yield { path, fileFirstRow: fileFirst, start, end, chunkRows };
          start = end;
        }
      }
      fileFirst += rows;
    }
  }

  /**
   * How the files are cut into row groups: how many hold rows, and the
   * uncompressed bytes of the largest (undefined when a footer does not
   * tell a group's size): about what a thread decoding one range holds at
   * once when every column is read (see ranges).
   */
  async rowGroups(): Promise<{ count: number; largestBytes: number | undefined }> {
    let count = 0;
    let largestBytes: number | undefined = 0;
    for (const path of this.paths) {
      const summary = await this.summary(path);
      count += summary.groups;
      largestBytes = largerKnown(largestBytes, summary.largestGroupBytes);
    }
    return { count, largestBytes };
  }

  /** Rows per range `ranges` cuts (for a caller sizing how many chunks to keep in flight). */
  rowsPerRange(chunkRows: number): Promise<number> {
    return rangeRowsOf(this.paths[0] as string, chunkRows);
  }

  async close(): Promise<void> {
    // Each file is closed when its rows are read or the read is abandoned.
    this.summaries.clear();
  }

  private summary(path: string): Promise<FileSummary> {
    let summary = this.summaries.get(path);
    if (!summary) {
      summary = parquetDecoding().then(({ readFooter }) => readFooter(path)).then(({ rows, bytes, columns, rowGroups }) => ({
        rows, bytes, columns, groups: rowGroups.length,
        largestGroupBytes: rowGroups.reduce<number | undefined>((most, g) => largerKnown(most, g.uncompressedBytes), 0),
      }));
      this.summaries.set(path, summary);
      // A failure is not kept: the next call reports it afresh.
      summary.catch(() => this.summaries.delete(path));
    }
    return summary;
  }

  /** One file's rows from `from`, cut every `chunkRows` rows counted from the file's first row. */
  private async *fileChunks(footer: ParquetFooter, columns: readonly DatasetColumn[], from: number, fileFirst: number, chunkRows: number, signal?: AbortSignal): AsyncGenerator<RowChunk> {
    const names = columns.map((c) => c.name);
    const { FileBytes, RowGroupDecoder } = await parquetDecoding();
    const decoder = new RowGroupDecoder(footer, names);
    const builder = new RecordBuilder(names, columns.map((c) => converterFor(c.type)));
    const file = await FileBytes.open(footer.path, (n) => (this.bytesRead += n));
    let groupIndex = footer.rowGroups.findIndex((g) => g.end > from);
    let group: DecodedGroup | undefined;
    let at = from;
    try {
      while (at < footer.rows) {
        const end = Math.min(footer.rows, (Math.floor(at / chunkRows) + 1) * chunkRows);
        const records: InputRecord[] = new Array<InputRecord>(end - at);
        let filled = 0;
        while (at < end) {
          if (!group || at >= group.end) {
            throwIfCancelled(signal, footer.path);
            group = undefined; // let the previous group go before decoding the next
            group = await decodeGroup(decoder, file, footer, footer.rowGroups[groupIndex++] as RowGroupSpan, at);
          }
          const take = Math.min(end, group.end) - at;
          builder.fill(records, filled, group, at, take);
          filled += take;
          at += take;
        }
        yield { records, firstRow: fileFirst + end - records.length, source: footer.path };
      }
    } finally {
      await file.close();
    }
  }
}

/** The larger of two sizes, unknown when either is: the largest of sizes one of which is unknown is unknown. */
function largerKnown(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : Math.max(a, b);
}

async function decodeGroup(decoder: RowGroupDecoder, file: FileBytes, footer: ParquetFooter, group: RowGroupSpan, from: number): Promise<DecodedGroup> {
  try {
    return await decoder.decode(file, group, from);
  } catch (error) {
    if (TetraError.is(error)) throw error;
    throw unreadable(footer.path, `row group ${group.index} (rows ${group.start}-${group.end - 1}) cannot be decoded (${(error as Error).message})`, error);
  }
}

/** Makes records from decoded columns, row by row, with a constructor compiled for the column names (see compileRecord). */
class RecordBuilder {
  private readonly make: new (values: readonly unknown[]) => InputRecord;
  private readonly values: unknown[];

  constructor(names: readonly string[], private readonly converters: readonly ValueConverter[]) {
    this.make = compileRecord<[readonly unknown[]]>(names.map((name, i) => ({ name, value: `values[${i}]` })), ['values']);
    this.values = new Array<unknown>(names.length);
  }

  /** records[offset..offset+count) from file rows [at, at+count) of `group`. */
  fill(records: InputRecord[], offset: number, group: DecodedGroup, at: number, count: number): void {
    const width = this.converters.length;
    const cursors = group.columns.map((pieces) => new PieceCursor(pieces, at));
    const values = this.values;
    for (let i = 0; i < count; i++) {
      const row = at + i;
      for (let c = 0; c < width; c++) values[c] = (this.converters[c] as ValueConverter)((cursors[c] as PieceCursor).value(row));
      records[offset + i] = new this.make(values);
    }
  }
}

/** Walks a column's pieces forward, row by row. */
class PieceCursor {
  private index = 0;
  private piece: ColumnPiece;

  constructor(
    private readonly pieces: readonly ColumnPiece[],
    row: number,
  ) {
    while ((pieces[this.index] as ColumnPiece).rowEnd <= row) this.index++;
    this.piece = pieces[this.index] as ColumnPiece;
  }

  value(row: number): unknown {
    while (row >= this.piece.rowEnd) this.piece = this.pieces[++this.index] as ColumnPiece;
    return this.piece.values[row - this.piece.rowStart];
  }
}

/** The first file's columns, located in this one; a missing column or a different type fails naming both. */
function checkSameColumns(expected: readonly DatasetColumn[], footer: ParquetFooter): readonly DatasetColumn[] {
  const types = new Map(footer.columns.map((c) => [c.name, c.type]));
  for (const column of expected) {
    const type = types.get(column.name);
    if (type === undefined) {
      throw new TetraError('INPUT_MALFORMED', `${footer.path}: has no column "${column.name}", which the first input file has`, { file: footer.path, field: column.name });
    }
    if (type !== column.type) {
      throw new TetraError('INPUT_MALFORMED', `${footer.path}: column "${column.name}" is ${type} here but ${column.type} in the first input file`, { file: footer.path, field: column.name });
    }
  }
  return expected;
}
