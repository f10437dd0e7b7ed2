import { endianness } from 'node:os';
import { TetraError, writeUtf8, type ColumnType, type OutputColumn } from '../../core/index.ts';
import { CompactWriter } from './parquet-thrift.ts';

/** Parquet enum values this writer uses (parquet.thrift). */
export const PARQUET = {
  type: { BOOLEAN: 0, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 },
  repetition: { OPTIONAL: 1 },
  convertedType: { UTF8: 0, JSON: 19 },
  /** Field ids of LogicalType's union members. */
  logicalType: { STRING: 1, JSON: 12 },
  encoding: { PLAIN: 0, RLE: 3 },
  codec: { UNCOMPRESSED: 0 },
  pageType: { DATA_PAGE: 0 },
} as const;

export function physicalTypeOf(type: ColumnType): number {
  switch (type) {
    case 'float64':
      return PARQUET.type.DOUBLE;
    case 'int64':
      return PARQUET.type.INT64;
    case 'boolean':
      return PARQUET.type.BOOLEAN;
    case 'string':
    case 'json':
      return PARQUET.type.BYTE_ARRAY;
  }
}

/** Where a value came from, for the error that names it. */
export interface ValueOrigin {
  readonly file: string;
  /** Zero-based output row of the chunk's first row. */
  readonly firstRow: number;
}

/** Rows per data page: 64k doubles make the half-megabyte pages Parquet readers expect. */
export const DEFAULT_PAGE_ROWS = 65_536;

/**
 * One column of a chunk as a column chunk of PLAIN, uncompressed data pages
 * of at most `pageRows` rows (page headers included). Nulls are definition
 * level 0; a page with no nulls stores its levels as one RLE run of a few bytes.
 */
/** The rows' cells column by column, in one pass over the rows (a pass per column would visit every row object once per column). */
export function columnsOf(rows: readonly (readonly unknown[])[], width: number): unknown[][] {
  const columns: unknown[][] = Array.from({ length: width }, () => new Array<unknown>(rows.length));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as readonly unknown[];
    for (let c = 0; c < width; c++) (columns[c] as unknown[])[r] = row[c];
  }
  return columns;
}

export function encodeColumnChunk(column: OutputColumn, cells: readonly unknown[], origin: ValueOrigin, pageRows = DEFAULT_PAGE_ROWS): Uint8Array {
  const pages: Uint8Array[] = [];
  for (let first = 0; first < cells.length; first += pageRows) {
    pages.push(encodePage(column, cells, first, Math.min(cells.length, first + pageRows), origin));
  }
  return pages.length === 1 ? (pages[0] as Uint8Array) : Buffer.concat(pages);
}

/** The column's cells [from, to) as one data page. */
function encodePage(column: OutputColumn, cells: readonly unknown[], from: number, to: number, origin: ValueOrigin): Uint8Array {
  const count = to - from;
  const defined = new Uint8Array(count);
  const values: unknown[] = [];
  for (let r = from; r < to; r++) {
    const value = cells[r];
    if (value === null || value === undefined) continue;
    defined[r - from] = 1;
    values.push(checkValue(column, value, origin, r));
  }
  return pageOf(count, defined, values.length, plainValues(column.type, values));
}

/** A data page of `count` rows: the header, then the definition levels of `defined`, then the PLAIN values of its defined rows. */
export function pageOf(count: number, defined: Uint8Array, definedCount: number, data: Uint8Array): Uint8Array {
  const levels = definitionLevels(defined, definedCount);
  const body = new Uint8Array(4 + levels.length + data.length);
  new DataView(body.buffer).setUint32(0, levels.length, true);
  body.set(levels, 4);
  body.set(data, 4 + levels.length);
  const header = new CompactWriter()
    .i32(1, PARQUET.pageType.DATA_PAGE)
    .i32(2, body.length)
    .i32(3, body.length)
    .beginStruct(5)
    .i32(1, count)
    .i32(2, PARQUET.encoding.PLAIN)
    .i32(3, PARQUET.encoding.RLE)
    .i32(4, PARQUET.encoding.RLE)
    .endStruct()
    .end();
  const page = new Uint8Array(header.length + body.length);
  page.set(header);
  page.set(body, header.length);
  return page;
}

