import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../../src/core/index.ts';
import { xgboostRuntime } from '../../../src/runtimes/xgboost/index.ts';
import { type Json, modelDoc, type ModelSpec, stump, tree, treeModel, writeModel } from './model-docs.ts';
import { encodeUbjson } from './ubjson-writer.ts';

const LAYOUTS = ['perfect', 'compact'] as const;

/** Margins for rows of a hand-written model, under the given runtime options. */
async function margins(doc: Json, rows: number[][], options: Record<string, unknown> = {}): Promise<number[]> {
  const model = await xgboostRuntime.load({ path: writeModel(doc) }, options);
  const width = model.signature.inputs[0]?.shape[1] as number;
  const out = await model.run({ features: tensor('float64', [rows.length, width], Float64Array.from(rows.flat())) }, { outputs: ['margin'] });
  return Array.from(out.margin?.data as Float32Array);
}

test('features are compared as float32: a float64 just below the threshold that rounds onto it goes right', async () => {
  const threshold = Math.fround(0.1);
  const below = threshold - 1e-12;
  assert.ok(below < threshold && Math.fround(below) === threshold);
  const doc = modelDoc({ trees: [stump(0, threshold, -1, 1)], baseScore: '0' });
  for (const tree_layout of LAYOUTS) {
    assert.deepEqual(await margins(doc, [[below, 0, 0, 0], [Math.fround(0.0999999), 0, 0, 0]], { tree_layout }), [1, -1], tree_layout);
  }
});

test('missing values follow default_left in both layouts; infinities are ordinary values', async () => {
  const doc = modelDoc({ trees: [stump(0, 0.5, 1, 2, true), tree([{ split: { feature: 1, threshold: 0.5, left: 1, right: 2, defaultLeft: false } }, { leaf: 10 }, { leaf: 20 }])], baseScore: '0' });
  const rows = [[Number.NaN, Number.NaN, 0, 0], [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, 0], [0, 1, 0, 0]];
  for (const tree_layout of LAYOUTS) assert.deepEqual(await margins(doc, rows, { tree_layout }), [21, 12, 21], tree_layout);
});

test('categorical splits: codes in the set go right; others, negatives and missing go left or default', async () => {
  const doc = modelDoc({ trees: [stump(0, 0, 1, 2, false, [1, 3, 40])], baseScore: '0' });
  const codes = [1, 3, 40, 3.7, 0, 2, 41, -1, 1e9, Number.NaN];
  const out = await margins(doc, codes.map((c) => [c, 0, 0, 0]));
  assert.deepEqual(out, [2, 2, 2, 2, 1, 1, 1, 1, 1, 2]);
});

test('trees deeper than the perfect layout allows are evaluated by the general one', async () => {
  // A chain: node 2i splits x < i, its left child 2i+1 is the leaf i, its right child continues.
  const depth = 15;
  const nodes = [];
  for (let i = 0; i < depth; i++) {
    nodes.push({ split: { feature: 0, threshold: i, left: 2 * i + 1, right: 2 * i + 2 } }, { leaf: i });
  }
  nodes.push({ leaf: 100 });
  const doc = modelDoc({ trees: [tree(nodes)], baseScore: '0' });
  assert.deepEqual(await margins(doc, [[-5, 0, 0, 0], [3.5, 0, 0, 0], [14, 0, 0, 0], [99, 0, 0, 0]]), [0, 4, 100, 100]);
  await assert.rejects(xgboostRuntime.load({ path: writeModel(doc) }, { tree_layout: 'perfect' }), /perfect/);
});

test('DART: the 3.1 layout and the 3.4 gbtree-with-weight_drop layout both scale each tree by its weight', async () => {
  const trees = [stump(0, 0.5, 1, 2), stump(0, 0.5, 4, 8)];
  const weights = [0.5, 0.25];
  const v31 = modelDoc({ booster: { name: 'dart', gbtree: { name: 'gbtree', model: treeModel(trees, [0, 0]) }, weight_drop: weights }, baseScore: '0' });
  const v34 = modelDoc({ booster: { name: 'gbtree', model: treeModel(trees, [0, 0]), weight_drop: weights }, baseScore: '0' });
  const v34inner = modelDoc({ booster: { name: 'gbtree', model: { ...treeModel(trees, [0, 0]), weight_drop: weights } }, baseScore: '0' });
  const rows = [[0, 0, 0, 0], [1, 0, 0, 0]];
  for (const doc of [v31, v34, v34inner]) assert.deepEqual(await margins(doc, rows), [1.5, 3]);
});

