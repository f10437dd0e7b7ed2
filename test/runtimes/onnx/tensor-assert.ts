import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { allocate, isDType, type DType, type Tensor, type TensorMap } from '../../../src/core/tensor.ts';

/** A tensor as the fixtures' io.json files write it; `null` stands for NaN. */
export interface JsonTensor {
  readonly dtype: string;
  readonly dims: readonly number[];
  readonly data: readonly (number | string | boolean | null)[];
}

export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

export const FLOAT32_TOLERANCE: Tolerance = { rtol: 1e-5, atol: 1e-6 };
const FLOAT_TYPES: readonly DType[] = ['float32', 'float64', 'float16'];

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function tensorFromJson(t: JsonTensor): Tensor {
  if (!isDType(t.dtype)) throw new Error(`fixture dtype ${t.dtype} is not a Tetra dtype`);
  const dtype = t.dtype;
  if (dtype === 'string') return { dtype, shape: [...t.dims], data: t.data.map(String) };
  const data = allocate(dtype, t.data.length);
  t.data.forEach((v, i) => {
    if (dtype === 'int64' || dtype === 'uint64') (data as BigInt64Array)[i] = BigInt(v as number);
    else (data as Float64Array)[i] = v === null ? Number.NaN : Number(v);
  });
  return { dtype, shape: [...t.dims], data };
}

export function tensorsFromJson(map: Readonly<Record<string, JsonTensor>>): TensorMap {
  return Object.fromEntries(Object.entries(map).map(([name, t]) => [name, tensorFromJson(t)]));
}

/**
 * Compares a computed tensor with a reference: exact for integers, strings
 * and bools, |a - e| <= atol + rtol * |e| for floats (NaN only matches NaN).
 * `sameShape: false` accepts a reference with the same values in another
 * layout (e.g. a library's [N] against a model's [N, 1]).
 */
export function assertTensorClose(label: string, actual: Tensor | undefined, expected: Tensor, tol: Tolerance, sameShape = true): void {
  assert.ok(actual, `${label}: output missing`);
  if (sameShape) assert.deepEqual([...actual.shape], [...expected.shape], `${label}: shape`);
  assert.equal(actual.data.length, expected.data.length, `${label}: element count`);
  const floats = FLOAT_TYPES.includes(actual.dtype) || FLOAT_TYPES.includes(expected.dtype);
  if (!floats) assert.equal(actual.dtype, expected.dtype, `${label}: dtype`);
  for (let i = 0; i < expected.data.length; i++) {
    const a: unknown = actual.data[i];
    const e: unknown = expected.data[i];
    if (!floats) {
      assert.equal(a, e, `${label}[${i}]: got ${String(a)}, expected ${String(e)}`);
      continue;
    }
    const an = Number(a);
    const en = Number(e);
    if (Number.isNaN(en)) {
      assert.ok(Number.isNaN(an), `${label}[${i}]: got ${an}, expected NaN`);
      continue;
    }
    const bound = tol.atol + tol.rtol * Math.abs(en);
    assert.ok(Math.abs(an - en) <= bound, `${label}[${i}]: got ${an}, expected ${en} (|diff| ${Math.abs(an - en)} > ${bound})`);
  }
}
