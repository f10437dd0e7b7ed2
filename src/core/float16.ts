/**
 * IEEE 754 half precision conversions. float16 tensors keep raw bits in a
 * Uint16Array; JSON carries them as ordinary numbers.
 */

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** Half precision bits to the number they hold. */
export function halfBitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * The nearest half precision value (round half to even), as bits. Goes
 * through float32 bits, which is exact for halves except for rare
 * double-rounding ties that numpy's float16 conversion shares.
 */
export function numberToHalfBits(value: number): number {
  F32[0] = value;
  const x = U32[0] as number;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) return sign | subnormalHalf(mantissa | 0x800000, 14 - e);
  const half = (e << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  const roundUp = rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1);
  return sign | (half + (roundUp ? 1 : 0));
}

/** A value below the smallest normal half: shift the full mantissa right and round to even. */
function subnormalHalf(mantissa: number, shift: number): number {
  if (shift > 24) return 0;
  const half = mantissa >> shift;
  const rest = mantissa & ((1 << shift) - 1);
  const midpoint = 1 << (shift - 1);
  const roundUp = rest > midpoint || (rest === midpoint && (half & 1) === 1);
  return half + (roundUp ? 1 : 0);
}
