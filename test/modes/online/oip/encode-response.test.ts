import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numberToHalfBits, type Tensor, type TensorMap } from '../../../../src/core/index.ts';
import { decodeInferRequest, encodeInferResponse } from '../../../../src/modes/online/oip/index.ts';
import { binaryBody, expectTetraError, halfValue, parseResponse } from './oip-test-helpers.ts';

/** One tensor per datatype, with the values most likely to go wrong. */
const TENSORS: Record<string, Tensor> = {
  BOOL: { dtype: 'bool', shape: [2, 2], data: Uint8Array.from([1, 0, 0, 1]) },
  UINT8: { dtype: 'uint8', shape: [3], data: Uint8Array.from([0, 128, 255]) },
  UINT16: { dtype: 'uint16', shape: [3], data: Uint16Array.from([0, 1, 65535]) },
  UINT32: { dtype: 'uint32', shape: [3], data: Uint32Array.from([0, 1, 4294967295]) },
  UINT64: { dtype: 'uint64', shape: [3], data: BigUint64Array.from([0n, 2n ** 53n + 1n, 2n ** 64n - 1n]) },
  INT8: { dtype: 'int8', shape: [3], data: Int8Array.from([-128, 0, 127]) },
  INT16: { dtype: 'int16', shape: [3], data: Int16Array.from([-32768, 0, 32767]) },
  INT32: { dtype: 'int32', shape: [3], data: Int32Array.from([-2147483648, 0, 2147483647]) },
  INT64: { dtype: 'int64', shape: [4], data: BigInt64Array.from([-(2n ** 63n), -1n, 2n ** 53n + 1n, 2n ** 63n - 1n]) },
  FP16: { dtype: 'float16', shape: [6], data: Uint16Array.from([0x3c00, 0x2e66, 0x0001, 0x7bff, 0x7c00, 0x7e00]) },
  FP32: { dtype: 'float32', shape: [2, 3], data: Float32Array.from([0.1, -6.8, 3.4028234663852886e38, 1e-45, Number.NaN, -Infinity]) },
  FP64: { dtype: 'float64', shape: [5], data: Float64Array.from([0.1, -1e-300, 1.7976931348623157e308, Infinity, Number.NaN]) },
  BYTES: { dtype: 'string', shape: [3], data: ['plain', '', 'quote " and ü, 12345678901234567890'] },
};

/** What a client should read back for each tensor, by transport. */
function expectedValues(datatype: string, t: Tensor, binary: boolean): unknown[] {
  if (datatype === 'BOOL') return Array.from(t.data as Uint8Array, (v) => v === 1);
  if (datatype === 'FP16' && !binary) return Array.from(t.data as Uint16Array, halfValue);
  return Array.from(t.data as ArrayLike<unknown>);
}

function sameValues(datatype: string, got: unknown[], want: unknown[], binary: boolean): void {
  assert.equal(got.length, want.length, datatype);
  got.forEach((g, i) => {
    const w = want[i];
    if (typeof w === 'number' && Number.isNaN(w)) return assert.ok(Number.isNaN(g as number), `${datatype}[${i}]`);
    if (datatype === 'FP32') return assert.equal(Math.fround(g as number), w, `${datatype}[${i}]`);
    if (datatype === 'FP16' && !binary && typeof g === 'number' && Number.isFinite(g)) return assert.equal(halfValue(numberToHalfBits(g)), w, `${datatype}[${i}]`);
    return assert.equal(g, w, `${datatype}[${i}]`);
  });
}

for (const binary of [false, true]) {
  test(`every datatype round-trips through a ${binary ? 'binary' : 'JSON'} response`, () => {
    const encoded = encodeInferResponse({ modelName: 'm', outputs: TENSORS, binaryDefault: binary });
    const parsed = parseResponse(encoded.body, encoded.headers);
    assert.deepEqual(parsed.outputs.map((o) => o.name), Object.keys(TENSORS));
    for (const o of parsed.outputs) {
      const t = TENSORS[o.name] as Tensor;
      assert.equal(o.datatype, o.name);
      assert.deepEqual(o.shape, t.shape);
      assert.equal(o.binary, binary);
      sameValues(o.datatype, o.values, expectedValues(o.datatype, t, binary), binary);
    }
  });
}

