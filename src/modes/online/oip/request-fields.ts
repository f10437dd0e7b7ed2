import { TetraError } from '../../../core/index.ts';
import { describeValue, malformed } from './tensor-place.ts';

/** Checks on the plain JSON fields of a request; each error names the field's path. */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw malformed(path, `must be a JSON object, got ${describeValue(value)}`);
  return value;
}

export function requireArray(value: unknown, path: string, field?: string): unknown[] {
  if (value === undefined) throw malformed(path, 'is missing', field);
  if (!Array.isArray(value)) throw malformed(path, `must be an array, got ${describeValue(value)}`, field);
  return value;
}

export function requireName(value: unknown, path: string): string {
  if (value === undefined) throw malformed(path, 'is missing');
  if (typeof value !== 'string' || value === '') throw malformed(path, `must be a non-empty string, got ${describeValue(value)}`);
  return value;
}

export function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw malformed(path, `must be a string, got ${describeValue(value)}`);
  return value;
}

export function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw malformed(path, `must be true or false, got ${describeValue(value)}`);
  return value;
}

/** A `parameters` object; absent means none. Values pass through unchecked (servers define their own). */
export function optionalParameters(value: unknown, path: string): JsonObject {
  if (value === undefined) return {};
  return requireObject(value, path);
}

/** A tensor shape: non-negative integers. `field` names the tensor in errors. */
const MAX_RANK = 32;

export function requireShape(value: unknown, path: string, field: string): number[] {
  const dims = requireArray(value, path, field);
  // Nested data is walked once per dimension: an absurd rank would exhaust the stack.
  if (dims.length > MAX_RANK) throw malformed(path, `${dims.length} dimensions; at most ${MAX_RANK} are accepted`, field);
  const shape = new Array<number>(dims.length);
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d)) {
      throw malformed(`${path}[${i}]`, `dimensions must be integers, got ${describeValue(d)}`, field);
    }
    if (d < 0) {
      throw new TetraError('INPUT_TENSOR_SHAPE', `tensor "${field}" (${path}[${i}]): dimension ${i} is ${d}; request shapes must not be negative`, { field, path: `${path}[${i}]` });
    }
    shape[i] = d;
  }
  return shape;
}

/** `binary_data_size` from a tensor's parameters, when present: a non-negative integer. */
export function optionalBinarySize(parameters: JsonObject, path: string, field: string): number | undefined {
  const size = parameters.binary_data_size;
  if (size === undefined) return undefined;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw malformed(`${path}.parameters.binary_data_size`, `must be a non-negative integer, got ${describeValue(size)}`, field);
  }
  return size;
}

/** Adds a key as an own data property, so a name such as `__proto__` stays an ordinary key. */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
