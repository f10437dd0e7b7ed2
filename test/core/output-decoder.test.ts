import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOutputs, type OutputSpec } from '../../src/core/codec/output-decoder.ts';
import { halfBitsToNumber } from '../../src/core/float16.ts';
import { TetraError } from '../../src/core/errors/index.ts';

const base: OutputSpec = { task: 'binary', scoreOutput: 'p', threshold: 0.5, probabilityField: 'probability', probabilitiesField: 'probabilities', labelField: 'label', valueField: 'prediction' };

test('binary: P(positive) from a [N] or [N, 2] output, label by threshold and classes', () => {
  const spec = { ...base, classes: ['ok', 'fraud'], threshold: 0.3 };
  assert.deepEqual(decodeOutputs(spec, { p: { dtype: 'float32', shape: [2], data: new Float32Array([0.25, 0.5]) } }, 2), [
    { probability: 0.25, label: 'ok' },
    { probability: 0.5, label: 'fraud' },
  ]);
  assert.deepEqual(decodeOutputs(spec, { p: { dtype: 'float64', shape: [1, 2], data: new Float64Array([0.6, 0.4]) } }, 1), [{ probability: 0.4, label: 'fraud' }]);
});

test('multiclass: every class probability under its label, and the most probable class', () => {
  const spec = { ...base, task: 'multiclass' as const, classes: ['a', 'b', 'c'] };
  const out = decodeOutputs(spec, { p: { dtype: 'float64', shape: [1, 3], data: new Float64Array([0.2, 0.5, 0.3]) } }, 1);
  assert.deepEqual(out, [{ probabilities: { a: 0.2, b: 0.5, c: 0.3 }, label: 'b' }]);
});

test('models without a known task: every output, row by row, in JSON-friendly values', () => {
  const spec = { ...base, task: 'other' as const, scoreOutput: undefined };
  const out = decodeOutputs(spec, {
    n: { dtype: 'int64', shape: [2], data: new BigInt64Array([3n, 4n]) },
    v: { dtype: 'float32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
    b: { dtype: 'bool', shape: [2], data: new Uint8Array([1, 0]) },
    h: { dtype: 'float16', shape: [2], data: new Uint16Array([0x3c00, 0xc000]) },
  }, 2);
  assert.deepEqual(out, [{ n: 3, v: [1, 2], b: true, h: 1 }, { n: 4, v: [3, 4], b: false, h: -2 }]);
});

test('an output without one value per row is a model failure, not missing fields', () => {
  assert.throws(
    () => decodeOutputs(base, { p: { dtype: 'float32', shape: [1], data: new Float32Array([0.5]) } }, 3),
    (e: unknown) => TetraError.is(e) && e.code === 'MODEL_RUN_FAILED' && e.where.field === 'p',
  );
  assert.throws(() => decodeOutputs(base, {}, 1), (e: unknown) => TetraError.is(e) && e.code === 'MODEL_RUN_FAILED');
});

test('half precision bits decode to numbers', () => {
  assert.equal(halfBitsToNumber(0x3c00), 1);
  assert.equal(halfBitsToNumber(0x3555), 0.333251953125);
  assert.equal(halfBitsToNumber(0x0001), 2 ** -24);
  assert.equal(halfBitsToNumber(0xfc00), -Infinity);
  assert.ok(Number.isNaN(halfBitsToNumber(0x7e00)));
});

test('predictions are plain objects with their fields as own keys, whatever the names', () => {
  const spec = { ...base, probabilityField: '__proto__', labelField: 'x"y' };
  const [first] = decodeOutputs(spec, { p: { dtype: 'float32', shape: [1], data: new Float32Array([0.75]) } }, 1);
  assert.equal(Object.getPrototypeOf(first), Object.prototype);
  assert.deepEqual(Object.keys(first ?? {}), ['__proto__', 'x"y']);
  assert.equal(JSON.stringify(first), '{"__proto__":0.75,"x\\"y":1}');
});
