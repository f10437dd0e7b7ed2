import type { DType, TensorData } from '../../../core/index.ts';
import { HOST_LITTLE_ENDIAN } from './byte-order.ts';
import { numberToHalfBits } from '../../../core/index.ts';
import { elementError, type TensorPlace } from './tensor-place.ts';

/**
 * Copies one flat run of JSON values into a tensor's data at `at`,
 * checking each value's type for the datatype. One tight loop per dtype
 * family: no per-element allocation on the valid path.
 */
export type ElementFill = (src: readonly unknown[], dst: TensorData, at: number, place: TensorPlace) => void;

/** KServe accepts these tokens for non-finite floats, since JSON has no literal for them. */
function nonFinite(value: unknown, index: number, place: TensorPlace): number {
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  throw elementError(place, index, value, 'a number (or "NaN", "Infinity", "-Infinity")');
}

const fillFloat: ElementFill = (src, dst, at, place) => {
  const out = dst as Float32Array | Float64Array;
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    out[at + i] = typeof v === 'number' ? v : nonFinite(v, at + i, place);
  }
};

const fillHalf: ElementFill = (src, dst, at, place) => {
  const out = dst as Uint16Array;
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    out[at + i] = numberToHalfBits(typeof v === 'number' ? v : nonFinite(v, at + i, place));
  }
};

function intFill(min: number, max: number): ElementFill {
  const expected = `an integer in [${min}, ${max}]`;
  return (src, dst, at, place) => {
    const out = dst as Int32Array;
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw elementError(place, at + i, v, expected);
      out[at + i] = v;
    }
  };
}

const TWO_32 = 2 ** 32;
const LO = HOST_LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;

/**
 * JSON.parse has already rounded integers beyond 2^53, so only safe
 * integers are exact. They are written as two 32-bit halves, which avoids a
 * BigInt per element; the halves' two's complement works for both signs.
 */
function int64Fill(min: number): ElementFill {
  const expected = min < 0
    ? 'an integer in the exact range [-(2^53-1), 2^53-1] (send larger values as binary data)'
    : 'an integer in the exact range [0, 2^53-1] (send larger values as binary data)';
  return (src, dst, at, place) => {
    const big = dst as BigInt64Array;
    const words = new Uint32Array(big.buffer, big.byteOffset, big.length * 2);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw elementError(place, at + i, v, expected);
      const hi = Math.floor(v / TWO_32);
      words[2 * (at + i) + LO] = v - hi * TWO_32;
      words[2 * (at + i) + HI] = hi;
    }
  };
}

const fillBool: ElementFill = (src, dst, at, place) => {
  const out = dst as Uint8Array;
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (v === true) out[at + i] = 1;
    else if (v === false) out[at + i] = 0;
    else throw elementError(place, at + i, v, 'true or false');
  }
};

const fillString: ElementFill = (src, dst, at, place) => {
  const out = dst as string[];
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (typeof v !== 'string') throw elementError(place, at + i, v, 'a string');
    out[at + i] = v;
  }
};

/** The fill for each core dtype. */
export const ELEMENT_FILLS: Readonly<Record<DType, ElementFill>> = {
  float32: fillFloat,
  float64: fillFloat,
  float16: fillHalf,
  int8: intFill(-128, 127),
  int16: intFill(-32768, 32767),
  int32: intFill(-2147483648, 2147483647),
  int64: int64Fill(-Number.MAX_SAFE_INTEGER),
  uint8: intFill(0, 255),
  uint16: intFill(0, 65535),
  uint32: intFill(0, 4294967295),
  uint64: int64Fill(0),
  bool: fillBool,
  string: fillString,
};
