import { allocate, elementCount, type DType, type TensorData } from '../../../core/index.ts';
import { ELEMENT_FILLS, type ElementFill } from './json-element-fill.ts';
import { malformed, shapeError, type TensorPlace } from './tensor-place.ts';

/** What reading a tensor's JSON `data` needs beyond the value itself. */
export interface JsonDataTarget {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /**
   * An upper bound on the elements the body can hold (its JSON length: each
   * element takes at least one character). A shape claiming more is refused
   * before anything is allocated.
   */
  readonly maxElements: number;
}

/**
 * Converts a tensor's JSON `data` into typed data, row-major. The data may
 * be flat (exactly as many scalars as the shape holds) or nested exactly as
 * the shape; nested data is copied level by level into the one result, so
 * no intermediate arrays are built.
 */
export function readJsonData(data: unknown, target: JsonDataTarget, place: TensorPlace): TensorData {
  if (!Array.isArray(data)) throw malformed(`${place.path}.data`, `must be an array, got ${data === null ? 'null' : typeof data}`, place.name);
  const { dtype, shape } = target;
  const count = elementCount(shape);
  const nested = data.length > 0 && Array.isArray(data[0]);
  if (!nested && data.length !== count) throw countMismatch(place, shape, count, data.length);
  if (!(count <= target.maxElements)) throw countMismatch(place, shape, count, undefined);
  const out = allocate(dtype, count);
  const fill = ELEMENT_FILLS[dtype];
  if (nested) fillNested(data, { shape, strides: strides(shape), fill, out, place }, 0, 0);
  else fill(data, out, 0, place);
  return out;
}

interface NestedWalk {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly fill: ElementFill;
  readonly out: TensorData;
  readonly place: TensorPlace;
}

/** Walks one nesting level; `at` is the row-major index of the level's first element. */
function fillNested(level: readonly unknown[], walk: NestedWalk, depth: number, at: number): void {
  const { shape, place } = walk;
  if (depth >= shape.length || level.length !== shape[depth]) throw nestingMismatch(walk, depth, at, level.length);
  if (depth === shape.length - 1) {
    walk.fill(level, walk.out, at, place);
    return;
  }
  const stride = walk.strides[depth] as number;
  for (let i = 0; i < level.length; i++) {
    const child = level[i];
    if (!Array.isArray(child)) throw nestingMismatch(walk, depth + 1, at + i * stride, undefined);
    fillNested(child, walk, depth + 1, at + i * stride);
  }
}

/** Elements per step of each dimension (row-major). */
function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = step;
    step *= shape[d] as number;
  }
  return out;
}

function countMismatch(place: TensorPlace, shape: readonly number[], count: number, got: number | undefined): Error {
  const has = got === undefined ? 'the request cannot hold that many' : `data has ${got}`;
  return shapeError(place, `shape [${shape.join(', ')}] needs ${count} elements but ${has}`, `${place.path}.data`);
}

/** Names the offending level as `data[i][j]`, recovered from the row-major index only when failing. */
function nestingMismatch(walk: NestedWalk, depth: number, at: number, got: number | undefined): Error {
  const { shape, strides: step, place } = walk;
  let index = '';
  for (let d = 0; d < depth && d < shape.length; d++) index += `[${step[d] ? Math.floor(at / (step[d] as number)) % (shape[d] as number) : 0}]`;
  const where = `${place.path}.data${index}`;
  const want = depth < shape.length ? `an array of ${shape[depth]}` : 'a scalar';
  const found = got === undefined ? 'a scalar' : `an array of ${got}`;
  return shapeError(place, `nested data does not match shape [${shape.join(', ')}]: expected ${want} at ${where}, found ${found}`, where);
}