test('binary output bytes decode back to the same tensors as binary request inputs', () => {
  const encoded = encodeInferResponse({ modelName: 'm', outputs: TENSORS, binaryDefault: true });
  const jsonLength = Number(encoded.headers['inference-header-content-length']);
  const header = JSON.parse(encoded.body.toString('utf8', 0, jsonLength)) as { outputs: Record<string, unknown>[] };
  const request = Buffer.concat([Buffer.from(JSON.stringify({ inputs: header.outputs })), encoded.body.subarray(jsonLength)]);
  const decoded = decodeInferRequest(request, { headerLength: request.length - (encoded.body.length - jsonLength) });
  assert.deepEqual(decoded.inputs, TENSORS);
});

test('JSON outputs write exact 64-bit digits, KServe non-finite strings and short float32 text', () => {
  const outputs: TensorMap = {
    big: { dtype: 'int64', shape: [2], data: BigInt64Array.from([9007199254740993n, -9223372036854775808n]) },
    f32: { dtype: 'float32', shape: [5], data: Float32Array.from([6.8, 0.1, 1 / 3, 16777216, Number.NaN]) },
    f64: { dtype: 'float64', shape: [3], data: Float64Array.from([Infinity, -Infinity, 0.1]) },
    f16: { dtype: 'float16', shape: [2], data: Uint16Array.from([0x2e66, 0x3c00]) },
    flags: { dtype: 'bool', shape: [2], data: Uint8Array.from([1, 0]) },
  };
  const text = encodeInferResponse({ modelName: 'm', outputs }).body.toString('utf8');
  assert.ok(text.includes('"data":[9007199254740993,-9223372036854775808]'), text);
  assert.ok(text.includes('"data":[6.8,0.1,0.33333334,16777216,"NaN"]'), text);
  assert.ok(text.includes('"data":["Infinity","-Infinity",0.1]'), text);
  assert.ok(text.includes('"data":[0.1,1]'), text);
  assert.ok(text.includes('"data":[true,false]'), text);
});

test('a 2-D output is written flat, row-major, with its shape', () => {
  const outputs: TensorMap = { p: { dtype: 'int32', shape: [2, 3], data: Int32Array.from([1, 2, 3, 4, 5, 6]) } };
  const body = JSON.parse(encodeInferResponse({ modelName: 'm', outputs }).body.toString('utf8')) as { outputs: unknown[] };
  assert.deepEqual(body.outputs, [{ name: 'p', datatype: 'INT32', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }]);
});

test('model name, version and id are echoed; absent ones are left out', () => {
  const outputs: TensorMap = { y: { dtype: 'float32', shape: [1], data: Float32Array.from([1]) } };
  let head = JSON.parse(encodeInferResponse({ modelName: 'fraud', modelVersion: '3', id: 'abc "1"', outputs }).body.toString('utf8')) as Record<string, unknown>;
  assert.equal(head.model_name, 'fraud');
  assert.equal(head.model_version, '3');
  assert.equal(head.id, 'abc "1"');
  head = JSON.parse(encodeInferResponse({ modelName: 'fraud', outputs }).body.toString('utf8')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(head), ['model_name', 'outputs']);
});

const THREE: TensorMap = {
  a: { dtype: 'float32', shape: [1], data: Float32Array.from([1]) },
  b: { dtype: 'int32', shape: [2], data: Int32Array.from([2, 3]) },
  c: { dtype: 'string', shape: [1], data: ['c'] },
};

test('only the requested outputs are sent, in requested order, each by its own transport', () => {
  const encoded = encodeInferResponse({
    modelName: 'm', outputs: THREE, binaryDefault: true,
    requested: [{ name: 'c', binary: false }, { name: 'a', binary: true }],
  });
  assert.equal(encoded.headers['content-type'], 'application/octet-stream');
  const parsed = parseResponse(encoded.body, encoded.headers);
  assert.deepEqual(parsed.outputs.map((o) => [o.name, o.binary, o.values]), [['c', false, ['c']], ['a', true, [1]]]);
  assert.deepEqual(parsed.outputs[1]?.parameters, { binary_data_size: 4 });
  assert.equal(Number(encoded.headers['inference-header-content-length']), encoded.body.length - 4);
});

