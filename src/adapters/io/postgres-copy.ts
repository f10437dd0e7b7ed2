import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client } from 'pg';
import copyStreams from 'pg-copy-streams';
import type { ColumnType, OutputChunk, OutputColumn } from '../../core/index.ts';
import { qualifiedSql, quoteIdentifier, type TableName } from './postgres-url.ts';

/** A value that cannot be written, found before anything is sent. */
export class CopyValueError extends Error {
  constructor(
    readonly rowIndex: number,
    readonly column: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** How much COPY text is handed to the socket at a time. */
const PIECE_CHARS = 64 * 1024;

/**
 * Rows in COPY's text format: tab between values, newline after each row,
 * `\N` for null, and backslash escapes for backslash, tab, newline and
 * carriage return inside values (the four characters the format gives
 * meaning to; everything else, `"` and unicode included, passes as is).
 * Encoded whole before the transaction starts, so a bad value fails the
 * commit before the server sees anything.
 */
export function encodeCopyText(chunk: OutputChunk, columns: readonly OutputColumn[]): string[] {
  const pieces: string[] = [];
  let piece = '';
  chunk.rows.forEach((row, r) => {
    if (row.length !== columns.length) throw new CopyValueError(r, undefined, `has ${row.length} values for ${columns.length} columns`);
    const line = columns.map((column, c) => encodeValue(row[c], column.type, r, column.name)).join('\t');
    piece += `${line}\n`;
    if (piece.length >= PIECE_CHARS) {
      pieces.push(piece);
      piece = '';
    }
  });
  if (piece.length > 0) pieces.push(piece);
  return pieces;
}

function encodeValue(value: unknown, type: ColumnType, row: number, column: string): string {
  if (value === null || value === undefined) return '\\N';
  const text = valueText(value, type);
  // PostgreSQL text cannot hold NUL; saying so by row and column beats the server's "invalid byte sequence".
  if (text.includes('\u0000')) throw new CopyValueError(row, column, 'contains a NUL character (U+0000), which PostgreSQL text cannot store');
  return escapeCopy(text);
}

function valueText(value: unknown, type: ColumnType): string {
  if (type === 'json') return JSON.stringify(value, jsonSafe) ?? 'null';
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return type === 'boolean' ? (value ? 't' : 'f') : String(value);
  if (typeof value === 'string' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value, jsonSafe) ?? String(value);
}

/** The shortest text that reads back as the same double; PostgreSQL spells the special values its own way. */
function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function escapeCopy(text: string): string {
  return text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] as string);
}

/** Streams encoded rows into `table` with COPY FROM STDIN, on the caller's transaction. */
export async function copyInto(client: Client, table: TableName, columns: readonly OutputColumn[], pieces: readonly string[]): Promise<void> {
  const names = columns.map((c) => quoteIdentifier(c.name)).join(', ');
  const stream = client.query(copyStreams.from(`COPY ${qualifiedSql(table)} (${names}) FROM STDIN`));
  await pipeline(Readable.from(pieces), stream);
}

/**
 * The row (0-based within the chunk) and column a COPY error names in its
 * context line, e.g. `COPY t, line 3, column score: "abc"`.
 */
export function copyErrorLocation(where: string | undefined): { rowIndex?: number; column?: string } {
  const match = /COPY [^,]+, line (\d+)(?:, column ([^:]+))?/.exec(where ?? '');
  if (!match) return {};
  return { rowIndex: Number(match[1]) - 1, ...(match[2] !== undefined ? { column: match[2] } : {}) };
}