test('base_score in every stored form, converted to margin by the objective', async () => {
  const zero: ModelSpec = { trees: [stump(0, 0.5, 0, 0)] };
  const row = [[0, 0, 0, 0]];
  assert.deepEqual(await margins(modelDoc({ ...zero, baseScore: '5E-1', objective: 'binary:logistic' }), row), [0]);
  assert.deepEqual(await margins(modelDoc({ ...zero, baseScore: '[2.5E-1]', objective: 'reg:squarederror' }), row), [0.25]);
  const logit = await margins(modelDoc({ ...zero, baseScore: 0.75, objective: 'reg:logistic' }), row);
  assert.ok(Math.abs((logit[0] as number) - Math.log(3)) < 1e-6, `logit(0.75) gave ${logit[0]}`);
  assert.deepEqual(await margins(modelDoc({ ...zero, baseScore: '2E0', objective: 'count:poisson' }), row), [Math.fround(Math.log(2))]);
  const perTarget = modelDoc({ trees: [stump(0, 0.5, 0, 0), stump(0, 0.5, 0, 0), stump(0, 0.5, 0, 0)], treeInfo: [0, 1, 2], numTarget: 3, baseScore: '[1E0,2E0,3E0]' });
  assert.deepEqual(await margins(perTarget, row), [1, 2, 3]);
});

test('a multi-target tree with vector leaves adds its whole leaf to every target', async () => {
  const vectorTree: Json = { ...tree([{ split: { feature: 0, threshold: 0, left: 1, right: 2 } }, {}, {}]), base_weights: [0, 0, 1, 2, 10, 20] };
  (vectorTree.tree_param as Json).size_leaf_vector = '2';
  const doc = modelDoc({ trees: [vectorTree, stump(0, 0, 100, 200)], treeInfo: [0, 1], numTarget: 2, baseScore: '0' });
  assert.deepEqual(await margins(doc, [[-1, 0, 0, 0], [1, 0, 0, 0]]), [1, 102, 10, 220]);
});

test('iteration_range picks trees through iteration_indptr; end 0 means all', async () => {
  const trees = [stump(0, 0.5, 1, 1), stump(0, 0.5, 10, 10), stump(0, 0.5, 100, 100)];
  const doc = modelDoc({ trees, baseScore: '0' });
  const row = [[0, 0, 0, 0]];
  assert.deepEqual(await margins(doc, row, { iteration_range: [1, 3] }), [110]);
  assert.deepEqual(await margins(doc, row, { iteration_range: [0, 0] }), [111]);
  assert.deepEqual(await margins(doc, row, { iteration_range: [2, 0] }), [100]);
  const best = modelDoc({ trees, baseScore: '0', attributes: { best_iteration: '1' } });
  assert.deepEqual(await margins(best, row, { use_best_iteration: true }), [11]);
});

test('description: task, objective, classes and features from feature_names/feature_types', async () => {
  const doc = modelDoc({ objective: 'binary:logistic', featureNames: ['age', 'income', 'owner', 'city'], featureTypes: ['int', 'float', 'i', 'c'] });
  const model = await xgboostRuntime.load({ path: writeModel(doc) });
  assert.deepEqual(model.description, {
    format: 'xgboost', task: 'binary', objective: 'binary:logistic', featureInput: 'features',
    features: [{ name: 'age', kind: 'integer' }, { name: 'income', kind: 'number' }, { name: 'owner', kind: 'boolean' }, { name: 'city', kind: 'category' }],
    featureNamesFromFile: true, numClasses: 2, scoreOutput: 'prediction',
  });
  assert.deepEqual(model.signature.inputs, [{ name: 'features', dtype: 'float32', shape: [-1, 4], accepts: ['float64'] }]);
  const unnamed = await xgboostRuntime.load({ path: writeModel(modelDoc({ objective: 'rank:ndcg' })) });
  assert.equal(unnamed.description.task, 'other');
  assert.equal(unnamed.description.featureNamesFromFile, false);
  assert.deepEqual(unnamed.description.features?.map((f) => f.name), ['f0', 'f1', 'f2', 'f3']);
});

