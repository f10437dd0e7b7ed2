import { TetraError, allocate, bytesPerElement, type DType, type Tensor, type TensorData } from '../../../core/index.ts';
import { HOST_LITTLE_ENDIAN, swapBytesInPlace } from './byte-order.ts';
import { shapeError, type TensorPlace } from './tensor-place.ts';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads one tensor from its slice of the binary section: little-endian,
 * row-major, no padding; BOOL one byte each; BYTES a 4-byte little-endian
 * length then the bytes, per element. The slice may sit at any offset in
 * the body, so fixed-width data is copied into a fresh (aligned) array.
 */
export function readBinaryData(bytes: Uint8Array, dtype: DType, count: number, place: TensorPlace): TensorData {
  if (dtype === 'string') return readBinaryStrings(bytes, count, place);
  const width = bytesPerElement(dtype) as number;
  if (bytes.length !== count * width) {
    throw shapeError(place, `binary_data_size is ${bytes.length} bytes but the shape holds ${count} ${place.datatype} elements (${count * width} bytes)`, `${place.path}.parameters.binary_data_size`);
  }
  const out = allocate(dtype, count) as Exclude<TensorData, string[]>;
  const raw = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  raw.set(bytes);
  if (!HOST_LITTLE_ENDIAN) swapBytesInPlace(raw, width);
  if (dtype === 'bool') checkBools(raw, place);
  return out;
}

function checkBools(raw: Uint8Array, place: TensorPlace): void {
  for (let i = 0; i < raw.length; i++) {
    if ((raw[i] as number) > 1) {
      throw new TetraError('INPUT_WRONG_TYPE', `tensor "${place.name}" (${place.path}) element ${i}: BOOL bytes must be 0 or 1, got ${raw[i]}`, { field: place.name, path: `${place.path}.data[${i}]` });
    }
  }
}

function readBinaryStrings(bytes: Uint8Array, count: number, place: TensorPlace): string[] {
  const sizePath = `${place.path}.parameters.binary_data_size`;
  // Each element needs at least its 4-byte length, which bounds the allocation.
  if (count * 4 > bytes.length) throw shapeError(place, `binary_data_size ${bytes.length} is too small for ${count} BYTES elements`, sizePath);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<string>(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.length) throw shapeError(place, `binary data ends inside the length of element ${i} of ${count}`, sizePath);
    const length = view.getUint32(at, true);
    if (at + 4 + length > bytes.length) throw shapeError(place, `element ${i} claims ${length} bytes but only ${bytes.length - at - 4} remain`, sizePath);
    out[i] = decodeUtf8(bytes.subarray(at + 4, at + 4 + length), i, place);
    at += 4 + length;
  }
  if (at !== bytes.length) throw shapeError(place, `binary_data_size is ${bytes.length} bytes but the ${count} elements of the shape use ${at}`, sizePath);
  return out;
}

function decodeUtf8(bytes: Uint8Array, index: number, place: TensorPlace): string {
  try {
    return UTF8.decode(bytes);
  } catch (cause) {
    throw new TetraError('INPUT_WRONG_TYPE', `tensor "${place.name}" (${place.path}) element ${index}: BYTES element is not valid UTF-8 text`, { field: place.name, path: `${place.path}.data[${index}]`, cause });
  }
}

/** A tensor's data in the binary extension's layout. Shares memory with the tensor on little-endian hosts. */
export function binaryBytesOf(t: Tensor): Uint8Array {
  if (t.dtype === 'string') return stringBytes(t.data as string[]);
  const data = t.data as Exclude<TensorData, string[]>;
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (HOST_LITTLE_ENDIAN) return raw;
  const copy = raw.slice();
  swapBytesInPlace(copy, data.BYTES_PER_ELEMENT);
  return copy;
}

function stringBytes(values: readonly string[]): Uint8Array {
  let total = 0;
  for (const s of values) total += 4 + Buffer.byteLength(s, 'utf8');
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const s of values) {
    const length = out.write(s, at + 4, 'utf8');
    out.writeUInt32LE(length, at);
    at += 4 + length;
  }
  return out;
}
