import type { InputRecord, PlainKind } from '../../core/index.ts';
import { CellKind, cellKindOf, plainCell, type CsvCell } from './plain-cell.ts';

/**
 * Records inherit from one object without a prototype: a column named
 * __proto__ or constructor is just a column, and nothing of
 * Object.prototype answers for a column a record does not have.
 */
export const RECORD_PROTOTYPE: object = Object.create(null) as object;

/**
 * A constructor written out for one set of column names: `this["name"] =
 * <value code>` per column, taking `params`. V8 then gives every record one
 * fixed shape with its fields inline. Adding computed keys one by one to an
 * empty object instead walks the shape transitions for every cell and
 * turns records of more than a dozen fields into hash tables: several
 * times slower to build and to read, and readers make millions of records.
 */
export function compileRecord<A extends unknown[]>(columns: readonly { readonly name: string; readonly value: string }[], params: readonly string[]): new (...args: A) => InputRecord {
  // Names enter the code only as JSON string literals, so any name is safe.
  const body = columns.map(({ name, value }) => `this[${JSON.stringify(name)}] = ${value};`).join('\n');
  const Shape = new Function(...params, body) as unknown as new (...args: A) => InputRecord;
  Shape.prototype = RECORD_PROTOTYPE;
  return Shape;
}

/** Turns one CSV row's cells into a record. */
export type RecordMaker = (cells: readonly CsvCell[]) => InputRecord;

/** Records of one CSV header holding the columns in `fields` (all when absent), missing cells as null. */
export function csvRecordMaker(header: readonly string[], missing: ReadonlySet<string>, fields?: ReadonlySet<string>): RecordMaker {
  const onlyEmpty = missing.size === 1 && missing.has('');
  const columns = header.flatMap((name, i) => {
    if (fields && !fields.has(name)) return [];
    const cell = `c[${i}]`;
    return [{ name, value: onlyEmpty ? `${cell} === '' ? null : ${cell}` : `m.has(${cell}) ? null : ${cell}` }];
  });
  const Shape = compileRecord<[readonly CsvCell[], ReadonlySet<CsvCell>]>(columns, ['c', 'm']);
  return (cells) => new Shape(cells, missing);
}

/**
 * How the parser hands out each of the header's cells: skipped when records
 * leave the column out (never the first, so a blank line still reads as
 * blank), a plain value for the columns in `plain`, text for the rest.
 */
export function cellKinds(header: readonly string[], fields?: ReadonlySet<string>, plain?: Readonly<Record<string, PlainKind>>): CellKind[] {
  return header.map((name, i) => {
    if (fields && !fields.has(name) && i > 0) return CellKind.Skip;
    const kind = plain && Object.hasOwn(plain, name) ? plain[name] : undefined;
    return kind ? cellKindOf(kind) : CellKind.Text;
  });
}

/**
 * Plain values are safe only if no missing-value marker reads as one: a
 * marker `0` must make a `0` cell null, which the number 0 would escape.
 */
export function plainValuesAllowed(missing: ReadonlySet<string>): boolean {
  const kinds = [CellKind.Number, CellKind.Boolean];
  return [...missing].every((marker) => kinds.every((kind) => plainCell(marker, 0, marker.length, kind) === undefined));
}

/** The column names a record keeps, for a row made by position (a malformed row). */
export function keptNames(header: readonly string[], fields?: ReadonlySet<string>): string[] {
  return fields ? header.filter((name) => fields.has(name)) : [...header];
}
