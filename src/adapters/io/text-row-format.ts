import { rowsOf, type ColumnarRows, type OutputChunk, type OutputColumn } from '../../core/index.ts';
import { columnarLines, type ByteSink, type CellWriter } from './columnar-text.ts';
import { encodeLinesInSlices } from './utf8-slices.ts';

/** Turns output rows into CSV or JSON Lines text. */
export interface RowFormat {
  /** Text before the first row (the CSV header). */
  header(columns: readonly OutputColumn[]): string;
  /** The rows' lines, as UTF-8. */
  rows(columns: readonly OutputColumn[], rows: readonly (readonly unknown[])[]): Buffer;
  /** The same bytes as `rows` for rows that arrived column by column, written from their buffers. */
  columnar(columns: readonly OutputColumn[], parts: readonly ColumnarRows[]): Buffer;
}

/** A commit's lines in `format`, from its columns when they came so, else from its rows. */
export function chunkLines(format: RowFormat, columns: readonly OutputColumn[], chunk: OutputChunk): Buffer {
  return chunk.columnar ? format.columnar(columns, chunk.columnar) : format.rows(columns, chunk.rows);
}

export function csvFormat(delimiter = ','): RowFormat {
  const needsQuotes = new RegExp(`[${delimiter === ']' || delimiter === '\\' || delimiter === '^' || delimiter === '-' ? `\\${delimiter}` : delimiter}"\\r\\n]`);
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return '';
    if (typeof value === 'number' || typeof value === 'bigint') return String(value);
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return needsQuotes.test(text) || text === '' ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const encodeRows = (rows: readonly (readonly unknown[])[]): Buffer => encodeLinesInSlices(rows, (row) => row.map(cell).join(delimiter) + '\n');
  // Text bytes are copied only when the delimiter is one byte to look for.
  const code = delimiter.length === 1 ? delimiter.charCodeAt(0) : 0x80;
  const cells: CellWriter = {
    text: (sink, bytes, start, end) => {
      for (let i = start; i < end; i++) {
        const b = bytes[i] as number;
        if (b === code || b === 0x22 || b === 0x0d || b === 0x0a) return quoted(sink, bytes, start, end);
      }
      if (end === start) sink.ascii('""');
      else sink.bytes(bytes, start, end);
    },
    number: String,
    value: cell,
    missing: '',
  };
  return {
    header: (columns) => columns.map((c) => cell(c.name)).join(delimiter) + '\n',
    rows: (_columns, rows) => encodeRows(rows),
    columnar: (columns, parts) => (code < 0x80 ? columnarLines(parts, cells, columns.map((_, c) => (c === 0 ? '' : delimiter)), '\n') : encodeRows(parts.flatMap(rowsOf))),
  };
}

/** A CSV cell's bytes in quotes, its quotes doubled: `"${text.replaceAll('"', '""')}"` in UTF-8. */
function quoted(sink: ByteSink, bytes: Uint8Array, start: number, end: number): void {
  sink.byte(0x22);
  for (let i = start; i < end; i++) {
    const b = bytes[i] as number;
    sink.byte(b);
    if (b === 0x22) sink.byte(0x22);
  }
  sink.byte(0x22);
}

const jsonlRows = (columns: readonly OutputColumn[], rows: readonly (readonly unknown[])[]): Buffer =>
  encodeLinesInSlices(rows, (row) => {
    const record: Record<string, unknown> = {};
    columns.forEach((c, i) => (record[c.name] = row[i] ?? null));
    return JSON.stringify(record, bigintAsNumber) + '\n';
  });

const JSON_CELLS: CellWriter = {
  text: (sink, bytes, start, end) => {
    for (let i = start; i < end; i++) {
      const b = bytes[i] as number;
      if (b < 0x20 || b === 0x22 || b === 0x5c) return sink.text(JSON.stringify(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', start, end)));
    }
    sink.byte(0x22);
    sink.bytes(bytes, start, end);
    sink.byte(0x22);
  },
  // JSON has no NaN or infinities: JSON.stringify writes them as null.
  number: (value) => (Number.isFinite(value) ? String(value) : 'null'),
  value: (value) => JSON.stringify(value, bigintAsNumber),
  missing: 'null',
};

/**
 * Column names a record's keys keep one by one, in column order: an array
 * index comes first in an object whatever its place, `__proto__` is no key,
 * and a name kept twice is one key.
 */
function plainKeys(columns: readonly OutputColumn[]): boolean {
  return columns.length > 0 && new Set(columns.map((c) => c.name)).size === columns.length && columns.every((c) => c.name !== '__proto__' && !/^(0|[1-9]\d*)$/.test(c.name));
}

export const jsonlFormat: RowFormat = {
  header: () => '',
  rows: jsonlRows,
  columnar: (columns, parts) =>
    plainKeys(columns)
      ? columnarLines(parts, JSON_CELLS, columns.map((c, i) => `${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`), '}\n')
      : jsonlRows(columns, parts.flatMap(rowsOf)),
};

function bigintAsNumber(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}