const INT64_MIN = -(2 ** 63);
const INT64_LIMIT = 2 ** 63;

/** The value as this column stores it, or OUTPUT_FAILED naming the column and row. */
function checkValue(column: OutputColumn, value: unknown, origin: ValueOrigin, r: number): unknown {
  switch (column.type) {
    case 'float64':
      if (typeof value === 'number') return value;
      if (typeof value === 'bigint') return Number(value);
      break;
    case 'int64':
      if (typeof value === 'number' && Number.isInteger(value) && value >= INT64_MIN && value < INT64_LIMIT) return BigInt(value);
      if (typeof value === 'bigint' && BigInt.asIntN(64, value) === value) return value;
      // The Parquet reader hands integers beyond 2^53 over as decimal text, so they pass through exactly.
      if (typeof value === 'string' && /^-?\d{1,19}$/.test(value) && BigInt.asIntN(64, BigInt(value)) === BigInt(value)) return BigInt(value);
      break;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      break;
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'json': {
      const text = toJsonText(value);
      if (text !== undefined) return text;
      break;
    }
  }
  const row = origin.firstRow + r;
  throw new TetraError('OUTPUT_FAILED', `${origin.file}: output row ${row}, column "${column.name}": ${describe(value)} is not a ${column.type} value`, {
    file: origin.file,
    row,
    field: column.name,
    retriable: false,
  });
}

function toJsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v));
  } catch {
    return undefined;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return `the ${typeof value} ${String(value)}`;
  return `a value of type ${Array.isArray(value) ? 'array' : typeof value}`;
}

/** The RLE/bit-packed hybrid encoding of 0/1 levels (bit width 1). */
function definitionLevels(defined: Uint8Array, definedCount: number): Uint8Array {
  if (definedCount === defined.length) return Uint8Array.from([...uvarint(defined.length * 2), 1]);
  const groups = Math.ceil(defined.length / 8);
  const header = uvarint(groups * 2 + 1);
  const out = new Uint8Array(header.length + groups);
  out.set(header);
  for (let i = 0; i < defined.length; i++) if (defined[i]) out[header.length + (i >> 3)] |= 1 << (i & 7);
  return out;
}

function uvarint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}

function plainValues(type: ColumnType, values: readonly unknown[]): Uint8Array {
  switch (type) {
    // Typed arrays store in the platform's byte order, and Parquet is little-endian.
    case 'float64': {
      if (!LITTLE_ENDIAN) return bigEndianPlain(values, (view, i, v) => view.setFloat64(i * 8, v as number, true));
      const out = new Float64Array(values.length);
      for (let i = 0; i < values.length; i++) out[i] = values[i] as number;
      return new Uint8Array(out.buffer);
    }
    case 'int64': {
      if (!LITTLE_ENDIAN) return bigEndianPlain(values, (view, i, v) => view.setBigInt64(i * 8, v as bigint, true));
      const out = new BigInt64Array(values.length);
      for (let i = 0; i < values.length; i++) out[i] = values[i] as bigint;
      return new Uint8Array(out.buffer);
    }
    case 'boolean': {
      const out = new Uint8Array(Math.ceil(values.length / 8));
      values.forEach((v, i) => {
        if (v) out[i >> 3] |= 1 << (i & 7);
      });
      return out;
    }
    case 'string':
    case 'json':
      return byteArrays(values as readonly string[]);
  }
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** 8-byte values written one by one in little-endian order, on a big-endian machine. */
function bigEndianPlain(values: readonly unknown[], set: (view: DataView, i: number, v: unknown) => void): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => set(view, i, v));
  return out;
}

/** PLAIN BYTE_ARRAY: each value as a 4-byte little-endian length and its UTF-8 bytes. */
function byteArrays(values: readonly string[]): Uint8Array {
  let bound = 0;
  for (const v of values) bound += 4 + v.length * 3;
  const out = Buffer.allocUnsafe(bound);
  let offset = 0;
  for (const v of values) {
    const pos = writeUtf8(out, offset + 4, v);
    out.writeUInt32LE(pos - offset - 4, offset);
    offset = pos;
  }
  // Only the written bytes: the rest of the unzeroed allocation never reaches the file.
  return out.subarray(0, offset);
}
