import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInferRequest } from '../../../../src/modes/online/oip/index.ts';
import { jsonBody } from './oip-test-helpers.ts';

function decodeOne(datatype: string, shape: number[], data: unknown) {
  const decoded = decodeInferRequest(jsonBody({ inputs: [{ name: 'x', datatype, shape, data }] }));
  return decoded.inputs.x;
}

test('JSON data of every datatype becomes the matching typed array', () => {
  const cases: [string, unknown[], unknown][] = [
    ['BOOL', [true, false, true], Uint8Array.from([1, 0, 1])],
    ['UINT8', [0, 255, 7], Uint8Array.from([0, 255, 7])],
    ['UINT16', [0, 65535, 7], Uint16Array.from([0, 65535, 7])],
    ['UINT32', [0, 4294967295, 7], Uint32Array.from([0, 4294967295, 7])],
    ['UINT64', [0, 2 ** 53 - 1, 4294967296], BigUint64Array.from([0n, 2n ** 53n - 1n, 4294967296n])],
    ['INT8', [-128, 127, 0], Int8Array.from([-128, 127, 0])],
    ['INT16', [-32768, 32767, 0], Int16Array.from([-32768, 32767, 0])],
    ['INT32', [-2147483648, 2147483647, 0], Int32Array.from([-2147483648, 2147483647, 0])],
    ['INT64', [-1, -(2 ** 53 - 1), 2 ** 53 - 1], BigInt64Array.from([-1n, -(2n ** 53n - 1n), 2n ** 53n - 1n])],
    ['FP16', [1, -2.5, 65504], Uint16Array.from([0x3c00, 0xc100, 0x7bff])],
    ['FP32', [0.5, -1.25, 3.4e38], Float32Array.from([0.5, -1.25, 3.4e38])],
    ['FP64', [0.1, -1e300, 5e-324], Float64Array.from([0.1, -1e300, 5e-324])],
    ['BYTES', ['a', '', 'ünï'], ['a', '', 'ünï']],
  ];
  for (const [datatype, data, want] of cases) {
    const t = decodeOne(datatype, [3], data);
    assert.deepEqual(t?.data, want, datatype);
    assert.deepEqual(t?.shape, [3], datatype);
  }
});

test('INT64 values near the 32-bit boundaries come out exact (both signs)', () => {
  const values = [2 ** 32, 2 ** 32 - 1, -(2 ** 32), -(2 ** 32) - 1, -(2 ** 31), 2 ** 31, -123456789012345];
  assert.deepEqual(decodeOne('INT64', [values.length], values)?.data, BigInt64Array.from(values.map(BigInt)));
  assert.deepEqual(decodeOne('UINT64', [2], [2 ** 32 + 5, 2 ** 40])?.data, BigUint64Array.from([2n ** 32n + 5n, 2n ** 40n]));
});

test('the strings NaN, Infinity and -Infinity are accepted for floating-point datatypes', () => {
  const tokens = ['NaN', 'Infinity', '-Infinity'];
  for (const datatype of ['FP32', 'FP64']) {
    const data = decodeOne(datatype, [3], tokens)?.data as Float32Array;
    assert.ok(Number.isNaN(data[0]));
    assert.deepEqual([data[1], data[2]], [Infinity, -Infinity]);
  }
  assert.deepEqual(decodeOne('FP16', [3], tokens)?.data, Uint16Array.from([0x7e00, 0x7c00, 0xfc00]));
});

test('nested data is flattened row-major, at any depth', () => {
  assert.deepEqual(decodeOne('FP32', [2, 3], [[1, 2, 3], [4, 5, 6]])?.data, Float32Array.from([1, 2, 3, 4, 5, 6]));
  const cube = [[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]];
  assert.deepEqual(decodeOne('INT16', [3, 2, 2], cube)?.data, Int16Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
  assert.deepEqual(decodeOne('BYTES', [1, 2], [['a', 'b']])?.data, ['a', 'b']);
  assert.deepEqual(decodeOne('INT64', [2, 1], [[-5], [6]])?.data, BigInt64Array.from([-5n, 6n]));
  assert.deepEqual(decodeOne('FP32', [2, 3], [1, 2, 3, 4, 5, 6])?.data, Float32Array.from([1, 2, 3, 4, 5, 6]), 'flat data for a 2-D shape');
});

test('a 64 x 30 FP32 batch decodes nested and flat to the same tensor', () => {
  const rows = Array.from({ length: 64 }, (_, r) => Array.from({ length: 30 }, (_, c) => r * 30 + c + 0.5));
  const nested = decodeOne('FP32', [64, 30], rows);
  const flat = decodeOne('FP32', [64, 30], rows.flat());
  assert.equal(nested?.data.length, 1920);
  assert.deepEqual(nested, flat);
  assert.equal((nested?.data as Float32Array)[1919], 1919.5);
});

test('scalars and empty tensors decode', () => {
  assert.deepEqual(decodeOne('FP64', [], [2.5]), { dtype: 'float64', shape: [], data: Float64Array.from([2.5]) });
  assert.deepEqual(decodeOne('INT32', [0, 3], []), { dtype: 'int32', shape: [0, 3], data: new Int32Array(0) });
  assert.deepEqual(decodeOne('INT32', [2, 0], [[], []]), { dtype: 'int32', shape: [2, 0], data: new Int32Array(0) });
});

test('id, request parameters, input parameters and requested outputs are returned', () => {
  const decoded = decodeInferRequest(jsonBody({
    id: 'req-7',
    parameters: { binary_data_output: true, timeout: 500 },
    inputs: [
      { name: 'a', datatype: 'INT32', shape: [1], data: [1], parameters: { content_type: 'np' } },
      { name: 'b', datatype: 'BOOL', shape: [1], data: [true] },
    ],
    outputs: [{ name: 'p', parameters: { binary_data: false, extra: 1 } }, { name: 'q' }, { name: 'r', parameters: { extra: 2 } }],
  }));
  assert.equal(decoded.id, 'req-7');
  assert.deepEqual(decoded.parameters, { binary_data_output: true, timeout: 500 });
  assert.deepEqual(decoded.inputParameters, { a: { content_type: 'np' }, b: {} });
  assert.deepEqual(Object.keys(decoded.inputs), ['a', 'b']);
  assert.deepEqual(decoded.outputs, [
    { name: 'p', binary: false, parameters: { binary_data: false, extra: 1 } },
    { name: 'q', binary: true },
    { name: 'r', binary: true, parameters: { extra: 2 } },
  ]);
});

test('a request without id, parameters or outputs leaves them out', () => {
  const decoded = decodeInferRequest(jsonBody({ inputs: [{ name: 'a', datatype: 'INT8', shape: [1], data: [1] }] }));
  assert.equal('id' in decoded, false);
  assert.equal('outputs' in decoded, false);
  assert.deepEqual(decoded.parameters, {});
});

test('an input named __proto__ is an ordinary tensor, not a prototype', () => {
  const decoded = decodeInferRequest(Buffer.from('{"inputs":[{"name":"__proto__","datatype":"INT8","shape":[1],"data":[3]}]}'));
  assert.ok(Object.hasOwn(decoded.inputs, '__proto__'));
  assert.deepEqual(Object.keys(decoded.inputs), ['__proto__']);
  assert.equal(Object.getPrototypeOf(decoded.inputs), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(decoded.inputs, '__proto__')?.value.data, Int8Array.from([3]));
});
