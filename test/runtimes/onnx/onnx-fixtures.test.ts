import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnxRuntime } from '../../../src/runtimes/onnx/index.ts';
import { decodeTensorProto } from '../../../src/runtimes/onnx/tensor-proto.ts';
import type { LoadedModel } from '../../../src/core/model/index.ts';
import type { Tensor, TensorMap } from '../../../src/core/tensor.ts';
import { fixture } from '../../helpers/fixtures.ts';
import {
  assertTensorClose, FLOAT32_TOLERANCE, readJson, tensorFromJson, tensorsFromJson, type JsonTensor,
} from './tensor-assert.ts';

// Every ONNX fixture with reference outputs runs through onnxRuntime.load + run.

function subdirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

async function withModel(path: string, body: (model: LoadedModel) => Promise<void>): Promise<void> {
  const model = await onnxRuntime.load({ path });
  try {
    await body(model);
  } finally {
    await model.unload();
  }
}

/** Reads `input_k.pb` / `output_k.pb` with the runtime's TensorProto decoder; unnamed tensors take the k-th name. */
function readPbTensors(dir: string, prefix: 'input' | 'output', names: readonly string[]): TensorMap {
  const out: TensorMap = {};
  for (let k = 0; existsSync(join(dir, `${prefix}_${k}.pb`)); k++) {
    const { name, tensor } = decodeTensorProto(readFileSync(join(dir, `${prefix}_${k}.pb`)));
    const key = name || names[k];
    assert.ok(key, `${dir}/${prefix}_${k}.pb has no name and no matching model ${prefix}`);
    out[key] = tensor;
  }
  return out;
}

/** Runs every test_data_set_* of an ONNX test folder, checking the .pb decodings against io.json too. */
async function runTestDataSets(modelDir: string, modelFile = 'model.onnx'): Promise<number> {
  let sets = 0;
  await withModel(join(modelDir, modelFile), async (model) => {
    const inputNames = model.signature.inputs.map((s) => s.name);
    const outputNames = model.signature.outputs.map((s) => s.name);
    for (const set of subdirs(modelDir).filter((d) => d.startsWith('test_data_set_'))) {
      const dir = join(modelDir, set);
      const io = readJson<{ inputs: Record<string, JsonTensor>; outputs: Record<string, JsonTensor> }>(join(dir, 'io.json'));
      const inputs = readPbTensors(dir, 'input', inputNames);
      const expected = readPbTensors(dir, 'output', outputNames);
      for (const [name, t] of Object.entries(tensorsFromJson(io.inputs))) assertTensorClose(`${set} input ${name} (.pb vs io.json)`, inputs[name], t, { rtol: 0, atol: 0 });
      for (const [name, t] of Object.entries(tensorsFromJson(io.outputs))) assertTensorClose(`${set} output ${name} (.pb vs io.json)`, expected[name], t, { rtol: 0, atol: 0 });
      const actual = await model.run(inputs);
      assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${set}: output names`);
      for (const [name, t] of Object.entries(expected)) assertTensorClose(`${set} ${name}`, actual[name], t, FLOAT32_TOLERANCE);
      sets++;
    }
  });
  return sets;
}

const BACKEND = fixture('onnx-backend-node-tests');
const backendCases = [
  ...subdirs(BACKEND).filter((d) => d.startsWith('test_')),
  ...subdirs(join(BACKEND, 'pytorch-converted')).map((d) => join('pytorch-converted', d)),
];

test('the backend node-test fixtures are all found', () => {
  assert.equal(backendCases.length, 16);
});

for (const name of backendCases) {
  test(`backend node test ${name} matches its reference outputs`, async () => {
    const sets = await runTestDataSets(join(BACKEND, name));
    assert.ok(sets >= 1, `${name} has no test_data_set_*`);
  });
}

test('mnist-8 CNN reproduces all three model-zoo test sets', async () => {
  const sets = await runTestDataSets(fixture('onnx-mnist8-onnx2c'));
  assert.equal(sets, 3);
});

const TRACT = fixture('onnx-tract-ml');

for (const name of subdirs(TRACT)) {
  const dir = join(TRACT, name);
  if (!existsSync(join(dir, 'io.json'))) continue;
  test(`tract-ml ${name} reproduces the original library's predictions`, async () => {
    const io = readJson<Record<string, JsonTensor>>(join(dir, 'io.json'));
    await withModel(join(dir, 'model.onnx'), async (model) => {
      const inputNames = new Set(model.signature.inputs.map((s) => s.name));
      const inputs: TensorMap = {};
      const expected: Record<string, Tensor> = {};
      for (const [key, t] of Object.entries(io)) (inputNames.has(key) ? inputs : expected)[key] = tensorFromJson(t);
      assert.ok(Object.keys(expected).length > 0, 'io.json holds at least one reference output');
      const actual = await model.run(inputs, { outputs: Object.keys(expected) });
      // The references come from XGBoost/LightGBM themselves (float64, [N]); the model computes float32 [N, 1].
      for (const [key, t] of Object.entries(expected)) assertTensorClose(`${name} ${key}`, actual[key], t, FLOAT32_TOLERANCE, false);
    });
  });
}

test('tract-ml models without io.json load and run on a sample', async () => {
  const rows = 3;
  const sample = (width: number): TensorMap => ({
    input: { dtype: 'float32', shape: [rows, width], data: Float32Array.from({ length: rows * width }, (_, i) => ((i * 7) % 11) / 3 - 1) },
  });
  await withModel(join(TRACT, 'linear_classifier', 'model.onnx'), async (model) => {
    const out = await model.run(sample(12));
    const probs = out.probabilities!;
    assert.deepEqual(probs.shape, [rows, 14]);
    for (let r = 0; r < rows; r++) {
      const row = [...(probs.data as Float32Array).subarray(r * 14, (r + 1) * 14)];
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5, `row ${r} probabilities sum to 1`);
      assert.equal(Number(out.label!.data[r]), row.indexOf(Math.max(...row)), `row ${r} label is the most probable class`);
    }
  });
  await withModel(join(TRACT, 'linear_regressor', 'model.onnx'), async (model) => {
    const out = await model.run(sample(21));
    assert.deepEqual(out.variable!.shape, [rows, 1]);
    const values = [...(out.variable!.data as Float32Array)];
    assert.ok(values.every(Number.isFinite));
    assert.equal(new Set(values).size, rows, 'different rows give different predictions');
  });
});

