import type { ParquetParsers, SchemaTree } from 'hyparquet';
import type { ColumnType } from '../../core/index.ts';

/**
 * How Parquet's types become Tetra's column types and record values:
 *
 * - DOUBLE, FLOAT, FLOAT16 and DECIMAL -> float64 (numbers);
 * - INT32, INT64 (signed or not) -> int64: numbers, except an integer beyond
 *   2^53, which no number holds exactly: it becomes its decimal text, so an
 *   ID column passes through unchanged (the Parquet writer takes the text
 *   back as INT64) and a feature still parses it;
 * - strings, enums and UUIDs -> string; binary without a text annotation is
 *   read as UTF-8, as most writers mean it;
 * - dates and timestamps -> string, ISO 8601 (`2024-05-01`, `2024-05-01T10:00:00.000Z`);
 * - FIXED_LEN_BYTE_ARRAY without an annotation -> string, base64;
 * - BOOLEAN -> boolean;
 * - lists, maps, structs and JSON -> json (arrays and objects, with the
 *   same rules for the values inside them).
 */
export function columnTypeOf(tree: SchemaTree): ColumnType {
  const { element } = tree;
  if (tree.children.length > 0 || element.repetition_type === 'REPEATED') return 'json';
  const annotation = element.logical_type?.type ?? element.converted_type;
  switch (annotation) {
    case 'JSON':
    case 'BSON':
    case 'VARIANT':
    case 'GEOMETRY':
    case 'GEOGRAPHY':
    case 'INTERVAL':
      return 'json';
    case 'STRING':
    case 'UTF8':
    case 'ENUM':
    case 'UUID':
    case 'DATE':
    case 'TIMESTAMP':
    case 'TIMESTAMP_MILLIS':
    case 'TIMESTAMP_MICROS':
      return 'string';
    case 'DECIMAL':
    case 'FLOAT16':
      return 'float64';
  }
  switch (element.type) {
    case 'BOOLEAN':
      return 'boolean';
    case 'INT32':
    case 'INT64':
      return 'int64';
    case 'FLOAT':
    case 'DOUBLE':
      return 'float64';
    case 'INT96':
    case 'BYTE_ARRAY':
    case 'FIXED_LEN_BYTE_ARRAY':
      return 'string';
    default:
      return 'json';
  }
}

/** Dates and timestamps decoded straight to ISO text instead of Date objects. */
export const TEXT_TIME_PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (millis: bigint) => isoTime(Number(millis)),
  timestampFromMicroseconds: (micros: bigint) => isoTime(Number(micros / 1000n)),
  timestampFromNanoseconds: (nanos: bigint) => isoTime(Number(nanos / 1000000n)),
  dateFromDays: (days: number) => isoTime(days * 86_400_000).slice(0, 10),
};

function isoTime(millis: number): string {
  const date = new Date(millis);
  // Beyond the years Date can show: keep the raw count rather than fail the read.
  return Number.isNaN(date.getTime()) ? String(millis) : date.toISOString();
}

export type ValueConverter = (value: unknown) => unknown;

/** Turns a decoded value into a record value of the column's type (null when missing). */
export function converterFor(type: ColumnType): ValueConverter {
  switch (type) {
    case 'int64':
      return integerValue;
    case 'json':
      return jsonValue;
    case 'string':
      return textValue;
    default:
      return plainValue;
  }
}

function plainValue(value: unknown): unknown {
  return value === undefined ? null : value;
}

function integerValue(value: unknown): unknown {
  if (typeof value !== 'bigint') return value === undefined ? null : value;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : value.toString();
}

function textValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return value === undefined ? null : value;
}

/** Nested values made plain: no bigints, Dates or byte arrays, which JSON cannot hold. */
function jsonValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return integerValue(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return textValue(value);
  if (Array.isArray(value)) return value.map(jsonValue);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>, jsonValue);
  if (typeof value === 'object') {
    const plain: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) Object.defineProperty(plain, key, { value: jsonValue(inner), enumerable: true, writable: true, configurable: true });
    return plain;
  }
  return value;
}
