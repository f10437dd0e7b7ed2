import { types, type CustomTypesConfig } from 'pg';
import type { ColumnType } from '../../core/index.ts';

/** Built-in type OIDs (stable across PostgreSQL versions: pg_type.dat). */
const OID = {
  bool: 16, bytea: 17, char: 18, name: 19, int8: 20, int2: 21, int4: 23, text: 25, oid: 26,
  json: 114, xml: 142, float4: 700, float8: 701, money: 790, macaddr: 829, inet: 869, cidr: 650, bpchar: 1042, varchar: 1043,
  date: 1082, time: 1083, timestamp: 1114, timestamptz: 1184, interval: 1186, timetz: 1266, numeric: 1700, uuid: 2950, jsonb: 3802,
  int8Array: 1016, byteaArray: 1001, timestampArray: 1115, dateArray: 1182, timestamptzArray: 1185, intervalArray: 1187,
} as const;

const FLOAT_OIDS = new Set<number>([OID.float4, OID.float8, OID.numeric]);
const INT_OIDS = new Set<number>([OID.int2, OID.int4, OID.int8, OID.oid]);
/**
 * Types whose text form is the natural value. Dates and times stay text
 * (the driver would make Date objects, losing time zones and precision).
 */
const STRING_OIDS = new Set<number>([
  OID.text, OID.varchar, OID.bpchar, OID.name, OID.char, OID.uuid, OID.xml, OID.bytea, OID.money, OID.macaddr, OID.inet, OID.cidr,
  OID.date, OID.time, OID.timetz, OID.timestamp, OID.timestamptz, OID.interval,
]);

/**
 * The dataset type of a result column. `category` (pg_type.typcategory) is
 * consulted for types without a fixed OID: enums (E) and string-like
 * extension types such as citext (S) read as strings; the rest as json.
 */
export function columnTypeOf(oid: number, category?: string): ColumnType {
  if (FLOAT_OIDS.has(oid)) return 'float64';
  if (INT_OIDS.has(oid)) return 'int64';
  if (oid === OID.bool) return 'boolean';
  if (STRING_OIDS.has(oid)) return 'string';
  if (oid === OID.json || oid === OID.jsonb) return 'json';
  if (category === 'S' || category === 'E') return 'string';
  return 'json';
}

/** True when `columnTypeOf` needs the type's category to decide. */
export function needsCategory(oid: number): boolean {
  return !FLOAT_OIDS.has(oid) && !INT_OIDS.has(oid) && !STRING_OIDS.has(oid) && oid !== OID.bool && oid !== OID.json && oid !== OID.jsonb;
}

/** An int8 as a number when it is exact as one; beyond 2^53 the text is kept rather than a wrong number. */
function parseInt8(text: string): number | string {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : text;
}

function mapDeep(value: unknown, f: (text: string) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => mapDeep(v, f));
  return typeof value === 'string' ? f(value) : value;
}

const raw = (text: string): string => text;
/** text[]'s parser (array text to nested string arrays); the cast is because the typings list OIDs as an enum. */
const parseStringArray = types.getTypeParser(1009 as Parameters<typeof types.getTypeParser>[0]) as (text: string) => unknown;
const parseInt8Array = (text: string): unknown => mapDeep(parseStringArray(text), parseInt8);

/**
 * Value parsers for reading rows: numeric as a number (the model wants
 * numbers; its 15-17 significant digits are what float64 keeps anyway),
 * int8 as a number when safe, dates and times and bytea as their text.
 */
const OVERRIDES = new Map<number, (text: string) => unknown>([
  [OID.int8, parseInt8],
  [OID.numeric, Number],
  [OID.int8Array, parseInt8Array],
  [OID.bytea, raw], [OID.date, raw], [OID.timestamp, raw], [OID.timestamptz, raw], [OID.interval, raw],
  [OID.byteaArray, parseStringArray], [OID.dateArray, parseStringArray], [OID.timestampArray, parseStringArray],
  [OID.timestamptzArray, parseStringArray], [OID.intervalArray, parseStringArray],
]);

export const READ_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary') {
      const override = OVERRIDES.get(oid);
      if (override) return override;
    }
    return types.getTypeParser(oid as Parameters<typeof types.getTypeParser>[0], format as 'text');
  }) as CustomTypesConfig['getTypeParser'],
};

/** The column type a table is created with for each output column type. */
export function sqlTypeFor(type: ColumnType): string {
  switch (type) {
    case 'float64': return 'double precision';
    case 'int64': return 'bigint';
    case 'string': return 'text';
    case 'boolean': return 'boolean';
    case 'json': return 'jsonb';
  }
}

/**
 * Whether an existing column (its base type's name and category, domains
 * looked through) can take an output column's values exactly. Narrower
 * integers are accepted: a value out of their range fails its commit by name.
 */
export function acceptsValues(type: ColumnType, baseType: string, category: string): boolean {
  switch (type) {
    case 'float64': return baseType === 'float8' || baseType === 'numeric';
    case 'int64': return ['int8', 'int4', 'int2', 'numeric', 'float8'].includes(baseType);
    case 'string': return category === 'S';
    case 'boolean': return baseType === 'bool';
    case 'json': return baseType === 'jsonb' || baseType === 'json' || category === 'S';
  }
}
