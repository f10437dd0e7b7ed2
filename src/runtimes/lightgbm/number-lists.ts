import { corrupt, type FieldRef } from './model-error.ts';

// LightGBM writes arrays as space-separated tokens (linear-tree lists use
// double spaces between leaves); empty tokens are skipped, as its Split does.
// Integer lists are scanned by character code because one categorical bitset
// line can hold a million tokens.

const MINUS = 45;
const PLUS = 43;

function isSeparator(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

/** Number of whitespace-separated tokens in `text`. */
export function countTokens(text: string): number {
  let count = 0;
  let inToken = false;
  for (let i = 0; i < text.length; i++) {
    const sep = isSeparator(text.charCodeAt(i));
    if (!sep && !inToken) count++;
    inToken = !sep;
  }
  return count;
}

function tokenAt(text: string, start: number): string {
  let end = start;
  while (end < text.length && !isSeparator(text.charCodeAt(end))) end++;
  return text.slice(start, Math.min(end, start + 40));
}

function wrongCount(text: string, expected: number, ref: FieldRef): Error {
  return corrupt(ref, `has ${countTokens(text)} values, expected ${expected}`);
}

/** Each value takes at least two characters with its separator: a corrupt count must not size an allocation. */
function checkRoom(text: string, expected: number, ref: FieldRef): void {
  if (expected > (text.length + 1) / 2) throw wrongCount(text, expected, ref);
}

/**
 * Parses exactly `out.length` integers in [min, max] into `out`.
 * Throws MODEL_FILE_CORRUPT naming the bad token or the count mismatch.
 */
function scanIntegers(text: string, out: Int32Array | Uint32Array, ref: FieldRef, min: number, max: number): void {
  const n = text.length;
  let count = 0;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (isSeparator(c)) {
      i++;
      continue;
    }
    const start = i;
    const negative = c === MINUS;
    if (negative || c === PLUS) i++;
    let value = 0;
    let digits = 0;
    while (i < n) {
      c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
      digits++;
      i++;
    }
    if (digits === 0 || (i < n && !isSeparator(text.charCodeAt(i)))) {
      throw corrupt(ref, `"${tokenAt(text, start)}" is not an integer`);
    }
    if (negative) value = -value;
    if (value < min || value > max) throw corrupt(ref, `value ${value} is outside [${min}, ${max}]`);
    if (count >= out.length) throw wrongCount(text, out.length, ref);
    out[count++] = value;
  }
  if (count !== out.length) throw wrongCount(text, out.length, ref);
}

/** Exactly `expected` int32 values in [min, max]. */
export function parseInts(text: string, expected: number, ref: FieldRef, min = -2147483648, max = 2147483647): Int32Array {
  checkRoom(text, expected, ref);
  const out = new Int32Array(expected);
  scanIntegers(text, out, ref, min, max);
  return out;
}

/** Exactly `expected` uint32 values (bitset words). */
export function parseUint32s(text: string, expected: number, ref: FieldRef): Uint32Array {
  checkRoom(text, expected, ref);
  const out = new Uint32Array(expected);
  scanIntegers(text, out, ref, 0, 4294967295);
  return out;
}

/** One decimal number as LightGBM's text parser reads it (also `inf`, `-inf`, `nan`). */
export function toDouble(token: string): number | undefined {
  const v = Number(token);
  if (!Number.isNaN(v) && token.trim() !== '') return v;
  switch (token.toLowerCase()) {
    case 'inf': case '+inf': case 'infinity': case '+infinity': return Number.POSITIVE_INFINITY;
    case '-inf': case '-infinity': return Number.NEGATIVE_INFINITY;
    case 'nan': case '-nan': case '+nan': case 'na': return Number.NaN;
    default: return undefined;
  }
}

/** Exactly `expected` float64 values. */
export function parseDoubles(text: string, expected: number, ref: FieldRef): Float64Array {
  checkRoom(text, expected, ref);
  const out = new Float64Array(expected);
  const n = text.length;
  let count = 0;
  let i = 0;
  while (i < n) {
    if (isSeparator(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && !isSeparator(text.charCodeAt(i))) i++;
    const token = text.slice(start, i);
    const value = toDouble(token);
    if (value === undefined) throw corrupt(ref, `"${token.slice(0, 40)}" is not a number`);
    if (count >= expected) throw wrongCount(text, expected, ref);
    out[count++] = value;
  }
  if (count !== expected) throw wrongCount(text, expected, ref);
  return out;
}

/** A single integer header value such as `num_class=3`. */
export function parseInt1(text: string, ref: FieldRef, min: number, max = 2147483647): number {
  return parseInts(text, 1, ref, min, max)[0] as number;
}
