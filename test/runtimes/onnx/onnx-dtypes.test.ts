import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onnxRuntime } from '../../../src/runtimes/onnx/index.ts';
import type { LoadedModel } from '../../../src/core/model/index.ts';
import { sliceRows, type DType, type Tensor } from '../../../src/core/tensor.ts';
import { fixture } from '../../helpers/fixtures.ts';
import { ELEM, writeModel } from './model-builder.ts';

async function withModel(path: string, body: (m: LoadedModel) => Promise<void>): Promise<void> {
  const model = await onnxRuntime.load({ path });
  try {
    await body(model);
  } finally {
    await model.unload();
  }
}

function identityModel(dtype: DType): string {
  return writeModel(`identity-${dtype}.onnx`, {
    nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
    inputs: [{ name: 'x', elem: ELEM[dtype], dims: ['N', 2] }],
    outputs: [{ name: 'y', elem: ELEM[dtype], dims: ['N', 2] }],
  });
}

const SAMPLES: { [D in DType]: Tensor<D>['data'] } = {
  float32: new Float32Array([1.5, -2, Number.NaN, 3e38]),
  float64: new Float64Array([1e-300, -0.1, Math.PI, Number.POSITIVE_INFINITY]),
  float16: new Uint16Array([0x3c00, 0xc000, 0x7e00, 0x0001]),
  int8: new Int8Array([-128, 127, 0, -1]),
  int16: new Int16Array([-32768, 32767, 1, -1]),
  int32: new Int32Array([-(2 ** 31), 2 ** 31 - 1, 7, -7]),
  int64: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, -1n]),
  uint8: new Uint8Array([0, 255, 1, 128]),
  uint16: new Uint16Array([0, 65535, 1, 32768]),
  uint32: new Uint32Array([0, 2 ** 32 - 1, 1, 2 ** 31]),
  uint64: new BigUint64Array([0n, 2n ** 64n - 1n, 2n ** 53n + 1n, 1n]),
  bool: new Uint8Array([1, 0, 0, 1]),
  string: ['a', '', 'ünï', 'long '.repeat(20)],
};

for (const dtype of Object.keys(SAMPLES) as DType[]) {
  test(`${dtype} tensors pass through an Identity model unchanged`, async () => {
    await withModel(identityModel(dtype), async (m) => {
      assert.deepEqual(m.signature.inputs[0], { name: 'x', dtype, shape: [-1, 2], ...(dtype === 'float32' ? { accepts: ['float64'] } : dtype === 'float64' ? { accepts: ['float32'] } : {}) });
      const x = { dtype, shape: [2, 2], data: SAMPLES[dtype] } as Tensor;
      const { y } = await m.run({ x });
      assert.equal(y?.dtype, dtype);
      assert.deepEqual(y?.shape, [2, 2]);
      assert.deepEqual([...(y?.data ?? [])], [...x.data]);
      assert.equal(y?.data.constructor, x.data.constructor);
    });
  });
}

test('bool inputs and outputs keep 0/1 bytes through a computing op', async () => {
  const path = writeModel('not.onnx', {
    nodes: [{ op: 'Not', inputs: ['x'], outputs: ['y'] }],
    inputs: [{ name: 'x', elem: ELEM.bool, dims: [''] }],
    outputs: [{ name: 'y', elem: ELEM.bool, dims: [''] }],
  });
  await withModel(path, async (m) => {
    const { y } = await m.run({ x: { dtype: 'bool', shape: [3], data: new Uint8Array([1, 0, 1]) } });
    assert.equal(y?.dtype, 'bool');
    assert.deepEqual([...(y?.data as Uint8Array)], [0, 1, 0]);
  });
});

test('float64 features are accepted by a float32 model and give the float32 result', async () => {
  await withModel(fixture('onnx-tract-ml/xgboost_classifier_tree/model.onnx'), async (m) => {
    const values = Array.from({ length: 26 }, (_, i) => (i * 37) % 19 + 0.25);
    const asFloat32 = await m.run({ input: { dtype: 'float32', shape: [2, 13], data: Float32Array.from(values) } });
    const asFloat64 = await m.run({ input: { dtype: 'float64', shape: [2, 13], data: Float64Array.from(values) } });
    assert.deepEqual([...asFloat64.probabilities!.data], [...asFloat32.probabilities!.data]);
  });
});

test('row slices that share a larger buffer are read from their own offset', async () => {
  await withModel(fixture('onnx-tract-ml/xgboost_classifier_tree/model.onnx'), async (m) => {
    const all: Tensor<'float32'> = { dtype: 'float32', shape: [3, 13], data: Float32Array.from({ length: 39 }, (_, i) => (i * 13) % 17) };
    const whole = await m.run({ input: all });
    const last = await m.run({ input: sliceRows(all, 2, 3) });
    assert.deepEqual([...last.probabilities!.data], [...(whole.probabilities!.data as Float32Array).subarray(6, 9)]);
  });
});

test('an empty batch returns empty outputs', async () => {
  await withModel(fixture('onnx-tract-ml/xgboost_regressor_tree/model.onnx'), async (m) => {
    const { variable } = await m.run({ input: { dtype: 'float32', shape: [0, 13], data: new Float32Array(0) } });
    assert.deepEqual(variable?.shape, [0, 1]);
  });
});
