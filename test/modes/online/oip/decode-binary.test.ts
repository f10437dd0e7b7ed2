import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInferRequest } from '../../../../src/modes/online/oip/index.ts';
import { binaryBody, expectTetraError, leBytes } from './oip-test-helpers.ts';

function binaryInput(name: string, datatype: string, shape: number[], bytes: Uint8Array) {
  return { name, datatype, shape, parameters: { binary_data_size: bytes.length } };
}

test('every datatype decodes from the binary section', () => {
  const cases: [string, unknown[], unknown][] = [
    ['BOOL', [true, false, true], Uint8Array.from([1, 0, 1])],
    ['UINT8', [0, 255, 9], Uint8Array.from([0, 255, 9])],
    ['UINT16', [0, 65535, 9], Uint16Array.from([0, 65535, 9])],
    ['UINT32', [0, 4294967295, 9], Uint32Array.from([0, 4294967295, 9])],
    ['UINT64', [0n, 2n ** 64n - 1n, 9n], BigUint64Array.from([0n, 2n ** 64n - 1n, 9n])],
    ['INT8', [-128, 127, 9], Int8Array.from([-128, 127, 9])],
    ['INT16', [-32768, 32767, 9], Int16Array.from([-32768, 32767, 9])],
    ['INT32', [-2147483648, 2147483647, 9], Int32Array.from([-2147483648, 2147483647, 9])],
    ['INT64', [-(2n ** 63n), 2n ** 63n - 1n, -9n], BigInt64Array.from([-(2n ** 63n), 2n ** 63n - 1n, -9n])],
    ['FP16', [0x3c00, 0x7e00, 0x0001], Uint16Array.from([0x3c00, 0x7e00, 0x0001])],
    ['FP32', [0.5, -Infinity, 1e-45], Float32Array.from([0.5, -Infinity, 1e-45])],
    ['FP64', [0.1, Number.MAX_VALUE, -0], Float64Array.from([0.1, Number.MAX_VALUE, -0])],
    ['BYTES', ['héllo', '', 'x'.repeat(300)], ['héllo', '', 'x'.repeat(300)]],
  ];
  for (const [datatype, values, want] of cases) {
    const bytes = leBytes(datatype, values);
    const { body, headerLength } = binaryBody({ inputs: [binaryInput('t', datatype, [3], bytes)] }, [bytes]);
    const decoded = decodeInferRequest(body, { headerLength });
    assert.deepEqual(decoded.inputs.t, { dtype: decoded.inputs.t?.dtype, shape: [3], data: want }, datatype);
  }
});

test('several binary inputs are taken in order, whatever their alignment, mixed with JSON inputs', () => {
  const a = leBytes('UINT8', [1, 2, 3]); // leaves the next tensor at an odd offset
  const b = leBytes('FP64', [1.5, -2.25]);
  const c = leBytes('BYTES', ['one', 'two']);
  const d = leBytes('INT64', [-1n, 2n ** 62n]);
  const header = {
    inputs: [
      binaryInput('a', 'UINT8', [3], a),
      { name: 'json', datatype: 'FP32', shape: [1, 2], data: [[1, 2]] },
      binaryInput('b', 'FP64', [2, 1], b),
      binaryInput('c', 'BYTES', [2], c),
      binaryInput('d', 'INT64', [2], d),
    ],
  };
  for (const pad of ['', ' ', '  ', '   ']) {
    const json = Buffer.from(JSON.stringify(header) + pad);
    const body = Buffer.concat([json, a, b, c, d]);
    const decoded = decodeInferRequest(body, { headerLength: json.length });
    assert.deepEqual(Object.keys(decoded.inputs), ['a', 'json', 'b', 'c', 'd']);
    assert.deepEqual(decoded.inputs.a?.data, Uint8Array.from([1, 2, 3]));
    assert.deepEqual(decoded.inputs.json?.data, Float32Array.from([1, 2]));
    assert.deepEqual(decoded.inputs.b, { dtype: 'float64', shape: [2, 1], data: Float64Array.from([1.5, -2.25]) });
    assert.deepEqual(decoded.inputs.c?.data, ['one', 'two']);
    assert.deepEqual(decoded.inputs.d?.data, BigInt64Array.from([-1n, 2n ** 62n]));
    assert.equal((decoded.inputs.b?.data as Float64Array).byteOffset % 8, 0, 'FP64 data is aligned');
  }
});

test('the Triton example request (UINT32 and BOOL inputs in binary) decodes', () => {
  const u = leBytes('UINT32', [1, 2, 3, 4]);
  const flags = Uint8Array.from([1, 0, 1]);
  const { body, headerLength } = binaryBody({
    model_name: 'mymodel',
    inputs: [binaryInput('input0', 'UINT32', [2, 2], u), binaryInput('input1', 'BOOL', [3], flags)],
    outputs: [{ name: 'output0', parameters: { binary_data: true } }],
  }, [u, flags]);
  assert.equal(body.length - headerLength, 19);
  const decoded = decodeInferRequest(body, { headerLength });
  assert.deepEqual(decoded.inputs.input0, { dtype: 'uint32', shape: [2, 2], data: Uint32Array.from([1, 2, 3, 4]) });
  assert.deepEqual(decoded.inputs.input1?.data, Uint8Array.from([1, 0, 1]));
  assert.deepEqual(decoded.outputs, [{ name: 'output0', binary: true, parameters: { binary_data: true } }]);
});

test('a header length equal to the body means a JSON-only request', () => {
  const body = Buffer.from(JSON.stringify({ inputs: [{ name: 'x', datatype: 'INT8', shape: [1], data: [1] }] }));
  assert.deepEqual(decodeInferRequest(body, { headerLength: body.length }).inputs.x?.data, Int8Array.from([1]));
});

