import { tensor, type DType, type TensorData, type TensorMap } from '../../../core/index.ts';
import { readBinaryData } from './binary-tensor-data.ts';
import { dtypeFromOip } from './datatypes.ts';
import { readJsonData } from './json-tensor-data.ts';
import type { RequestBody } from './request-body.ts';
import {
  optionalBinarySize, optionalParameters, requireArray, requireName, requireObject, requireShape, setOwn, type JsonObject,
} from './request-fields.ts';
import { malformed, type TensorPlace } from './tensor-place.ts';

export interface DecodedInputs {
  readonly inputs: TensorMap;
  readonly inputParameters: Record<string, Record<string, unknown>>;
}

/** One request input, checked, before its data is read. */
interface InputHeader {
  readonly place: TensorPlace;
  readonly dtype: DType;
  readonly shape: number[];
  readonly parameters: JsonObject;
  readonly binarySize?: number;
  readonly data: unknown;
}

/**
 * Decodes `inputs`: JSON data, or binary data taken from the binary
 * section in input order. Every byte of the binary section must belong to
 * an input.
 */
export function decodeInputs(value: unknown, body: RequestBody): DecodedInputs {
  const list = requireArray(value, 'inputs');
  const inputs: TensorMap = {};
  const inputParameters: Record<string, Record<string, unknown>> = {};
  const seen = new Map<string, number>();
  let binaryAt = 0;
  for (let i = 0; i < list.length; i++) {
    const input = readInputHeader(list[i], `inputs[${i}]`);
    const { place } = input;
    const earlier = seen.get(place.name);
    if (earlier !== undefined) throw malformed(`${place.path}.name`, `input "${place.name}" appears twice (also inputs[${earlier}])`, place.name);
    seen.set(place.name, i);
    let data: TensorData;
    if (input.binarySize === undefined) {
      data = readJsonData(input.data, { dtype: input.dtype, shape: input.shape, maxElements: body.jsonBytes }, place);
    } else {
      const bytes = takeBinary(body.binary, binaryAt, input.binarySize, place);
      binaryAt += input.binarySize;
      data = readBinaryData(bytes, input.dtype, elementsOf(input.shape), place);
    }
    setOwn(inputs, place.name, tensor(input.dtype, input.shape, data));
    setOwn(inputParameters, place.name, input.parameters);
  }
  const left = (body.binary?.length ?? 0) - binaryAt;
  if (left > 0) throw malformed('inputs', `the binary section has ${left} bytes after the last input's binary_data_size`);
  return { inputs, inputParameters };
}

function readInputHeader(value: unknown, path: string): InputHeader {
  const input = requireObject(value, path);
  const name = requireName(input.name, `${path}.name`);
  if (input.datatype === undefined) throw malformed(`${path}.datatype`, 'is missing', name);
  if (typeof input.datatype !== 'string') throw malformed(`${path}.datatype`, 'must be a string', name);
  const dtype = dtypeFromOip(input.datatype, name, `${path}.datatype`);
  const shape = requireShape(input.shape, `${path}.shape`, name);
  const parameters = optionalParameters(input.parameters, `${path}.parameters`);
  const binarySize = optionalBinarySize(parameters, path, name);
  const place: TensorPlace = { name, path, datatype: input.datatype };
  if (binarySize !== undefined && input.data !== undefined) {
    throw malformed(`${path}.data`, 'is given together with parameters.binary_data_size; send the tensor one way', name);
  }
  if (binarySize === undefined && input.data === undefined) throw malformed(`${path}.data`, 'is missing', name);
  return { place, dtype, shape, parameters, data: input.data, ...(binarySize === undefined ? {} : { binarySize }) };
}

function takeBinary(binary: Uint8Array | undefined, at: number, size: number, place: TensorPlace): Uint8Array {
  const path = `${place.path}.parameters.binary_data_size`;
  if (binary === undefined) {
    throw malformed(path, 'is set but the request has no binary section (the Inference-Header-Content-Length header is missing)', place.name);
  }
  if (at + size > binary.length) {
    throw malformed(path, `is ${size} but only ${binary.length - at} bytes of the binary section remain`, place.name);
  }
  return binary.subarray(at, at + size);
}

/** Element count, capped so an absurd shape cannot overflow the checks that follow. */
function elementsOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return Number.isSafeInteger(n) ? n : Number.MAX_SAFE_INTEGER;
}