test('without binary outputs the response is plain JSON with no header length', () => {
  const encoded = encodeInferResponse({ modelName: 'm', outputs: THREE, requested: [{ name: 'b', binary: false }] });
  assert.deepEqual(encoded.headers, { 'content-type': 'application/json' });
  const body = JSON.parse(encoded.body.toString('utf8')) as { outputs: { name: string }[] };
  assert.deepEqual(body.outputs.map((o) => o.name), ['b']);
});

test('binary_data_output sends every output binary when none are requested; an empty request list means all', () => {
  for (const requested of [undefined, []]) {
    const encoded = encodeInferResponse({ modelName: 'm', outputs: THREE, binaryDefault: true, ...(requested ? { requested } : {}) });
    const parsed = parseResponse(encoded.body, encoded.headers);
    assert.deepEqual(parsed.outputs.map((o) => [o.name, o.binary]), [['a', true], ['b', true], ['c', true]]);
    assert.deepEqual(parsed.outputs.map((o) => o.values), [[1], [2, 3], ['c']]);
  }
});

test('the decoded request drives the encoder: binary_data overrides binary_data_output', () => {
  const request = decodeInferRequest(Buffer.from(JSON.stringify({
    id: 'r1',
    parameters: { binary_data_output: true },
    inputs: [{ name: 'x', datatype: 'FP32', shape: [1], data: [0] }],
    outputs: [{ name: 'b', parameters: { binary_data: false } }, { name: 'a' }],
  })));
  const encoded = encodeInferResponse({ modelName: 'm', id: request.id, outputs: THREE, requested: request.outputs });
  const parsed = parseResponse(encoded.body, encoded.headers);
  assert.equal(parsed.header.id, 'r1');
  assert.deepEqual(parsed.outputs.map((o) => [o.name, o.binary]), [['b', false], ['a', true]]);
});

test('a requested output the model does not have is INPUT_OUTPUT_UNKNOWN naming it', () => {
  const e = expectTetraError(() => encodeInferResponse({ modelName: 'm', outputs: THREE, requested: [{ name: 'a', binary: false }, { name: 'zz', binary: false }] }), 'INPUT_OUTPUT_UNKNOWN');
  assert.equal(e.where.field, 'zz');
  assert.equal(e.where.path, 'outputs[1].name');
  assert.match(e.message, /"zz".*a, b, c/);
  expectTetraError(() => encodeInferResponse({ modelName: 'm', outputs: THREE, requested: [{ name: 'toString', binary: false }] }), 'INPUT_OUTPUT_UNKNOWN');
});

test('an output whose data does not fill its shape is an INTERNAL error', () => {
  const outputs = { y: { dtype: 'float32', shape: [3], data: Float32Array.from([1]) } } as TensorMap;
  const e = expectTetraError(() => encodeInferResponse({ modelName: 'm', outputs }), 'INTERNAL');
  assert.equal(e.where.field, 'y');
});

test('binary request parsing and the response header agree for a request built by hand', () => {
  const { body, headerLength } = binaryBody({ inputs: [] }, []);
  assert.deepEqual(decodeInferRequest(body, { headerLength }).inputs, {});
});

test('float32 and float16 JSON text reads back to the same bits across the whole range', () => {
  const bits = new Uint32Array(20000);
  let seed = 7;
  for (let i = 0; i < bits.length; i++) bits[i] = seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  const f32 = new Float32Array(bits.buffer).filter(Number.isFinite);
  const halves = Uint16Array.from({ length: 0x7c00 }, (_, i) => i);
  const outputs: TensorMap = {
    f32: { dtype: 'float32', shape: [f32.length], data: f32 },
    f16: { dtype: 'float16', shape: [halves.length], data: halves },
    negzero: { dtype: 'float32', shape: [1], data: Float32Array.from([-0]) },
  };
  const body = JSON.parse(encodeInferResponse({ modelName: 'm', outputs }).body.toString('utf8')) as { outputs: { data: number[] }[] };
  const [a, h, z] = body.outputs;
  assert.deepEqual(Float32Array.from(a?.data ?? []), f32);
  assert.deepEqual(Uint16Array.from(h?.data ?? [], numberToHalfBits), halves);
  assert.ok(Object.is(z?.data[0], -0));
});