test('sklearn random forest with ZipMap: labels and probabilities match skl2onnx/onnxruntime', async () => {
  const expected = readJson<{
    inputs: { X: JsonTensor };
    outputs: { output_label: JsonTensor; output_probability: { data: Record<string, number>[] } };
  }>(fixture('onnx-sklearn-rf-zipmap/expected.json'));
  await withModel(fixture('onnx-sklearn-rf-zipmap/sklearn_randomforest.onnx'), async (model) => {
    const out = await model.run({ X: tensorFromJson(expected.inputs.X) });
    assertTensorClose('output_label', out.output_label, tensorFromJson(expected.outputs.output_label), FLOAT32_TOLERANCE);
    const rows = expected.outputs.output_probability.data;
    const probs: JsonTensor = { dtype: 'float32', dims: [rows.length, 3], data: rows.flatMap((r) => [r['0']!, r['1']!, r['2']!]) };
    assertTensorClose('output_probability', out.output_probability, tensorFromJson(probs), FLOAT32_TOLERANCE);
  });
});

test('with strip_zipmap off the ZipMap output is left out and only the label is computed', async () => {
  const model = await onnxRuntime.load({ path: fixture('onnx-sklearn-rf-zipmap/sklearn_randomforest.onnx') }, { strip_zipmap: false });
  try {
    assert.deepEqual(model.signature.outputs.map((o) => o.name), ['output_label']);
    const X = { dtype: 'float32' as const, shape: [1, 4], data: new Float32Array([5.9, 3, 5.1, 1.8]) };
    const out = await model.run({ X });
    assert.deepEqual(Object.keys(out), ['output_label']);
    assert.equal(out.output_label!.data[0], 2n);
    await assert.rejects(model.run({ X }, { outputs: ['output_probability'] }), (e: unknown) => {
      assert.equal((e as { code?: string }).code, 'INPUT_OUTPUT_UNKNOWN');
      assert.match((e as Error).message, /output_probability.*not a tensor/);
      return true;
    });
  } finally {
    await model.unload();
  }
});
