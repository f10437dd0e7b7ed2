import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DTYPES } from '../../../../src/core/index.ts';
import { OIP_DATATYPES, dtypeFromOip, isOipDatatype, oipFromDType } from '../../../../src/modes/online/oip/index.ts';
import { expectTetraError } from './oip-test-helpers.ts';

const PAIRS = [
  ['BOOL', 'bool'], ['UINT8', 'uint8'], ['UINT16', 'uint16'], ['UINT32', 'uint32'], ['UINT64', 'uint64'],
  ['INT8', 'int8'], ['INT16', 'int16'], ['INT32', 'int32'], ['INT64', 'int64'],
  ['FP16', 'float16'], ['FP32', 'float32'], ['FP64', 'float64'], ['BYTES', 'string'],
] as const;

test('every OIP datatype maps to its core dtype and back', () => {
  assert.deepEqual([...OIP_DATATYPES].sort(), PAIRS.map(([oip]) => oip).sort());
  for (const [oip, dtype] of PAIRS) {
    assert.equal(dtypeFromOip(oip, 't'), dtype);
    assert.equal(oipFromDType(dtype), oip);
  }
});

test('every core dtype has an OIP datatype', () => {
  for (const dtype of DTYPES) assert.ok(isOipDatatype(oipFromDType(dtype)), dtype);
});

test('an unknown datatype is INPUT_TENSOR_DTYPE naming the tensor and the datatype', () => {
  const e = expectTetraError(() => dtypeFromOip('INT322', 'input-0', 'inputs[0].datatype'), 'INPUT_TENSOR_DTYPE');
  assert.equal(e.where.field, 'input-0');
  assert.equal(e.where.path, 'inputs[0].datatype');
  assert.match(e.message, /"input-0"/);
  assert.match(e.message, /"INT322"/);
});

test('datatype names are case-sensitive and inherited object keys are not datatypes', () => {
  for (const name of ['fp32', 'Fp32', 'toString', 'constructor', 'BF16', '']) {
    assert.equal(isOipDatatype(name), false, name);
    expectTetraError(() => dtypeFromOip(name, 'x'), 'INPUT_TENSOR_DTYPE');
  }
});
