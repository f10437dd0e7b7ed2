import { TetraError, type InputRecord } from '../../../core/index.ts';
import { parseJsonBody } from '../request-options.ts';

/** Splits CSV text into rows of cells (injected: CSV parsing is an adapter). Blank lines yield no row. */
export type CsvRows = (text: string) => string[][];

export type InvocationFormat = 'application/json' | 'application/jsonlines' | 'text/csv';

/** What decoding needs to know about the target model. */
export interface RecordTarget {
  readonly model: string;
  /** The model's features in matrix order; undefined for a model that takes tensors, not records. */
  features(): readonly string[] | undefined;
}

/** The body's format from its content type (parameters such as charset ignored). */
export function invocationFormat(contentType: string | undefined): InvocationFormat {
  const type = (contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json' || type === 'text/csv' || type === 'application/jsonlines') return type;
  if (type === 'application/x-ndjson' || type === 'application/x-jsonlines') return 'application/jsonlines';
  throw new TetraError('INPUT_MALFORMED', `content type ${type} is not supported: send application/json, application/jsonlines or text/csv`, { field: 'content-type' });
}

/**
 * The records of an invocation, in input order: one per CSV row or JSON
 * Lines line (blank lines skipped), so answers line up with input lines.
 * A record is an object of features by name, or (CSV rows, JSON arrays)
 * feature values by position in the model's feature order, as SageMaker
 * Batch Transform sends them.
 */
export function decodeInvocation(format: InvocationFormat, body: unknown, target: RecordTarget, csvRows: CsvRows): InputRecord[] {
  const text = (): string => (Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '');
  if (format === 'text/csv') return csvRecords(csvRows(text()), target);
  if (format === 'application/jsonlines') return jsonLines(text(), target);
  return jsonRecords(body, text, target);
}

/**
 * CSV rows are feature values in the model's feature order, without a
 * header (Batch Transform splits files by line and sends rows only). A first
 * row that is exactly the feature names is taken as a header and skipped, so
 * a file exported with its header also works.
 */
function csvRecords(rows: string[][], target: RecordTarget): InputRecord[] {
  const names = requireFeatures(target, 'text/csv rows');
  const first = rows[0];
  const isHeader = first !== undefined && first.length === names.length && first.every((cell, i) => cell.trim() === names[i]);
  const body = isHeader ? rows.slice(1) : rows;
  return body.map((cells, row) => positional(cells, names, `row ${row}`, { row }));
}

function jsonLines(text: string, target: RecordTarget): InputRecord[] {
  const records: InputRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `line ${i + 1}`;
    let value: unknown;
    try {
      value = parseJsonBody(line);
    } catch (error) {
      throw new TetraError('INPUT_MALFORMED', `${where}: ${(error as Error).message}`, { line: i + 1, cause: error });
    }
    records.push(recordOf(value, target, where, { line: i + 1 }));
  });
  return records;
}

/**
 * `{"instances": [...]}`, a list of records, one record, or (SplitType=Line
 * on a JSON file) several JSON documents one per line, read as JSON Lines.
 * A list of plain values is one record of feature values by position.
 */
function jsonRecords(body: unknown, text: () => string, target: RecordTarget): InputRecord[] {
  let value: unknown;
  try {
    value = parseJsonBody(body);
  } catch (error) {
    if (looksLikeJsonLines(text())) return jsonLines(text(), target);
    throw error;
  }
  const list = Array.isArray(value) ? value : (value as { instances?: unknown } | null)?.instances;
  if (Array.isArray(list)) {
    if (list === value && list.length > 0 && list.every(isPlainValue)) return [positional(list, requireFeatures(target, 'a list of values'), 'the record', {})];
    return list.map((item, row) => recordOf(item, target, `record ${row}`, { row }));
  }
  if (isObject(value)) return [value as InputRecord];
  throw new TetraError('INPUT_MALFORMED', 'expected a JSON record, a list of records, a list of feature values or {"instances": [...]}');
}

/** Several lines, the first of which is a whole JSON document on its own. */
function looksLikeJsonLines(text: string): boolean {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length < 2) return false;
  try {
    JSON.parse(lines[0] as string);
    return true;
  } catch {
    return false;
  }
}

function recordOf(value: unknown, target: RecordTarget, where: string, at: { row?: number; line?: number }): InputRecord {
  if (isObject(value)) return value as InputRecord;
  if (Array.isArray(value)) return positional(value, requireFeatures(target, 'arrays of feature values'), where, at);
  throw new TetraError('INPUT_MALFORMED', `${where}: expected a JSON object of features or an array of feature values`, at);
}

/** Feature values by position -> a record by name; the count must match. */
function positional(values: readonly unknown[], names: readonly string[], where: string, at: { row?: number; line?: number }): InputRecord {
  if (values.length !== names.length) {
    throw new TetraError('INPUT_MALFORMED', `${where}: ${values.length} values but the model takes ${names.length} features (${names.join(', ')})`, at);
  }
  return Object.fromEntries(names.map((name, i) => [name, values[i]]));
}

function requireFeatures(target: RecordTarget, what: string): readonly string[] {
  const names = target.features();
  if (names === undefined) {
    throw new TetraError('INPUT_MALFORMED', `model "${target.model}" takes tensors, not records, so ${what} cannot be mapped onto its inputs; use POST /v2/models/${target.model}/infer`, { model: target.model });
  }
  return names;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainValue(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}
