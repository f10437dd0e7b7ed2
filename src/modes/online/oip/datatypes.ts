import { TetraError, type DType } from '../../../core/index.ts';

/** The tensor datatypes of the Open Inference Protocol, in the spec's table order. */
export const OIP_DATATYPES = [
  'BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64',
  'INT8', 'INT16', 'INT32', 'INT64',
  'FP16', 'FP32', 'FP64', 'BYTES',
] as const;
export type OipDatatype = (typeof OIP_DATATYPES)[number];

const TO_DTYPE: Readonly<Record<OipDatatype, DType>> = {
  BOOL: 'bool', UINT8: 'uint8', UINT16: 'uint16', UINT32: 'uint32', UINT64: 'uint64',
  INT8: 'int8', INT16: 'int16', INT32: 'int32', INT64: 'int64',
  FP16: 'float16', FP32: 'float32', FP64: 'float64', BYTES: 'string',
};

const FROM_DTYPE: Readonly<Record<DType, OipDatatype>> = {
  bool: 'BOOL', uint8: 'UINT8', uint16: 'UINT16', uint32: 'UINT32', uint64: 'UINT64',
  int8: 'INT8', int16: 'INT16', int32: 'INT32', int64: 'INT64',
  float16: 'FP16', float32: 'FP32', float64: 'FP64', string: 'BYTES',
};

export function isOipDatatype(value: unknown): value is OipDatatype {
  // hasOwn, not `in`: "toString" and friends must not count as datatypes.
  return typeof value === 'string' && Object.hasOwn(TO_DTYPE, value);
}

/**
 * The core dtype for an OIP datatype name. Names are case-sensitive, as in
 * the spec and Triton. Throws INPUT_TENSOR_DTYPE naming the tensor (and the
 * request path when given) for anything else.
 */
export function dtypeFromOip(datatype: unknown, tensorName: string, path?: string): DType {
  if (isOipDatatype(datatype)) return TO_DTYPE[datatype];
  const shown = typeof datatype === 'string' ? `"${datatype}"` : JSON.stringify(datatype) ?? String(datatype);
  const at = path ? ` (${path})` : '';
  throw new TetraError(
    'INPUT_TENSOR_DTYPE',
    `tensor "${tensorName}"${at} has unknown datatype ${shown}; expected one of ${OIP_DATATYPES.join(', ')}`,
    { field: tensorName, ...(path ? { path } : {}) },
  );
}

/** The OIP datatype name for a core dtype. Every core dtype has one. */
export function oipFromDType(dtype: DType): OipDatatype {
  return FROM_DTYPE[dtype];
}
