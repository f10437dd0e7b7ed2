import { endianness } from 'node:os';
import { cellsOf, type ColumnCells, type ColumnarRows, type OutputColumn } from '../../core/index.ts';
import { DEFAULT_PAGE_ROWS, encodeColumnChunk, pageOf, type ValueOrigin } from './parquet-page.ts';

const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * Column `index` of runs of rows that arrived column by column, as a column
 * chunk: the bytes `encodeColumnChunk` writes for the same values. Doubles
 * for a DOUBLE column and UTF-8 for a text column go straight into pages;
 * anything else is turned back into values and takes the checked path,
 * with its errors.
 */
export function encodeColumnarChunk(column: OutputColumn, parts: readonly ColumnarRows[], index: number, origin: ValueOrigin, pageRows = DEFAULT_PAGE_ROWS): Uint8Array {
  const cells = parts.map((part) => part.columns[index] as ColumnCells);
  const counts = parts.map((part) => part.count);
  const doublesHere = LITTLE_ENDIAN && cells.every((c) => c.kind === 'float64');
  if (column.type === 'float64' && doublesHere) return pages(doubles(cells, counts), pageRows);
  if (column.type === 'int64' && doublesHere) {
    const merged = doubles(cells, counts);
    // A value that is not a whole number within int64 fails on the checked path, with its error.
    if (allInt64(merged)) return pages({ present: merged.present, plain: (from, to, count) => int64Words(merged, from, to, count) }, pageRows);
  }
  if (column.type === 'string' && cells.every((c) => c.kind === 'utf8')) return pages(texts(cells, counts), pageRows);
  const values = cells.flatMap((c, i) => cellsOf(c, counts[i] as number));
  return encodeColumnChunk(column, values, origin, pageRows);
}

/** A column's rows merged from its runs: which have a value, and how each page's PLAIN values are cut out. */
interface MergedColumn {
  readonly present: Uint8Array;
  /** PLAIN bytes of the present values among rows [from, to). */
  plain(from: number, to: number, presentCount: number): Uint8Array;
}

function pages(merged: MergedColumn, pageRows: number): Uint8Array {
  const { present } = merged;
  const out: Uint8Array[] = [];
  for (let from = 0; from < present.length; from += pageRows) {
    const to = Math.min(present.length, from + pageRows);
    const defined = present.subarray(from, to);
    let count = 0;
    for (let r = 0; r < defined.length; r++) count += defined[r] as number;
    out.push(pageOf(to - from, defined, count, merged.plain(from, to, count)));
  }
  return out.length === 1 ? (out[0] as Uint8Array) : Buffer.concat(out);
}

function mergedPresent(cells: readonly ColumnCells[], counts: readonly number[]): Uint8Array {
  const present = new Uint8Array(counts.reduce((a, b) => a + b, 0)).fill(1);
  let at = 0;
  cells.forEach((c, i) => {
    if (c.kind !== 'any' && c.present) present.set(c.present, at);
    at += counts[i] as number;
  });
  return present;
}

/** A column of doubles merged from its runs, each row's value at its index (0 where it has none). */
interface MergedDoubles extends MergedColumn {
  readonly values: Float64Array;
}

const INT64_MIN = -(2 ** 63);
const INT64_LIMIT = 2 ** 63;
const WORD = 2 ** 32;

function allInt64({ present, values }: MergedDoubles): boolean {
  for (let r = 0; r < values.length; r++) {
    const v = values[r] as number;
    if (present[r] === 1 && !(Number.isInteger(v) && v >= INT64_MIN && v < INT64_LIMIT)) return false;
  }
  return true;
}

/**
 * PLAIN INT64 values of the present rows among [from, to): each whole
 * double split into its low and high 32-bit words, exact for any integer
 * in range (the division by 2^32 only moves the exponent), where a BigInt
 * per value, as the checked path makes, costs an allocation each.
 */
function int64Words({ present, values }: MergedDoubles, from: number, to: number, presentCount: number): Uint8Array {
  const out = new Int32Array(presentCount * 2);
  let k = 0;
  for (let r = from; r < to; r++) {
    if (present[r] !== 1) continue;
    const v = values[r] as number;
    out[k++] = v % WORD | 0;
    out[k++] = Math.floor(v / WORD) | 0;
  }
  return new Uint8Array(out.buffer);
}

function doubles(cells: readonly ColumnCells[], counts: readonly number[]): MergedDoubles {
  const present = mergedPresent(cells, counts);
  const values = new Float64Array(present.length);
  let at = 0;
  cells.forEach((c, i) => {
    if (c.kind === 'float64') values.set(c.values, at);
    at += counts[i] as number;
  });
  return {
    present,
    values,
    plain(from, to, presentCount) {
      const out = new Float64Array(presentCount);
      let k = 0;
      for (let r = from; r < to; r++) if (present[r] === 1) out[k++] = values[r] as number;
      return new Uint8Array(out.buffer);
    },
  };
}

function texts(cells: readonly ColumnCells[], counts: readonly number[]): MergedColumn {
  const present = mergedPresent(cells, counts);
  const bytes = Buffer.concat(cells.map((c) => (c.kind === 'utf8' ? c.bytes : new Uint8Array(0))));
  // Each row's [start, end) in the merged bytes.
  const starts = new Uint32Array(present.length);
  const ends = new Uint32Array(present.length);
  let row = 0;
  let base = 0;
  cells.forEach((c, i) => {
    if (c.kind !== 'utf8') return;
    for (let r = 0; r < (counts[i] as number); r++, row++) {
      starts[row] = base + (r === 0 ? 0 : (c.ends[r - 1] as number));
      ends[row] = base + (c.ends[r] as number);
    }
    base += c.bytes.length;
  });
  return {
    present,
    plain(from, to, presentCount) {
      let size = presentCount * 4;
      for (let r = from; r < to; r++) if (present[r] === 1) size += (ends[r] as number) - (starts[r] as number);
      const out = Buffer.allocUnsafe(size);
      let pos = 0;
      for (let r = from; r < to; r++) {
        if (present[r] !== 1) continue;
        const start = starts[r] as number;
        const end = ends[r] as number;
        out.writeUInt32LE(end - start, pos);
        pos += 4;
        // Short values (ids, labels) are copied in a loop: a native copy per value costs more.
        if (end - start > 64) pos += bytes.copy(out, pos, start, end);
        else for (let b = start; b < end; b++) out[pos++] = bytes[b] as number;
      }
      return out;
    },
  };
}
