import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { onnxRuntime } from '../../../src/runtimes/onnx/index.ts';
import { TetraError, type ErrorCode } from '../../../src/core/errors/index.ts';
import type { LoadedModel, RuntimeOptions } from '../../../src/core/model/index.ts';
import type { Tensor, TensorMap } from '../../../src/core/tensor.ts';
import { fixture } from '../../helpers/fixtures.ts';
import { attrInt, ELEM, writeModel, writeTemp } from './model-builder.ts';

const XGB_CLASSIFIER = fixture('onnx-tract-ml/xgboost_classifier_tree/model.onnx');
const FEATURE_EXTRACTOR = fixture('onnx-backend-node-tests/test_ai_onnx_ml_array_feature_extractor/model.onnx');

/** Asserts a TetraError with `code` whose message contains every `mentions`. */
function isError(code: ErrorCode, ...mentions: string[]): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(TetraError.is(e), `expected a TetraError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const m of mentions) assert.ok(e.message.includes(m), `message "${e.message}" should mention "${m}"`);
    return true;
  };
}

function rows(n: number, width = 13): Tensor {
  return { dtype: 'float32', shape: [n, width], data: Float32Array.from({ length: n * width }, (_, i) => i % 7) };
}

async function withModel(path: string, body: (m: LoadedModel) => Promise<void>, options?: RuntimeOptions): Promise<void> {
  const model = await onnxRuntime.load({ path }, options);
  try {
    await body(model);
  } finally {
    await model.unload();
  }
}

test('input validation names the offending tensor', async () => {
  await withModel(XGB_CLASSIFIER, async (m) => {
    await assert.rejects(m.run({ input: { dtype: 'int32', shape: [1, 13], data: new Int32Array(13) } }), isError('INPUT_TENSOR_DTYPE', '"input"', 'int32'));
    await assert.rejects(m.run({ input: rows(2, 12) }), isError('INPUT_TENSOR_SHAPE', '"input"', '[2, 12]'));
    await assert.rejects(m.run({ input: { dtype: 'float32', shape: [13], data: new Float32Array(13) } }), isError('INPUT_TENSOR_SHAPE', '"input"'));
    await assert.rejects(m.run({ input: { dtype: 'float32', shape: [2, 13], data: new Float32Array(13) } }), isError('INPUT_TENSOR_SHAPE', '"input"', '13 values'));
    await assert.rejects(m.run({ input: rows(1), extra: rows(1) }), isError('INPUT_TENSOR_UNKNOWN', '"extra"'));
    await assert.rejects(m.run({}), isError('INPUT_TENSOR_MISSING', '"input"'));
  });
});

test('fixed-shape side inputs are checked on their own shape, not as a batch', async () => {
  await withModel(FEATURE_EXTRACTOR, async (m) => {
    const x: Tensor = { dtype: 'float32', shape: [3, 4], data: new Float32Array(12) };
    await assert.rejects(m.run({ x, y: { dtype: 'int64', shape: [3], data: new BigInt64Array(3) } }), isError('INPUT_TENSOR_SHAPE', '"y"'));
    await assert.rejects(m.run({ x }), isError('INPUT_TENSOR_MISSING', '"y"'));
  });
});

test('requested outputs: a subset is computed, an unknown name is rejected', async () => {
  await withModel(XGB_CLASSIFIER, async (m) => {
    const all = await m.run({ input: rows(2) });
    assert.deepEqual(Object.keys(all).sort(), ['label', 'probabilities']);
    const some = await m.run({ input: rows(2) }, { outputs: ['label'] });
    assert.deepEqual(Object.keys(some), ['label']);
    assert.deepEqual([...some.label!.data], [...all.label!.data]);
    await assert.rejects(m.run({ input: rows(1) }, { outputs: ['label', 'margin'] }), isError('INPUT_OUTPUT_UNKNOWN', '"margin"', 'label, probabilities'));
  });
});

test('an onnxruntime failure during run becomes MODEL_RUN_FAILED with its message and cause', async () => {
  await withModel(FEATURE_EXTRACTOR, async (m) => {
    const inputs: TensorMap = {
      x: { dtype: 'float32', shape: [3, 4], data: new Float32Array(12) },
      y: { dtype: 'int64', shape: [2], data: new BigInt64Array([0n, 9n]) },
    };
    await assert.rejects(m.run(inputs), (e: unknown) => {
      isError('MODEL_RUN_FAILED', 'index is out of range')(e);
      assert.ok((e as Error).cause instanceof Error);
      return true;
    });
    // The session survives a failed run.
    const ok = await m.run({ ...inputs, y: { dtype: 'int64', shape: [2], data: new BigInt64Array([3n, 1n]) } });
    assert.deepEqual([...ok.z!.data], [0, 0, 0, 0, 0, 0]);
  });
});

test('a cancelled signal stops the run before it starts; an unloaded model refuses to run', async () => {
  const m = await onnxRuntime.load({ path: XGB_CLASSIFIER });
  await assert.rejects(m.run({ input: rows(1) }, { signal: AbortSignal.abort() }), isError('CANCELLED'));
  await m.unload();
  await assert.rejects(m.run({ input: rows(1) }), isError('MODEL_NOT_READY', 'unloaded'));
  await m.unload();
});

const BAD_OPTIONS: readonly [string, unknown][] = [
  ['intra_op_threads', -1],
  ['intra_op_threads', 1.5],
  ['intra_op_threads', '2'],
  ['inter_op_threads', 100000],
  ['graph_optimization', 'max'],
  ['execution_mode', 'concurrent'],
  ['log_level', 3],
  ['strip_zipmap', 'yes'],
  ['intra_threads', 2],
  ['constructor', 1],
];

for (const [key, value] of BAD_OPTIONS) {
  test(`session option ${key}=${JSON.stringify(value)} is rejected as CONFIG_INVALID naming the key`, async () => {
    await assert.rejects(onnxRuntime.load({ path: XGB_CLASSIFIER }, { [key]: value }), (e: unknown) => {
      isError('CONFIG_INVALID', `"${key}"`)(e);
      assert.equal((e as TetraError).where.path, `runtime_options.${key}`);
      return true;
    });
  });
}

test('valid session options load a model that computes the same predictions', async () => {
  let reference: TensorMap = {};
  await withModel(XGB_CLASSIFIER, async (m) => { reference = await m.run({ input: rows(4) }); });
  const options = { intra_op_threads: 1, inter_op_threads: 1, graph_optimization: 'disabled', execution_mode: 'parallel', log_level: 'error' };
  await withModel(XGB_CLASSIFIER, async (m) => {
    const out = await m.run({ input: rows(4) });
    assert.deepEqual([...out.probabilities!.data], [...reference.probabilities!.data]);
  }, options);
});

test('a truncated model file is MODEL_FILE_CORRUPT naming the file', async () => {
  const bytes = readFileSync(fixture('onnx-sklearn-rf-zipmap/sklearn_randomforest.onnx'));
  for (const fraction of [0.1, 0.5, 0.9, 0.999]) {
    const path = writeTemp(`truncated-${fraction}.onnx`, bytes.subarray(0, Math.floor(bytes.length * fraction)));
    await assert.rejects(onnxRuntime.load({ path }), isError('MODEL_FILE_CORRUPT', path));
  }
});

test('empty, text and random files are MODEL_FILE_CORRUPT', async () => {
  const random = Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) % 251);
  for (const [name, content] of [['empty.onnx', ''], ['text.onnx', '{"learner": {}}'], ['random.onnx', random]] as const) {
    const path = writeTemp(name, content);
    await assert.rejects(onnxRuntime.load({ path }), isError('MODEL_FILE_CORRUPT', path));
  }
});

test('a missing file is MODEL_FILE_UNREADABLE', async () => {
  await assert.rejects(onnxRuntime.load({ path: '/nonexistent/model.onnx' }), isError('MODEL_FILE_UNREADABLE', '/nonexistent/model.onnx'));
});

test('a model with an operator onnxruntime does not have is MODEL_UNSUPPORTED with its message', async () => {
  const path = writeModel('unknown-op.onnx', {
    nodes: [{ op: 'NoSuchOp', inputs: ['X'], outputs: ['Y'] }],
    inputs: [{ name: 'X', elem: ELEM.float32, dims: [''] }],
    outputs: [{ name: 'Y', elem: ELEM.float32, dims: [''] }],
  });
  await assert.rejects(onnxRuntime.load({ path }), isError('MODEL_UNSUPPORTED', path, 'No Op registered for NoSuchOp'));
});

test('opset-6 Gemm cannot run in onnxruntime 1.30: MODEL_UNSUPPORTED naming the node', async () => {
  const path = writeModel('gemm-opset6.onnx', {
    irVersion: 3,
    opsets: [['', 6]],
    nodes: [{ op: 'Gemm', inputs: ['A', 'B', 'C'], outputs: ['Y'], attributes: [attrInt('broadcast', 1)] }],
    inputs: [
      { name: 'A', elem: ELEM.float32, dims: ['N', 2] },
      { name: 'B', elem: ELEM.float32, dims: [2, 2] },
      { name: 'C', elem: ELEM.float32, dims: [2] },
    ],
    outputs: [{ name: 'Y', elem: ELEM.float32, dims: ['N', 2] }],
  });
  await assert.rejects(onnxRuntime.load({ path }), isError('MODEL_UNSUPPORTED', 'Gemm(6)'));
});
