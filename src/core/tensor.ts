import { TetraError } from './errors/index.ts';

/** Element types a tensor may hold (the names onnxruntime uses). */
export const DTYPES = [
  'float32', 'float64', 'float16',
  'int8', 'int16', 'int32', 'int64',
  'uint8', 'uint16', 'uint32', 'uint64',
  'bool', 'string',
] as const;
export type DType = (typeof DTYPES)[number];

/** The array type that backs each dtype. `bool` is one byte per element (0/1); `float16` keeps raw bits. */
export interface TensorDataMap {
  float32: Float32Array;
  float64: Float64Array;
  float16: Uint16Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  bool: Uint8Array;
  string: string[];
}
export type TensorData = TensorDataMap[DType];

/** A dense row-major tensor. `shape` holds concrete sizes (no -1). */
export interface Tensor<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly data: TensorDataMap[D];
}

export type TensorMap = Record<string, Tensor>;

const CONSTRUCTORS = {
  float32: Float32Array, float64: Float64Array, float16: Uint16Array,
  int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array,
  bool: Uint8Array,
} as const;

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

/** Number of elements a shape holds. */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Allocates a zero-filled array for `count` elements of `dtype`. */
export function allocate<D extends DType>(dtype: D, count: number): TensorDataMap[D] {
  if (dtype === 'string') return new Array<string>(count).fill('') as TensorDataMap[D];
  return new CONSTRUCTORS[dtype as Exclude<DType, 'string'>](count) as TensorDataMap[D];
}

/** Builds a tensor, checking that the data length matches the shape. */
export function tensor<D extends DType>(dtype: D, shape: readonly number[], data: TensorDataMap[D]): Tensor<D> {
  const expected = elementCount(shape);
  if (data.length !== expected) {
    throw new TetraError('INPUT_TENSOR_SHAPE', `tensor data has ${data.length} elements but shape [${shape.join(', ')}] needs ${expected}`);
  }
  return { dtype, shape: [...shape], data };
}

/** Size in bytes of one element, or undefined for strings. */
export function bytesPerElement(dtype: DType): number | undefined {
  if (dtype === 'string') return undefined;
  return CONSTRUCTORS[dtype].BYTES_PER_ELEMENT;
}

/** A view of rows [start, end) along the first dimension, sharing memory where the data is typed. */
export function sliceRows<D extends DType>(t: Tensor<D>, start: number, end: number): Tensor<D> {
  // Per caller of every batch: one array for the shape, no intermediate copies.
  const shape: number[] = [end - start];
  let rowSize = 1;
  for (let d = 1; d < t.shape.length; d++) {
    shape.push(t.shape[d] as number);
    rowSize *= t.shape[d] as number;
  }
  const data = (t.data as { subarray?: (a: number, b: number) => TensorData; slice: (a: number, b: number) => TensorData });
  const part = data.subarray ? data.subarray(start * rowSize, end * rowSize) : data.slice(start * rowSize, end * rowSize);
  return { dtype: t.dtype, shape, data: part as TensorDataMap[D] };
}

/** Joins tensors of one dtype along the first dimension. */
export function concatRows<D extends DType>(parts: readonly Tensor<D>[]): Tensor<D> {
  const first = parts[0];
  if (!first) throw new TetraError('INTERNAL', 'concatRows needs at least one tensor');
  if (parts.length === 1) return first;
  let rows = 0;
  let total = 0;
  for (const p of parts) {
    rows += p.shape[0] ?? 1;
    total += p.data.length;
  }
  const out = allocate(first.dtype, total);
  let offset = 0;
  for (const p of parts) {
    if (first.dtype === 'string') {
      const src = p.data as string[];
      for (let i = 0; i < src.length; i++) (out as string[])[offset + i] = src[i] as string;
    } else {
      (out as Float32Array).set(p.data as Float32Array, offset);
    }
    offset += p.data.length;
  }
  return { dtype: first.dtype, shape: [rows, ...first.shape.slice(1)], data: out };
}
