import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorCode } from '../../../../src/core/index.ts';
import { decodeInferRequest } from '../../../../src/modes/online/oip/index.ts';
import { expectTetraError, jsonBody } from './oip-test-helpers.ts';

const GOOD = { name: 'ok', datatype: 'FP32', shape: [2], data: [1, 2] };

function input(overrides: Record<string, unknown>): Record<string, unknown> {
  return { name: 'x', datatype: 'FP32', shape: [2], data: [1, 2], ...overrides };
}

function without(key: string): Record<string, unknown> {
  const copy = input({});
  delete copy[key];
  return copy;
}

interface BadCase {
  readonly what: string;
  readonly request: unknown;
  readonly code: ErrorCode;
  readonly path?: string;
  readonly field?: string;
  readonly message?: RegExp;
}

const CASES: BadCase[] = [
  { what: 'a body that is not an object', request: [GOOD], code: 'INPUT_MALFORMED', path: 'request body' },
  { what: 'missing inputs', request: { outputs: [] }, code: 'INPUT_MALFORMED', path: 'inputs', message: /missing/ },
  { what: 'inputs not an array', request: { inputs: GOOD }, code: 'INPUT_MALFORMED', path: 'inputs' },
  { what: 'an input that is not an object', request: { inputs: [GOOD, 5] }, code: 'INPUT_MALFORMED', path: 'inputs[1]' },
  { what: 'missing name', request: { inputs: [GOOD, without('name')] }, code: 'INPUT_MALFORMED', path: 'inputs[1].name' },
  { what: 'empty name', request: { inputs: [input({ name: '' })] }, code: 'INPUT_MALFORMED', path: 'inputs[0].name' },
  { what: 'missing shape', request: { inputs: [GOOD, without('shape')] }, code: 'INPUT_MALFORMED', path: 'inputs[1].shape', field: 'x' },
  { what: 'missing datatype', request: { inputs: [GOOD, without('datatype')] }, code: 'INPUT_MALFORMED', path: 'inputs[1].datatype', field: 'x' },
  { what: 'missing data', request: { inputs: [GOOD, without('data')] }, code: 'INPUT_MALFORMED', path: 'inputs[1].data', field: 'x' },
  { what: 'a datatype that is not a string', request: { inputs: [input({ datatype: 11 })] }, code: 'INPUT_MALFORMED', path: 'inputs[0].datatype' },
  { what: 'an unknown datatype', request: { inputs: [input({ datatype: 'FLOAT' })] }, code: 'INPUT_TENSOR_DTYPE', path: 'inputs[0].datatype', field: 'x' },
  { what: 'a fractional dimension', request: { inputs: [input({ shape: [1, 2.5] })] }, code: 'INPUT_MALFORMED', path: 'inputs[0].shape[1]', field: 'x' },
  { what: 'a dimension given as text', request: { inputs: [input({ shape: ['2'] })] }, code: 'INPUT_MALFORMED', path: 'inputs[0].shape[0]' },
  { what: 'a negative dimension', request: { inputs: [input({ shape: [-1, 2] })] }, code: 'INPUT_TENSOR_SHAPE', path: 'inputs[0].shape[0]', field: 'x' },
  { what: 'data that is not an array', request: { inputs: [input({ data: 1 })] }, code: 'INPUT_MALFORMED', path: 'inputs[0].data', field: 'x' },
  { what: 'too few values', request: { inputs: [input({ shape: [3] })] }, code: 'INPUT_TENSOR_SHAPE', field: 'x', message: /needs 3 elements but data has 2/ },
  { what: 'too many values', request: { inputs: [input({ shape: [1] })] }, code: 'INPUT_TENSOR_SHAPE', field: 'x', message: /needs 1 elements but data has 2/ },
  { what: 'ragged nested data', request: { inputs: [input({ shape: [2, 2], data: [[1, 2, 3], [4]] })] }, code: 'INPUT_TENSOR_SHAPE', path: 'inputs[0].data[0]', field: 'x' },
  { what: 'a short inner row', request: { inputs: [input({ shape: [2, 2], data: [[1, 2], [4]] })] }, code: 'INPUT_TENSOR_SHAPE', path: 'inputs[0].data[1]' },
  { what: 'nesting deeper than the shape', request: { inputs: [input({ shape: [1, 2], data: [[[1], [2]]] })] }, code: 'INPUT_TENSOR_SHAPE', field: 'x' },
  { what: 'a scalar where a row belongs', request: { inputs: [input({ shape: [2, 2], data: [[1, 2], 3] })] }, code: 'INPUT_TENSOR_SHAPE', path: 'inputs[0].data[1]' },
  { what: 'an array among flat values', request: { inputs: [input({ shape: [2], data: [1, [2]] })] }, code: 'INPUT_TENSOR_SHAPE', field: 'x' },
  { what: 'a shape far larger than the body', request: { inputs: [input({ shape: [2, 1e12], data: [[1], [2]] })] }, code: 'INPUT_TENSOR_SHAPE', field: 'x' },
  { what: 'a string in FP32', request: { inputs: [input({ data: [1, 'abc'] })] }, code: 'INPUT_WRONG_TYPE', path: 'inputs[0].data[1]', field: 'x', message: /element 1.*FP32.*string "abc"/ },
  { what: 'null in FP64', request: { inputs: [input({ datatype: 'FP64', data: [null, 1] })] }, code: 'INPUT_WRONG_TYPE', path: 'inputs[0].data[0]' },
  { what: 'a lower-case nan token', request: { inputs: [input({ data: ['nan', 1] })] }, code: 'INPUT_WRONG_TYPE', path: 'inputs[0].data[0]' },
  { what: 'a boolean in FP16', request: { inputs: [input({ datatype: 'FP16', data: [true, 1] })] }, code: 'INPUT_WRONG_TYPE', path: 'inputs[0].data[0]' },
  { what: 'a float in INT32', request: { inputs: [input({ datatype: 'INT32', data: [1, 1.5] })] }, code: 'INPUT_WRONG_TYPE', path: 'inputs[0].data[1]', message: /INT32.*1\.5/ },
  { what: 'NaN text in INT32', request: { inputs: [input({ datatype: 'INT32', data: ['NaN', 1] })] }, code: 'INPUT_WRONG_TYPE', path: 'inputs[0].data[0]' },
  { what: 'INT8 above range', request: { inputs: [input({ datatype: 'INT8', data: [127, 128] })] }, code: 'INPUT_WRONG_TYPE', path: 'inputs[0].data[1]', message: /\[-128, 127\]/ },
  { what: 'UINT8 below range', request: { inputs: [input({ datatype: 'UINT8', data: [-1, 0] })] }, code: 'INPUT_WRONG_TYPE', path: 'inputs[0].data[0]' },
  { what: 'UINT16 above range', request: { inputs: [input({ datatype: 'UINT16', data: [0, 65536] })] }, code: 'INPUT_WRONG_TYPE', path: 'inputs[0].data[1]' },
  { what: 'INT32 above range', request: { inputs: [input({ datatype: 'INT32', data: [0, 2 ** 31] })] }, code: 'INPUT_WRONG_TYPE', path: 'inputs[0].data[1]' },
  { what: 'UINT32 above range', request: { inputs: [input({ datatype: 'UINT32', data: [2 ** 32, 0] })] }, code: 'INPUT_WRONG_TYPE', path: 'inputs[0].data[0]' },
  { what: 'a negative UINT64', request: { inputs: [input({ datatype: 'UINT64', data: [1, -1] })] }, code: 'INPUT_WRONG_TYPE', path: 'inputs[0].data[1]' },
  { what: 'an INT64 beyond exact doubles', request: { inputs: [input({ datatype: 'INT64', data: [2 ** 53, 0] })] }, code: 'INPUT_WRONG_TYPE', path: 'inputs[0].data[0]', message: /binary/ },
  { what: 'a number in BOOL', request: { inputs: [input({ datatype: 'BOOL', data: [true, 1] })] }, code: 'INPUT_WRONG_TYPE', path: 'inputs[0].data[1]' },
  { what: 'a number in BYTES', request: { inputs: [input({ datatype: 'BYTES', data: ['a', 2] })] }, code: 'INPUT_WRONG_TYPE', path: 'inputs[0].data[1]' },
  { what: 'a wrong value in nested data, by row-major index', request: { inputs: [input({ shape: [2, 2], data: [[1, 2], [3, 'x']] })] }, code: 'INPUT_WRONG_TYPE', path: 'inputs[0].data[3]', message: /element 3/ },
  { what: 'duplicate input names', request: { inputs: [GOOD, { ...GOOD }] }, code: 'INPUT_MALFORMED', path: 'inputs[1].name', field: 'ok', message: /inputs\[0\]/ },
  { what: 'an id that is not a string', request: { id: 42, inputs: [GOOD] }, code: 'INPUT_MALFORMED', path: 'id' },
  { what: 'parameters that are not an object', request: { parameters: [1], inputs: [GOOD] }, code: 'INPUT_MALFORMED', path: 'parameters' },
  { what: 'input parameters that are not an object', request: { inputs: [input({ parameters: 'p' })] }, code: 'INPUT_MALFORMED', path: 'inputs[0].parameters' },
  { what: 'binary_data_output that is not a boolean', request: { parameters: { binary_data_output: 'yes' }, inputs: [GOOD] }, code: 'INPUT_MALFORMED', path: 'parameters.binary_data_output' },
  { what: 'outputs that are not an array', request: { inputs: [GOOD], outputs: { name: 'y' } }, code: 'INPUT_MALFORMED', path: 'outputs' },
  { what: 'an output without a name', request: { inputs: [GOOD], outputs: [{ parameters: {} }] }, code: 'INPUT_MALFORMED', path: 'outputs[0].name' },
  { what: 'duplicate output names', request: { inputs: [GOOD], outputs: [{ name: 'y' }, { name: 'y' }] }, code: 'INPUT_MALFORMED', path: 'outputs[1].name' },
  { what: 'binary_data that is not a boolean', request: { inputs: [GOOD], outputs: [{ name: 'y', parameters: { binary_data: 1 } }] }, code: 'INPUT_MALFORMED', path: 'outputs[0].parameters.binary_data' },
];

