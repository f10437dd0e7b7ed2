/**
 * One output column's cells for a run of rows, in a shape that crosses
 * between threads as a few buffers instead of an object per value: numbers
 * as doubles, text as UTF-8 bytes with each value's end offset, anything
 * else as the values themselves. `present` marks the rows that have a value
 * (absent: every row has one).
 */
export type ColumnCells =
  | { readonly kind: 'float64'; readonly values: Float64Array; readonly present?: Uint8Array }
  | { readonly kind: 'utf8'; readonly bytes: Uint8Array; readonly ends: Uint32Array; readonly present?: Uint8Array }
  | { readonly kind: 'any'; readonly values: readonly unknown[] };

/**
 * Output rows laid out column by column. Batch workers send their scored
 * rows so: a worker encodes its rows' text while others score, and the
 * thread that writes the output receives a handful of buffers per chunk
 * rather than thousands of small arrays to rebuild and collect.
 */
export interface ColumnarRows {
  readonly count: number;
  readonly columns: readonly ColumnCells[];
}

/** The rows, column by column; a column of numbers (or of strings) with nulls becomes doubles (or UTF-8). */
export function columnarOf(rows: readonly (readonly unknown[])[], width: number): ColumnarRows {
  const columns: ColumnCells[] = [];
  for (let c = 0; c < width; c++) columns.push(columnCells(rows, c));
  return { count: rows.length, columns };
}

function columnCells(rows: readonly (readonly unknown[])[], c: number): ColumnCells {
  let numbers = true;
  let strings = true;
  let missing = false;
  for (let r = 0; r < rows.length && (numbers || strings); r++) {
    const value = (rows[r] as readonly unknown[])[c];
    if (value === null || value === undefined) missing = true;
    else if (typeof value === 'number') strings = false;
    else if (typeof value === 'string') {
      numbers = false;
      // UTF-8 cannot hold a lone surrogate: such text crosses as itself, so a JSON column still writes its escape.
      strings &&= isWellFormed(value);
    }
    else numbers = strings = false;
  }
  const present = missing ? presentCells(rows, c) : undefined;
  if (numbers && rows.length > 0) return { kind: 'float64', values: doubleColumn(rows, c), ...(present ? { present } : {}) };
  if (strings && rows.length > 0) return { kind: 'utf8', ...utf8Column(rows, c), ...(present ? { present } : {}) };
  return { kind: 'any', values: rows.map((row) => row[c] ?? null) };
}

/** A plain loop: Float64Array.from with a mapping function calls it through the iterator protocol, several times slower. */
function doubleColumn(rows: readonly (readonly unknown[])[], c: number): Float64Array {
  const values = new Float64Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const value = (rows[r] as readonly unknown[])[c];
    if (typeof value === 'number') values[r] = value;
  }
  return values;
}

function presentCells(rows: readonly (readonly unknown[])[], c: number): Uint8Array {
  const present = new Uint8Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const value = (rows[r] as readonly unknown[])[c];
    present[r] = value === null || value === undefined ? 0 : 1;
  }
  return present;
}

function utf8Column(rows: readonly (readonly unknown[])[], c: number): { bytes: Uint8Array; ends: Uint32Array } {
  let bound = 0;
  for (const row of rows) if (typeof row[c] === 'string') bound += (row[c] as string).length * 3;
  const out = Buffer.allocUnsafe(bound);
  const ends = new Uint32Array(rows.length);
  let pos = 0;
  for (let r = 0; r < rows.length; r++) {
    const value = (rows[r] as readonly unknown[])[c];
    if (typeof value === 'string') pos = writeUtf8(out, pos, value);
    ends[r] = pos;
  }
  // A copy of just the written bytes: the buffer is handed to another thread whole.
  return { bytes: new Uint8Array(out.subarray(0, pos)), ends };
}

/**
 * Writes `text` as UTF-8 at `pos`, returning the position after it. ASCII
 * is copied in a plain loop: for short values (ids, labels) a native UTF-8
 * write per value costs more than the copy. `out` must have room for three
 * bytes per UTF-16 unit.
 */
export function writeUtf8(out: Buffer, pos: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return pos + out.write(text.slice(i), pos, 'utf8');
    out[pos++] = c;
  }
  return pos;
}

/** The column's values, row by row (null where a row has none). */
export function cellsOf(column: ColumnCells, count: number): unknown[] {
  if (column.kind === 'any') return [...column.values];
  const cells = new Array<unknown>(count);
  const text = column.kind === 'utf8' ? Buffer.from(column.bytes.buffer, column.bytes.byteOffset, column.bytes.byteLength) : undefined;
  for (let r = 0; r < count; r++) {
    if (column.present && column.present[r] === 0) cells[r] = null;
    else if (column.kind === 'float64') cells[r] = column.values[r];
    else cells[r] = (text as Buffer).toString('utf8', r === 0 ? 0 : (column.ends[r - 1] as number), column.ends[r]);
  }
  return cells;
}

/** The rows back as arrays of values. */
export function rowsOf(columnar: ColumnarRows): unknown[][] {
  const cells = columnar.columns.map((column) => cellsOf(column, columnar.count));
  return Array.from({ length: columnar.count }, (_, r) => cells.map((column) => column[r]));
}

/** No lone surrogate (String.prototype.isWellFormed, which Node 20 has but the ES2023 typings lack). */
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}
