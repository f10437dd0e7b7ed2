import { MALFORMED_ROW, TetraError, type InputRecord, type PlainKind } from '../../core/index.ts';
import { StringDecoder } from 'node:string_decoder';
import { CsvParser } from './csv-parser.ts';
import type { CsvCell } from './plain-cell.ts';
import { RECORD_PROTOTYPE, cellKinds, csvRecordMaker, keptNames, plainValuesAllowed, type RecordMaker } from './record-shape.ts';
import { decodeInSlices } from './utf8-slices.ts';
import { DEFAULT_BATCH_ROWS, throwIfCancelled, type RecordBatch, type RecordReaderOptions } from './record-batch.ts';

export interface CsvRecordOptions extends RecordReaderOptions {
  readonly delimiter?: string;
  /**
   * Cells that mean "missing" (become null). Default: empty cells only; the
   * records codec also takes `NA` as missing, except for a category that has
   * an `NA` level.
   */
  readonly missingValues?: readonly string[];
  /** Yield one empty batch (with the columns) for an input that has a header but no rows, so a reader still learns its columns. */
  readonly headerOnlyBatch?: boolean;
  /** The columns records hold (every column when absent): the others are still counted, but never copied out of the text. */
  readonly fields?: readonly string[];
  /** Columns whose plain cells become numbers or booleans (see ReadOptions.plainKinds); text otherwise. */
  readonly plainKinds?: Readonly<Record<string, PlainKind>>;
}

/**
 * Reads CSV with a header row into record batches: each record maps header
 * names to cell text (or, in `plainKinds` columns, a plain cell's value),
 * with missing cells as null. A row with a different
 * number of cells than the header fails, naming its line.
 */
export async function* csvRecords(chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>, options: CsvRecordOptions = {}): AsyncGenerator<RecordBatch> {
  const source = options.source ?? 'input';
  const decoder = new StringDecoder('utf8');
  const missing = new Set(options.missingValues ?? ['']);
  const plainKinds = plainValuesAllowed(missing) ? options.plainKinds : undefined;
  const fields = options.fields ? new Set(options.fields) : undefined;
  const parser = new CsvParser<CsvCell>({
    delimiter: options.delimiter, source, maxRowBytes: options.maxRowBytes,
    // The header's names as checkHeader makes them (a bad header fails there, as it would below).
    cellKinds: (cells) => cellKinds(checkHeader(cells, source), fields, plainKinds),
  });
  const batchSize = options.batchSize ?? DEFAULT_BATCH_ROWS;
  let header: string[] | undefined;
  let shape: RowShape | undefined;
  let pending: InputRecord[] = [];
  let pendingLines: number[] = [];
  let rowNumber = 0;
  const take = (rows: CsvCell[][], lines: number[]): void => {
    rows.forEach((cells, i) => {
      if (!shape) {
        // The header's cells are text (cellKinds apply to the rows after it).
        header = checkHeader(cells.map(String), source);
        shape = rowShape(header, missing, fields);
        return;
      }
      pending.push(options.keepMalformed ? toRecordOrMalformed(shape, cells, missing, source, lines[i] as number) : toRecord(shape, cells, source, lines[i] as number));
      pendingLines.push(lines[i] as number);
    });
  };
  for await (const chunk of chunks) {
    throwIfCancelled(options.signal, source);
    for (const text of typeof chunk === 'string' ? [chunk] : decodeInSlices(decoder, chunk)) {
      const lines: number[] = [];
      take(parser.push(text, lines), lines);
    }
    while (pending.length >= batchSize) {
      yield { records: pending.splice(0, batchSize), firstRow: rowNumber, lines: pendingLines.splice(0, batchSize), columns: header };
      rowNumber += batchSize;
    }
  }
  const tail = decoder.end();
  if (tail) {
    const lines: number[] = [];
    take(parser.push(tail, lines), lines);
  }
  const lines: number[] = [];
  take(parser.end(lines), lines);
  if (!header) throw new TetraError('INPUT_MALFORMED', `${source}: the CSV input is empty (a header row is required)`, { file: source });
  if (options.headerOnlyBatch && rowNumber === 0 && pending.length === 0) yield { records: [], firstRow: 0, lines: [], columns: header };
  for (let i = 0; i < pending.length; i += batchSize) {
    yield { records: pending.slice(i, i + batchSize), firstRow: rowNumber + i, lines: pendingLines.slice(i, i + batchSize), columns: header };
  }
  pending = [];
  pendingLines = [];
}

/** The header's column names, trimmed; an empty or repeated name fails naming it. */
export function checkHeader(cells: readonly string[], source: string): string[] {
  const names = cells.map((c) => c.trim());
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name === '') throw new TetraError('INPUT_MALFORMED', `${source} line 1: header column ${i + 1} has no name`, { file: source, line: 1 });
    if (seen.has(name)) throw new TetraError('INPUT_MALFORMED', `${source} line 1: header column "${name}" appears twice`, { file: source, line: 1, field: name });
    seen.add(name);
  });
  return names;
}

/** How a file's rows become records: its width, and the columns records keep with their places. */
interface RowShape {
  readonly width: number;
  readonly make: RecordMaker;
  readonly names: readonly string[];
  readonly indexes: readonly number[];
}

function rowShape(header: readonly string[], missing: ReadonlySet<string>, fields: ReadonlySet<string> | undefined): RowShape {
  const names = keptNames(header, fields);
  return { width: header.length, make: csvRecordMaker(header, missing, fields), names, indexes: names.map((name) => header.indexOf(name)) };
}

/** The record, or for a row of the wrong width the cells it has (by position) marked malformed. */
function toRecordOrMalformed(shape: RowShape, cells: CsvCell[], missing: ReadonlySet<CsvCell>, source: string, line: number): InputRecord {
  if (cells.length === shape.width) return shape.make(cells);
  const record = Object.create(RECORD_PROTOTYPE) as Record<string | symbol, unknown>;
  shape.names.forEach((name, k) => {
    const i = shape.indexes[k] as number;
    record[name] = i < cells.length && !missing.has(cells[i] as CsvCell) ? cells[i] : null;
  });
  record[MALFORMED_ROW] = wrongWidth(shape, cells, source, line);
  return record as InputRecord;
}

function toRecord(shape: RowShape, cells: CsvCell[], source: string, line: number): InputRecord {
  if (cells.length !== shape.width) throw wrongWidth(shape, cells, source, line);
  return shape.make(cells);
}

function wrongWidth(shape: RowShape, cells: readonly CsvCell[], source: string, line: number): TetraError {
  return new TetraError('INPUT_MALFORMED', `${source} line ${line}: ${cells.length} cells but the header has ${shape.width} columns`, { file: source, line });
}
