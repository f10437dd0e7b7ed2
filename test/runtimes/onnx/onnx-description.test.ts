import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { onnxRuntime } from '../../../src/runtimes/onnx/index.ts';
import { TetraError } from '../../../src/core/errors/index.ts';
import type { ModelDescription } from '../../../src/core/model/index.ts';
import { fixture } from '../../helpers/fixtures.ts';
import { attrFloats, attrInts, attrString, attrStrings, ELEM, writeModel, type Attribute } from './model-builder.ts';

async function describe(path: string): Promise<ModelDescription> {
  const model = await onnxRuntime.load({ path });
  await model.unload();
  return model.description;
}

const featureNames = (d: ModelDescription): string[] | undefined => d.features?.map((f) => f.name);

test('sklearn random forest (ZipMap stripped): multiclass with labels, probabilities and a feature input', async () => {
  const d = await describe(fixture('onnx-sklearn-rf-zipmap/sklearn_randomforest.onnx'));
  assert.equal(d.format, 'onnx');
  assert.equal(d.task, 'multiclass');
  assert.equal(d.objective, 'TreeEnsembleClassifier');
  assert.equal(d.numClasses, 3);
  assert.deepEqual(d.classes, [0, 1, 2]);
  assert.equal(d.scoreOutput, 'output_probability');
  assert.equal(d.labelOutput, 'output_label');
  assert.equal(d.featureInput, 'X');
  assert.deepEqual(featureNames(d), ['f0', 'f1', 'f2', 'f3']);
  assert.ok(d.features?.every((f) => f.kind === 'number'));
  assert.equal(d.featureNamesFromFile, false);
});

test('with the ZipMap kept, the classifier has no score output', async () => {
  const model = await onnxRuntime.load({ path: fixture('onnx-sklearn-rf-zipmap/sklearn_randomforest.onnx') }, { strip_zipmap: false });
  await model.unload();
  assert.equal(model.description.task, 'multiclass');
  assert.equal(model.description.scoreOutput, undefined);
  assert.equal(model.description.labelOutput, 'output_label');
});

test('tract-ml models: classifier and regressor operators, and a plain-op classifier', async () => {
  const xgbc = await describe(fixture('onnx-tract-ml/xgboost_classifier_tree/model.onnx'));
  assert.deepEqual([xgbc.task, xgbc.numClasses, xgbc.scoreOutput, xgbc.labelOutput], ['multiclass', 3, 'probabilities', 'label']);
  assert.equal(featureNames(xgbc)?.length, 13);

  const xgbr = await describe(fixture('onnx-tract-ml/xgboost_regressor_tree/model.onnx'));
  assert.deepEqual([xgbr.task, xgbr.objective, xgbr.scoreOutput, xgbr.numClasses], ['regression', 'TreeEnsembleRegressor', 'variable', undefined]);

  const linr = await describe(fixture('onnx-tract-ml/linear_regressor/model.onnx'));
  assert.deepEqual([linr.task, linr.objective, linr.featureInput, linr.features?.length], ['regression', 'LinearRegressor', 'input', 21]);

  const linc = await describe(fixture('onnx-tract-ml/linear_classifier/model.onnx'));
  assert.deepEqual([linc.task, linc.numClasses, linc.classes?.length, linc.scoreOutput], ['multiclass', 14, 14, 'probabilities']);

  // Trees compiled to tensor ops without a probabilities output: the file does not say; the one float output is offered as the score.
  const lgbr = await describe(fixture('onnx-tract-ml/lgbm_regressor_tensor/model.onnx'));
  assert.deepEqual([lgbr.task, lgbr.scoreOutput, lgbr.featureInput], ['other', 'output', 'input']);

  // Trees compiled to tensor ops: only the output named "probabilities" [N, 3] says it classifies.
  const lgbc = await describe(fixture('onnx-tract-ml/lgbm_classifier_tensor/model.onnx'));
  assert.deepEqual([lgbc.task, lgbc.numClasses, lgbc.classes, lgbc.scoreOutput, lgbc.labelOutput], ['multiclass', 3, undefined, 'probabilities', 'output']);
});

test('non-tabular models are "other" without a feature input', async () => {
  const mnist = await describe(fixture('onnx-mnist8-onnx2c/model.onnx'));
  assert.deepEqual([mnist.task, mnist.featureInput, mnist.scoreOutput], ['other', undefined, 'Plus214_Output_0']);
  const encoder = await describe(fixture('onnx-backend-node-tests/test_ai_onnx_ml_label_encoder_string_int/model.onnx'));
  assert.deepEqual([encoder.task, encoder.featureInput, encoder.scoreOutput], ['other', undefined, undefined]);
  const matmul = await describe(fixture('onnx-backend-node-tests/test_matmul_2d/model.onnx'));
  assert.deepEqual([matmul.task, matmul.featureInput], ['other', undefined]);
});

function binaryClassifier(name: string, labels: Attribute, labelElem: number, metadata?: Record<string, string>): string {
  return writeModel(name, {
    opsets: [['', 13], ['ai.onnx.ml', 1]],
    nodes: [{
      op: 'LinearClassifier',
      domain: 'ai.onnx.ml',
      inputs: ['X'],
      outputs: ['label', 'probabilities'],
      attributes: [attrFloats('coefficients', [1, -1, -1, 1]), attrFloats('intercepts', [0, 0]), labels, attrString('post_transform', 'SOFTMAX')],
    }],
    inputs: [{ name: 'X', elem: ELEM.float32, dims: ['N', 2] }],
    outputs: [{ name: 'label', elem: labelElem, dims: ['N'] }, { name: 'probabilities', elem: ELEM.float32, dims: ['N', 2] }],
    ...(metadata ? { metadata } : {}),
  });
}

