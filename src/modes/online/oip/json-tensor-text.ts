import type { Tensor } from '../../../core/index.ts';
import { halfBitsToNumber, numberToHalfBits } from '../../../core/index.ts';

/**
 * A tensor's data as a flat, row-major JSON array text. Written by hand
 * rather than through JSON.stringify so that 64-bit integers keep every
 * digit, non-finite floats become the strings "NaN", "Infinity" and
 * "-Infinity" (JSON has no literal for them; KServe uses these), and
 * float32/float16 values print with the fewest digits that read back to
 * the same value.
 */
export function tensorDataJson(t: Tensor): string {
  switch (t.dtype) {
    case 'float32':
      return floatsJson(t.data as Float32Array, float32Text);
    case 'float64':
      return float64Json(t.data as Float64Array);
    case 'float16':
      return halvesJson(t.data as Uint16Array);
    case 'bool':
      return boolsJson(t.data as Uint8Array);
    case 'string':
      return JSON.stringify(t.data);
    default:
      // Integer typed arrays, BigInt ones included, join to exact decimal digits.
      return `[${(t.data as Int32Array).join(',')}]`;
  }
}

function nonFiniteText(v: number): string {
  if (v !== v) return '"NaN"';
  return v > 0 ? '"Infinity"' : '"-Infinity"';
}

function floatsJson(data: ArrayLike<number>, text: (v: number) => string): string {
  let out = '[';
  for (let i = 0; i < data.length; i++) {
    if (i > 0) out += ',';
    out += text(data[i] as number);
  }
  return `${out}]`;
}

/** Doubles print shortest-round-trip natively; only non-finite values need care. */
function float64Json(data: Float64Array): string {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i] as number)) return floatsJson(data, (v) => (Number.isFinite(v) ? String(v) : nonFiniteText(v)));
  }
  return `[${data.join(',')}]`;
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * `v` rounded to `digits` significant decimal digits, as the double nearest
 * that decimal (so String() prints it with at most `digits` digits). Pure
 * arithmetic where 10^k is exact (up to 10^22): one correctly rounded
 * division or product lands on the nearest double. Very small or large
 * values, rare in model outputs, take the slower toPrecision.
 */
function roundToDigits(v: number, digits: number): number {
  const k = digits - 1 - Math.floor(Math.log10(Math.abs(v)));
  if (k > 22 || k < -22) return Number(v.toPrecision(digits));
  if (k >= 0) return Math.round(v * (POW10[k] as number)) / (POW10[k] as number);
  return Math.round(v / (POW10[-k] as number)) * (POW10[-k] as number);
}

/**
 * The shortest text that reads back to the same float32. A decimal of 6
 * significant digits or fewer, when one round-trips, is found by rounding
 * to 6 (float32 steps are far finer than 6-digit steps); 9 digits always
 * suffice. Candidates are checked with Math.fround, so the text is exact
 * even where the rounding arithmetic is not.
 */
export function float32Text(v: number): string {
  if (!Number.isFinite(v)) return nonFiniteText(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return Object.is(v, -0) ? '-0' : String(v);
  for (let digits = 6; digits <= 9; digits++) {
    const n = roundToDigits(v, digits);
    if (Math.fround(n) === v) return String(n);
  }
  return String(Number(v.toPrecision(9)));
}

/** As float32Text, for half precision bits (5 significant digits always suffice). */
export function float16Text(bits: number): string {
  const v = halfBitsToNumber(bits);
  if (!Number.isFinite(v)) return nonFiniteText(v);
  if (Number.isInteger(v)) return Object.is(v, -0) ? '-0' : String(v);
  for (let digits = 3; digits <= 5; digits++) {
    const n = roundToDigits(v, digits);
    if (numberToHalfBits(n) === bits) return String(n);
  }
  return String(Number(v.toPrecision(5)));
}

function halvesJson(data: Uint16Array): string {
  return floatsJson(data, float16Text);
}

function boolsJson(data: Uint8Array): string {
  let out = '[';
  for (let i = 0; i < data.length; i++) out += i > 0 ? (data[i] ? ',true' : ',false') : (data[i] ? 'true' : 'false');
  return `${out}]`;
}