test('XGBoost 3 string categories (cats.enc) become the feature levels, code = index', async () => {
  const names = ['red', 'green', 'blüe'];
  const bytes = Array.from(new TextEncoder().encode(names.join('')), (b) => (b > 127 ? b - 256 : b));
  const cats = {
    enc: [{ type: 1, values: [] }, { offsets: [0, 3, 8, 13], values: bytes }, { type: 6, values: [10, 20] }, { type: 1, values: [] }],
    feature_segments: [0, 0, 3, 5, 5],
    sorted_idx: [2, 1, 0, 0, 1],
  };
  const doc = modelDoc({ trees: [stump(1, 0, 1, 2, true, [2])], featureTypes: ['q', 'c', 'c', 'q'], cats, baseScore: '0' });
  for (const path of [writeModel(doc), writeModel(encodeUbjson({ ...doc }), '.ubj')]) {
    const model = await xgboostRuntime.load({ path });
    const levels = model.description.features?.map((f) => f.levels);
    assert.deepEqual(levels, [undefined, names, ['10', '20'], undefined]);
    const code = names.indexOf('blüe');
    const out = await model.run({ features: tensor('float32', [2, 4], Float32Array.of(0, code, 0, 0, 0, 0, 0, 0)) });
    assert.deepEqual(Array.from(out.margin?.data as Float32Array), [2, 1]);
  }
});

test('multi:softmax: prediction is the class index, probabilities on request, margins [N, K]', async () => {
  const trees = [stump(0, 0.5, 1, -1), stump(0, 0.5, 0, 2), stump(0, 0.5, -1, 0)];
  const doc = modelDoc({ trees, treeInfo: [0, 1, 2], numClass: 3, objective: 'multi:softmax', baseScore: '0' });
  const model = await xgboostRuntime.load({ path: writeModel(doc) });
  assert.equal(model.description.scoreOutput, 'probabilities');
  assert.equal(model.description.labelOutput, 'prediction');
  assert.equal(model.description.numClasses, 3);
  const features = tensor('float32', [2, 4], Float32Array.of(0, 0, 0, 0, 1, 0, 0, 0));
  const byDefault = await model.run({ features });
  assert.deepEqual(Object.keys(byDefault).sort(), ['margin', 'prediction']);
  assert.deepEqual(byDefault.margin?.shape, [2, 3]);
  assert.deepEqual(Array.from(byDefault.prediction?.data as Float32Array), [0, 1]);
  const probs = (await model.run({ features }, { outputs: ['probabilities'] })).probabilities;
  const e = Math.E;
  const expected = [e / (e + 1 + e ** -1), 1 / (e + 1 + e ** -1), e ** -1 / (e + 1 + e ** -1)];
  assert.deepEqual(probs?.shape, [2, 3]);
  (probs?.data as Float32Array).subarray(0, 3).forEach((p, i) => assert.ok(Math.abs(p - (expected[i] as number)) < 1e-6));
});

test('outputs can be narrowed, and an empty batch gives empty outputs', async () => {
  const model = await xgboostRuntime.load({ path: writeModel(modelDoc({ objective: 'binary:logistic' })) });
  const one = await model.run({ features: tensor('float32', [1, 4], new Float32Array(4)) }, { outputs: ['prediction'] });
  assert.deepEqual(Object.keys(one), ['prediction']);
  assert.ok(Math.abs((one.prediction?.data as Float32Array)[0] as number - 1 / (1 + Math.E)) < 1e-7);
  const none = await model.run({ features: tensor('float32', [0, 4], new Float32Array(0)) });
  assert.deepEqual(none.margin?.shape, [0]);
  assert.equal(none.prediction?.data.length, 0);
});

test('recognizes XGBoost JSON by its learner key and UBJSON by its opening brace', () => {
  const json = new TextEncoder().encode('{"learner":{"attributes":{}');
  assert.equal(xgboostRuntime.recognizes('m.json', json), true);
  assert.equal(xgboostRuntime.recognizes('m.json', new TextEncoder().encode('{"tree_info": []}')), false);
  assert.equal(xgboostRuntime.recognizes('m.ubj', Uint8Array.of(0x7b, 0x4c)), true);
  assert.equal(xgboostRuntime.recognizes('m.ubj', Uint8Array.of(0x5b)), false);
  assert.equal(xgboostRuntime.recognizes('m.txt', json), false);
});
