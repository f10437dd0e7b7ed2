import type { PlainKind } from '../../core/index.ts';

/**
 * How the CSV parser hands out one column's cells. Text is the default;
 * a column the reader does not need is skipped (an empty string); a column
 * the caller reads as numbers or booleans is given as the value when its
 * text is plainly one, and as text otherwise.
 */
export const CellKind = { Skip: 0, Text: 1, Number: 2, Integer: 3, Boolean: 4 } as const;
export type CellKind = (typeof CellKind)[keyof typeof CellKind];

export type CsvCell = string | number | boolean;

export function cellKindOf(kind: PlainKind): CellKind {
  return kind === 'number' ? CellKind.Number : kind === 'integer' ? CellKind.Integer : CellKind.Boolean;
}

/** Every power of ten a double holds exactly: a quotient by one of them is rounded once, as Number() rounds the text. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
/** Digits whose integer stays below 2^53, so it is exact. */
const MAX_DIGITS = 15;

/**
 * The value of `s[start, end)` when it is plainly one of `kind`, else
 * undefined (the caller keeps the text, and its reader judges it as usual).
 *
 * Plain means exactly what Number() and the records codec read to the same
 * value with no question asked: `-?digits(.digits)?` with at most 15 digits
 * (integers: no point), and `true`, `false`, `1`, `0` for booleans. Any
 * other text, including white space, `+`, exponents, `.5` or `NA`, stays
 * text. The number is the decimal's integer over a power of ten, both exact,
 * so the one rounding of the division gives the double Number() gives.
 * Reading it here spares a string per cell and a second parse.
 */
export function plainCell(s: string, start: number, end: number, kind: CellKind): number | boolean | undefined {
  // An empty cell is missing, never a number: and s[start] would be the next cell's delimiter, which may be `-`.
  if (end <= start) return undefined;
  if (kind === CellKind.Boolean) return plainBoolean(s, start, end);
  const negative = s.charCodeAt(start) === 45;
  const first = negative ? start + 1 : start;
  let mantissa = 0;
  let point = -1;
  for (let i = first; i < end; i++) {
    const digit = s.charCodeAt(i) - 48;
    if (digit >= 0 && digit <= 9) mantissa = mantissa * 10 + digit;
    else if (digit === -2 && point < 0 && kind === CellKind.Number) point = i;
    else return undefined;
  }
  const digits = end - first - (point < 0 ? 0 : 1);
  if (digits === 0 || digits > MAX_DIGITS || point === first || point === end - 1) return undefined;
  const value = point < 0 ? mantissa : mantissa / (POW10[end - 1 - point] as number);
  return negative ? -value : value;
}

function plainBoolean(s: string, start: number, end: number): boolean | undefined {
  const length = end - start;
  if (length === 1) {
    const c = s.charCodeAt(start);
    return c === 49 ? true : c === 48 ? false : undefined;
  }
  if (length === 4 && s.startsWith('true', start)) return true;
  if (length === 5 && s.startsWith('false', start)) return false;
  return undefined;
}