test('binary_data_size that runs past the binary section is INPUT_MALFORMED naming the tensor', () => {
  const bytes = leBytes('FP32', [1, 2]);
  const { body, headerLength } = binaryBody({ inputs: [{ name: 'x', datatype: 'FP32', shape: [3], parameters: { binary_data_size: 12 } }] }, [bytes]);
  const e = expectTetraError(() => decodeInferRequest(body, { headerLength }), 'INPUT_MALFORMED');
  assert.equal(e.where.field, 'x');
  assert.equal(e.where.path, 'inputs[0].parameters.binary_data_size');
  assert.match(e.message, /8 bytes/);
});

test('bytes left over after the last binary input are INPUT_MALFORMED', () => {
  const bytes = leBytes('FP32', [1, 2]);
  const { body, headerLength } = binaryBody({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1], parameters: { binary_data_size: 4 } }] }, [bytes]);
  const e = expectTetraError(() => decodeInferRequest(body, { headerLength }), 'INPUT_MALFORMED');
  assert.match(e.message, /4 bytes after/);
});

test('binary_data_size that does not match the shape is INPUT_TENSOR_SHAPE naming the tensor', () => {
  const bytes = leBytes('FP32', [1, 2]);
  const { body, headerLength } = binaryBody({ inputs: [binaryInput('x', 'FP32', [3], bytes)] }, [bytes]);
  const e = expectTetraError(() => decodeInferRequest(body, { headerLength }), 'INPUT_TENSOR_SHAPE');
  assert.equal(e.where.field, 'x');
  assert.match(e.message, /8 bytes .* 3 FP32 elements \(12 bytes\)/);
});

test('BYTES binary data that does not fit its shape or size is INPUT_TENSOR_SHAPE', () => {
  const two = leBytes('BYTES', ['ab', 'c']);
  const cases: [number[], Uint8Array][] = [
    [[3], two], // fewer elements than the shape
    [[1], two], // more bytes than one element uses
    [[2], two.subarray(0, two.length - 1)], // the last element is cut short
    [[2], two.subarray(0, 8)], // ends inside the second length
  ];
  for (const [shape, bytes] of cases) {
    const { body, headerLength } = binaryBody({ inputs: [binaryInput('s', 'BYTES', shape, bytes)] }, [bytes]);
    const e = expectTetraError(() => decodeInferRequest(body, { headerLength }), 'INPUT_TENSOR_SHAPE');
    assert.equal(e.where.field, 's');
  }
});

test('BOOL bytes other than 0 and 1, and BYTES that are not UTF-8, are INPUT_WRONG_TYPE', () => {
  const flags = Uint8Array.from([1, 2]);
  let req = binaryBody({ inputs: [binaryInput('f', 'BOOL', [2], flags)] }, [flags]);
  let e = expectTetraError(() => decodeInferRequest(req.body, { headerLength: req.headerLength }), 'INPUT_WRONG_TYPE');
  assert.equal(e.where.field, 'f');
  assert.match(e.message, /element 1/);
  const bad = Uint8Array.from([2, 0, 0, 0, 0xc3, 0x28]);
  req = binaryBody({ inputs: [binaryInput('s', 'BYTES', [1], bad)] }, [bad]);
  e = expectTetraError(() => decodeInferRequest(req.body, { headerLength: req.headerLength }), 'INPUT_WRONG_TYPE');
  assert.equal(e.where.field, 's');
});

test('binary_data_size without a header length, or with data as well, is INPUT_MALFORMED', () => {
  const bytes = leBytes('INT32', [1]);
  const { body } = binaryBody({ inputs: [binaryInput('x', 'INT32', [1], bytes)] }, [bytes]);
  let e = expectTetraError(() => decodeInferRequest(body), 'INPUT_MALFORMED');
  assert.match(e.message, /not valid JSON/, 'without the header the bytes after the JSON are garbage');
  const json = Buffer.from(JSON.stringify({ inputs: [binaryInput('x', 'INT32', [1], bytes)] }));
  e = expectTetraError(() => decodeInferRequest(json), 'INPUT_MALFORMED');
  assert.equal(e.where.path, 'inputs[0].parameters.binary_data_size');
  assert.match(e.message, /Inference-Header-Content-Length/);
  const both = binaryBody({ inputs: [{ ...binaryInput('x', 'INT32', [1], bytes), data: [1] }] }, [bytes]);
  e = expectTetraError(() => decodeInferRequest(both.body, { headerLength: both.headerLength }), 'INPUT_MALFORMED');
  assert.equal(e.where.path, 'inputs[0].data');
});

test('a bad header length or binary_data_size value is INPUT_MALFORMED', () => {
  const body = Buffer.from('{"inputs":[]}');
  for (const headerLength of [-1, body.length + 1, 1.5, Number.NaN]) {
    const e = expectTetraError(() => decodeInferRequest(body, { headerLength }), 'INPUT_MALFORMED');
    assert.equal(e.where.field, 'Inference-Header-Content-Length');
  }
  for (const size of [-4, 2.5, '4', null]) {
    const req = binaryBody({ inputs: [{ name: 'x', datatype: 'INT32', shape: [1], parameters: { binary_data_size: size } }] }, [leBytes('INT32', [1])]);
    const e = expectTetraError(() => decodeInferRequest(req.body, { headerLength: req.headerLength }), 'INPUT_MALFORMED');
    assert.equal(e.where.path, 'inputs[0].parameters.binary_data_size');
  }
});
