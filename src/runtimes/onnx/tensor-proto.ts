import { TetraError } from '../../core/errors/index.ts';
import { allocate, bytesPerElement, elementCount, type DType, type Tensor, type TensorData } from '../../core/tensor.ts';
import { asNumber, asString, fixedValues, readFields, varints, type ProtoField } from './protobuf-reader.ts';

/** ONNX TensorProto.DataType codes Tetra can hold, by dtype. */
export const ONNX_ELEM_TYPES: Readonly<Record<number, DType>> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64',
  8: 'string', 9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64',
};

interface TensorFields {
  dims: number[];
  dataType: number;
  name: string;
  raw?: Uint8Array;
  typed: ProtoField[];
  strings: string[];
  external: boolean;
}

function collect(bytes: Uint8Array): TensorFields {
  const out: TensorFields = { dims: [], dataType: 0, name: '', typed: [], strings: [], external: false };
  for (const f of readFields(bytes)) {
    if (f.number === 1) out.dims.push(...varints(f).map((v) => Number(BigInt.asIntN(64, v))));
    else if (f.number === 2 && f.wireType === 0) out.dataType = asNumber(f);
    else if (f.number === 6 && f.wireType === 2) out.strings.push(asString(f));
    else if (f.number === 8 && f.wireType === 2) out.name = asString(f);
    else if (f.number === 9 && f.wireType === 2) out.raw = f.bytes;
    else if (f.number === 14 && f.wireType === 0) out.external = asNumber(f) === 1;
    else if ([4, 5, 7, 10, 11].includes(f.number)) out.typed.push(f);
  }
  return out;
}

/**
 * Decodes a serialized ONNX TensorProto (as in the backend tests'
 * `input_0.pb`) into a Tensor, with its name. Throws ProtobufError on bad
 * bytes and TetraError MODEL_UNSUPPORTED for types Tetra has no dtype for.
 */
export function decodeTensorProto(bytes: Uint8Array): { name: string; tensor: Tensor } {
  const t = collect(bytes);
  const dtype = ONNX_ELEM_TYPES[t.dataType];
  if (!dtype) throw new TetraError('MODEL_UNSUPPORTED', `tensor "${t.name}" has ONNX data type ${t.dataType}, which Tetra does not support`);
  if (t.external) throw new TetraError('MODEL_UNSUPPORTED', `tensor "${t.name}" keeps its data in an external file`);
  const count = elementCount(t.dims);
  const data = dtype === 'string' ? t.strings : t.raw ? fromRaw(dtype, t.raw) : fromTyped(dtype, t.typed);
  if (data.length !== count) {
    throw new TetraError('MODEL_FILE_CORRUPT', `tensor "${t.name}" has ${data.length} values but shape [${t.dims.join(', ')}] needs ${count}`);
  }
  return { name: t.name, tensor: { dtype, shape: t.dims, data } };
}

type NumericDType = Exclude<DType, 'string'>;

const VIEWS: Record<NumericDType, new (buffer: ArrayBuffer) => TensorData> = {
  float32: Float32Array, float64: Float64Array, float16: Uint16Array,
  int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array, bool: Uint8Array,
};

function fromRaw(dtype: NumericDType, raw: Uint8Array): TensorData {
  const width = bytesPerElement(dtype) ?? 1;
  if (raw.byteLength % width !== 0) {
    throw new TetraError('MODEL_FILE_CORRUPT', `raw tensor data of ${raw.byteLength} bytes is not a whole number of ${dtype} values`);
  }
  // Copied because the payload sits at an arbitrary offset and typed views need alignment.
  return new VIEWS[dtype](new Uint8Array(raw).buffer);
}

/** Typed fields: float_data=4, int32_data=5 (also small ints, bool, float16 bits), int64_data=7, double_data=10, uint64_data=11. */
function fromTyped(dtype: NumericDType, fields: readonly ProtoField[]): TensorData {
  const values: (number | bigint)[] = [];
  for (const f of fields) {
    if (f.number === 4) values.push(...fixedValues(f, 4));
    else if (f.number === 10) values.push(...fixedValues(f, 8));
    else if (f.number === 5) values.push(...varints(f).map((v) => Number(BigInt.asIntN(32, v))));
    else values.push(...varints(f));
  }
  const out = allocate(dtype, values.length);
  values.forEach((v, i) => {
    if (dtype === 'int64') (out as BigInt64Array)[i] = BigInt.asIntN(64, BigInt(v));
    else if (dtype === 'uint64') (out as BigUint64Array)[i] = BigInt.asUintN(64, BigInt(v));
    else (out as Float64Array)[i] = Number(v);
  });
  return out;
}
