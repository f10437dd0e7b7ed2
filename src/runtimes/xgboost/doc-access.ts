import { ModelFieldError } from './document-error.ts';

/**
 * Path-aware readers over a decoded JSON/UBJSON document. XGBoost writes the
 * same field as a JSON number array, a typed UBJSON array, a string ("5")
 * or a boolean array depending on version and format; these accept every
 * form and name the JSON path when a value is missing or of the wrong kind.
 */
export type Doc = Record<string, unknown>;

export function isObject(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (ArrayBuffer.isView(v)) return 'a typed array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

export function objectAt(parent: Doc, key: string, path: string): Doc {
  const v = parent[key];
  if (!isObject(v)) throw new ModelFieldError(`${path}.${key}`, `expected an object, found ${v === undefined ? 'nothing' : describe(v)}`);
  return v;
}

export function stringAt(parent: Doc, key: string, path: string): string {
  const v = parent[key];
  if (typeof v !== 'string') throw new ModelFieldError(`${path}.${key}`, `expected a string, found ${v === undefined ? 'nothing' : describe(v)}`);
  return v;
}

/** A whole number written as a number or a numeric string (XGBoost parameters are strings). */
export function intAt(parent: Doc, key: string, path: string, fallback?: number): number {
  const v = parent[key];
  if (v === undefined && fallback !== undefined) return fallback;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new ModelFieldError(`${path}.${key}`, `expected a whole number, found ${v === undefined ? 'nothing' : describe(v)}`);
  }
  return n;
}

/** A list of numbers from a JSON array, a typed array, or a boolean array (as 0/1). */
export function numbersAt(parent: Doc, key: string, path: string): ArrayLike<number> {
  return toNumbers(parent[key], `${path}.${key}`);
}

export function toNumbers(v: unknown, path: string): ArrayLike<number> {
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) return Float64Array.from(v, Number);
  if (ArrayBuffer.isView(v)) return v as unknown as ArrayLike<number>;
  if (!Array.isArray(v)) throw new ModelFieldError(path, `expected an array of numbers, found ${v === undefined ? 'nothing' : describe(v)}`);
  let out: number[] | undefined;
  for (let i = 0; i < v.length; i++) {
    const e: unknown = v[i];
    if (typeof e === 'number') continue;
    if (typeof e !== 'boolean') throw new ModelFieldError(`${path}[${i}]`, `expected a number, found ${describe(e)}`);
    out ??= v.slice();
    out[i] = e ? 1 : 0;
  }
  return (out ?? v) as number[];
}

/** Like numbersAt, and every value must be a whole number in [min, max]. */
export function intsAt(parent: Doc, key: string, path: string, min: number, max: number): ArrayLike<number> {
  const values = numbersAt(parent, key, path);
  for (let i = 0; i < values.length; i++) {
    const n = values[i] as number;
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ModelFieldError(`${path}.${key}[${i}]`, `value ${n} is not a whole number in [${min}, ${max}]`);
    }
  }
  return values;
}

/** An array of strings; absent means empty. */
export function stringsAt(parent: Doc, key: string, path: string): string[] {
  const v = parent[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ModelFieldError(`${path}.${key}`, `expected an array of strings, found ${describe(v)}`);
  return v.map((e, i) => {
    if (typeof e !== 'string') throw new ModelFieldError(`${path}.${key}[${i}]`, `expected a string, found ${describe(e)}`);
    return e;
  });
}

/** An array of anything (JSON array or typed array), e.g. the list of trees. */
export function arrayAt(parent: Doc, key: string, path: string): ArrayLike<unknown> {
  const v = parent[key];
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) throw new ModelFieldError(`${path}.${key}`, `expected an array, found ${v === undefined ? 'nothing' : describe(v)}`);
  return v as ArrayLike<unknown>;
}

export function expectLength(values: ArrayLike<unknown>, n: number, path: string): void {
  if (values.length !== n) throw new ModelFieldError(path, `has ${values.length} entries, expected ${n}`);
}
