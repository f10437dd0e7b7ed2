import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatRows, sliceRows, tensor } from '../../src/core/tensor.ts';
import { TetraError } from '../../src/core/errors/index.ts';

test('concatRows joins along the batch dimension and sliceRows takes it apart', () => {
  const a = tensor('float32', [2, 2], new Float32Array([1, 2, 3, 4]));
  const b = tensor('float32', [1, 2], new Float32Array([5, 6]));
  const joined = concatRows([a, b]);
  assert.deepEqual(joined.shape, [3, 2]);
  assert.deepEqual([...joined.data], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...sliceRows(joined, 2, 3).data], [5, 6]);
});

test('tensor rejects data that does not fill its shape', () => {
  assert.throws(() => tensor('int32', [2, 3], new Int32Array(5)), (e: unknown) => TetraError.is(e) && e.code === 'INPUT_TENSOR_SHAPE');
});