for (const c of CASES) {
  test(`decode refuses ${c.what} with ${c.code}`, () => {
    const e = expectTetraError(() => decodeInferRequest(jsonBody(c.request)), c.code);
    if (c.path !== undefined) assert.equal(e.where.path, c.path, e.message);
    if (c.field !== undefined) assert.equal(e.where.field, c.field, e.message);
    if (c.message !== undefined) assert.match(e.message, c.message);
    if (c.path !== undefined && c.path !== 'request body') assert.ok(e.message.includes(c.path.replace(/\[\d+\]$/, '')), `the message names the place: ${e.message}`);
  });
}

test('malformed JSON is INPUT_MALFORMED with the byte offset when JSON.parse gives one', () => {
  let e = expectTetraError(() => decodeInferRequest(Buffer.from('{"inputs":[],}')), 'INPUT_MALFORMED');
  assert.equal(e.where.offset, 13);
  assert.match(e.message, /byte 13/);
  e = expectTetraError(() => decodeInferRequest(Buffer.from('{"ü":1,}')), 'INPUT_MALFORMED');
  assert.equal(e.where.offset, 8, 'a character position becomes a byte offset');
  e = expectTetraError(() => decodeInferRequest(Buffer.from('{"inputs":[')), 'INPUT_MALFORMED');
  assert.equal(e.where.offset, 11, 'a truncated body fails at its end');
  e = expectTetraError(() => decodeInferRequest(Buffer.from('{"inputs": [}')), 'INPUT_MALFORMED');
  assert.match(e.message, /not valid JSON/);
});

test('an empty body is INPUT_MALFORMED', () => {
  const e = expectTetraError(() => decodeInferRequest(Buffer.alloc(0)), 'INPUT_MALFORMED');
  assert.match(e.message, /empty/);
});

test('a body over maxBytes is INPUT_TOO_LARGE, and one at the limit is accepted', () => {
  const body = jsonBody({ inputs: [GOOD] });
  const e = expectTetraError(() => decodeInferRequest(body, { maxBytes: body.length - 1 }), 'INPUT_TOO_LARGE');
  assert.match(e.message, new RegExp(`${body.length} bytes`));
  assert.ok(decodeInferRequest(body, { maxBytes: body.length }).inputs.ok);
});
