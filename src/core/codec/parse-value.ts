import { TetraError } from '../errors/index.ts';
import type { FeatureSpec } from './feature-spec.ts';

/** Marks a value as missing (absent, null, empty, NA) for the caller to resolve. */
export const MISSING = Symbol('missing');

const TRUE_WORDS = new Set(['true', '1']);
const FALSE_WORDS = new Set(['false', '0']);
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;


/**
 * Encodes one present value of a feature as the number the model receives.
 * Throws a TetraError naming the feature and row when the value cannot be used.
 */
export function encodeValue(spec: FeatureSpec, value: unknown, row: number): number | typeof MISSING {
  if (value === null || value === undefined) return MISSING;
  if (typeof value === 'string' && isMissingText(spec, value)) return MISSING;
  switch (spec.kind) {
    case 'number':
    case 'integer':
      return encodeNumber(spec, value, row);
    case 'boolean':
      return encodeBoolean(spec, value, row);
    case 'category':
      return encodeCategory(spec, value, row);
  }
}

/** Empty or blank text, and `NA`, mean missing, unless `NA` is one of the feature's categories. */
function isMissingText(spec: FeatureSpec, text: string): boolean {
  const t = text.trim();
  if (t === '') return true;
  return t === 'NA' && !spec.codes?.has('NA');
}

function encodeNumber(spec: FeatureSpec, value: unknown, row: number): number | typeof MISSING {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'boolean') n = value ? 1 : 0;
  else if (typeof value === 'string') n = parseNumberText(spec, value, row);
  else throw wrongType(spec, value, row, spec.kind === 'integer' ? 'an integer' : 'a number');
  if (!Number.isFinite(n)) {
    if (!spec.allowNonFinite) throw notFinite(spec, value, row);
    return Number.isNaN(n) ? MISSING : n;
  }
  if (spec.kind === 'integer' && !Number.isInteger(n)) throw wrongType(spec, value, row, 'an integer');
  if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
    throw new TetraError('INPUT_WRONG_TYPE', `row ${row}: feature "${spec.name}" is ${n}, outside the allowed range [${spec.min ?? '-inf'}, ${spec.max ?? 'inf'}]`, { row, field: spec.name });
  }
  return n;
}

function parseNumberText(spec: FeatureSpec, text: string, row: number): number {
  // The common cell, a plain finite number, is read without the trimming, lower-casing and pattern tests below (this runs for every numeric cell).
  // Only text that starts as a number does (any white space, even U+00A0 or U+FEFF, takes the slow path, which trims it before checking for 0x).
  const first = text.charCodeAt(0);
  if ((first >= 48 && first <= 57) || first === 45 || first === 43 || first === 46) {
    const quick = Number(text);
    if (Number.isFinite(quick) && !isPrefixedInteger(text)) return quick;
  }
  const t = text.trim();
  const lower = t.toLowerCase();
  if (lower === 'true') return 1;
  if (lower === 'false') return 0;
  if (NON_FINITE.test(t)) {
    if (!spec.allowNonFinite) throw notFinite(spec, text, row);
    return lower.includes('nan') ? Number.NaN : t.startsWith('-') ? -Infinity : Infinity;
  }
  const n = Number(t);
  if (Number.isNaN(n) || isPrefixedInteger(t)) throw wrongType(spec, text, row, spec.kind === 'integer' ? 'an integer' : 'a number');
  return n;
}

/**
 * Number() reads `0x1F`, `0b1` and `0o7` as numbers; in a data file they are
 * mistakes. (Checked by character codes: this runs for every numeric cell.)
 */
function isPrefixedInteger(t: string): boolean {
  if (t.length < 2 || t.charCodeAt(0) !== 48) return false;
  const c = t.charCodeAt(1) | 32;
  return c === 120 || c === 98 || c === 111;
}

function encodeBoolean(spec: FeatureSpec, value: unknown, row: number): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === 1 || value === 0) return value;
  if (typeof value === 'string') {
    if (value === 'true' || value === '1') return 1;
    if (value === 'false' || value === '0') return 0;
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return 1;
    if (FALSE_WORDS.has(word)) return 0;
  }
  throw wrongType(spec, value, row, 'a boolean (true/false or 1/0)');
}

function encodeCategory(spec: FeatureSpec, value: unknown, row: number): number | typeof MISSING {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw wrongType(spec, value, row, 'a category (string or number)');
  }
  if (!spec.codes) return encodeBareCode(spec, value, row);
  const code = spec.codes.get(String(value)) ?? spec.codes.get(booleanAlias(value));
  if (code !== undefined) return code;
  if (spec.unknown === 'missing') return spec.defaultValue ?? Number.NaN;
  if (typeof spec.unknown === 'number') return spec.unknown;
  const shown = spec.levels && spec.levels.length <= 20 ? `; known: ${spec.levels.join(', ')}` : '';
  throw new TetraError('INPUT_UNKNOWN_CATEGORY', `row ${row}: feature "${spec.name}" has unknown category ${JSON.stringify(value)}${shown}`, { row, field: spec.name });
}

/**
 * The key under which a boolean-looking value finds a boolean level, so
 * `TRUE`, `true`, `1` and `true` (JSON) all match a level written `True`.
 */
export function booleanAlias(value: string | number | boolean): string {
  const word = String(value).trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return BOOLEAN_TRUE_KEY;
  if (FALSE_WORDS.has(word)) return BOOLEAN_FALSE_KEY;
  return '';
}

export const BOOLEAN_TRUE_KEY = '\u0000true';
export const BOOLEAN_FALSE_KEY = '\u0000false';

/** Without level names the model takes codes: a non-negative integer. */
function encodeBareCode(spec: FeatureSpec, value: string | number | boolean, row: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'boolean' ? (value ? 1 : 0) : Number(value.trim());
  if (!Number.isInteger(n) || n < 0) throw wrongType(spec, value, row, 'a category code (a non-negative integer)');
  return n;
}

function wrongType(spec: FeatureSpec, value: unknown, row: number, expected: string): TetraError {
  return new TetraError('INPUT_WRONG_TYPE', `row ${row}: feature "${spec.name}" must be ${expected}, got ${describe(value)}`, { row, field: spec.name });
}

function notFinite(spec: FeatureSpec, value: unknown, row: number): TetraError {
  return new TetraError('INPUT_NOT_FINITE', `row ${row}: feature "${spec.name}" is ${describe(value)}; NaN and Infinity are not allowed`, { row, field: spec.name });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
