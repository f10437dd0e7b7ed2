import { TetraError } from '../../../core/index.ts';

/** Where a tensor sits in a request, so every error can name it. */
export interface TensorPlace {
  /** The tensor's name. */
  readonly name: string;
  /** Its path in the request body, e.g. `inputs[1]`. */
  readonly path: string;
  /** Its OIP datatype name, e.g. `FP32`. */
  readonly datatype: string;
}

/** A short, printable form of a JSON value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  const kind = value === null ? 'null' : typeof value;
  return `${kind} ${text.length > 40 ? `${text.slice(0, 40)}...` : text}`;
}

/** INPUT_MALFORMED at a request path (`inputs[1].shape`). */
export function malformed(path: string, message: string, field?: string): TetraError {
  return new TetraError('INPUT_MALFORMED', `${path}: ${message}`, { path, ...(field !== undefined ? { field } : {}) });
}

/** INPUT_TENSOR_SHAPE for a tensor. */
export function shapeError(place: TensorPlace, message: string, path = place.path): TetraError {
  return new TetraError('INPUT_TENSOR_SHAPE', `tensor "${place.name}" (${path}): ${message}`, { field: place.name, path });
}

/**
 * INPUT_WRONG_TYPE for one element, by its row-major index. An array where a
 * scalar belongs means the nesting is wrong, so that is a shape error.
 */
export function elementError(place: TensorPlace, index: number, value: unknown, expected: string): TetraError {
  const path = `${place.path}.data`;
  if (Array.isArray(value)) {
    return shapeError(place, `element ${index} is an array; data must be flat or nested exactly as the shape`, path);
  }
  return new TetraError(
    'INPUT_WRONG_TYPE',
    `tensor "${place.name}" (${path}) element ${index}: expected ${expected} for ${place.datatype}, got ${describeValue(value)}`,
    { field: place.name, path: `${path}[${index}]` },
  );
}