test('a binary classifier with [N, 2] probabilities: numClasses 2, scoreOutput on the probabilities, names from metadata', async () => {
  const path = binaryClassifier('binary.onnx', attrInts('classlabels_ints', [0, 1]), ELEM.int64, { 'tetra.features': '["amount","age"]' });
  const model = await onnxRuntime.load({ path });
  try {
    const d = model.description;
    assert.deepEqual([d.task, d.numClasses, d.scoreOutput, d.labelOutput], ['binary', 2, 'probabilities', 'label']);
    assert.deepEqual(d.classes, [0, 1]);
    assert.deepEqual(featureNames(d), ['amount', 'age']);
    assert.equal(d.featureNamesFromFile, true);
    assert.deepEqual(model.signature.outputs.find((o) => o.name === 'probabilities')?.shape, [-1, 2]);
    const out = await model.run({ X: { dtype: 'float32', shape: [2, 2], data: new Float32Array([2, 0, 0, 2]) } });
    const p = out.probabilities!.data as Float32Array;
    const expected = 1 / (1 + Math.exp(-4));
    assert.ok(Math.abs(p[0]! - expected) < 1e-6 && Math.abs(p[3]! - expected) < 1e-6, `softmax scores ${[...p]}`);
    assert.deepEqual([...out.label!.data], [0n, 1n]);
  } finally {
    await model.unload();
  }
});

test('string class labels come back as strings in both the description and the label output', async () => {
  const path = binaryClassifier('binary-strings.onnx', attrStrings('classlabels_strings', ['no', 'yes']), ELEM.string);
  const model = await onnxRuntime.load({ path });
  try {
    assert.deepEqual(model.description.classes, ['no', 'yes']);
    assert.deepEqual(featureNames(model.description), ['f0', 'f1']);
    const out = await model.run({ X: { dtype: 'float32', shape: [2, 2], data: new Float32Array([0, 1, 1, 0]) } });
    assert.equal(out.label!.dtype, 'string');
    assert.deepEqual(out.label!.data, ['yes', 'no']);
  } finally {
    await model.unload();
  }
});

test('feature-name metadata that does not fit the input is rejected naming the key', async () => {
  for (const [i, value] of ['["a"]', 'not json', '["a", 2]', '["a","a"]'].entries()) {
    const path = binaryClassifier(`bad-names-${i}.onnx`, attrInts('classlabels_ints', [0, 1]), ELEM.int64, { 'tetra.features': value });
    await assert.rejects(onnxRuntime.load({ path }), (e: unknown) => TetraError.is(e) && e.code === 'MODEL_UNSUPPORTED' && e.message.includes('tetra.features'));
  }
});

test('a ZipMap in a model that imports only ai.onnx.ml is replaced by its probability tensor', async () => {
  const path = writeModel('zipmap-ml-only.onnx', {
    irVersion: 7,
    opsets: [['ai.onnx.ml', 1]],
    nodes: [
      {
        op: 'LinearClassifier',
        domain: 'ai.onnx.ml',
        inputs: ['X'],
        outputs: ['label', 'scores'],
        attributes: [attrFloats('coefficients', [1, 0, 0, 1, 1, 1]), attrFloats('intercepts', [0, 0, -10]), attrInts('classlabels_ints', [4, 5, 6])],
      },
      { op: 'ZipMap', domain: 'ai.onnx.ml', inputs: ['scores'], outputs: ['output_probability'], attributes: [attrInts('classlabels_int64s', [4, 5, 6])] },
    ],
    inputs: [{ name: 'X', elem: ELEM.float32, dims: ['', 2] }],
    outputs: [{ name: 'label', elem: ELEM.int64, dims: [''] }, { name: 'output_probability', elem: 0, dims: [], sequenceOfMaps: true }],
  });
  const model = await onnxRuntime.load({ path });
  try {
    assert.deepEqual(model.signature.outputs.map((o) => [o.name, o.dtype, o.shape]), [['label', 'int64', [-1]], ['output_probability', 'float32', [-1, 3]]]);
    assert.deepEqual([model.description.task, model.description.scoreOutput, model.description.classes], ['multiclass', 'output_probability', [4, 5, 6]]);
    const out = await model.run({ X: { dtype: 'float32', shape: [1, 2], data: new Float32Array([3, 2]) } });
    assert.deepEqual([...out.output_probability!.data], [3, 2, -5]);
    assert.deepEqual([...out.label!.data], [4n]);
  } finally {
    await model.unload();
  }
});

test('recognizes .onnx files by name and ModelProto heads without the extension', () => {
  const head = readFileSync(fixture('onnx-tract-ml/xgboost_classifier_tree/model.onnx')).subarray(0, 16);
  assert.equal(onnxRuntime.recognizes('model.onnx', new Uint8Array(0)), true);
  assert.equal(onnxRuntime.recognizes('MODEL.ONNX', new Uint8Array(0)), true);
  assert.equal(onnxRuntime.recognizes('model.bin', head), true);
  assert.equal(onnxRuntime.recognizes('model.json', new TextEncoder().encode('{"learner":{}}')), false);
  assert.equal(onnxRuntime.recognizes('model.txt', new TextEncoder().encode('tree\nversion=v4\n')), false);
  assert.equal(onnxRuntime.recognizes('model.ubj', Uint8Array.of(0x7b, 0x4c, 0x00)), false);
  assert.equal(onnxRuntime.recognizes('model.bin', Uint8Array.of(0x08, 0x07, 0x99)), false);
});
