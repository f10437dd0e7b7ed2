import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TetraError } from '../../../src/core/errors/index.ts';
import { lightgbmRuntime } from '../../../src/runtimes/lightgbm/index.ts';
import { fixture } from '../../helpers/fixtures.ts';
import { loadCases, loadRows } from '../../helpers/tree-cases.ts';
import { loadText, modelText, runRows, stump } from './model-files.ts';


function head(path: string): Uint8Array {
  return readFileSync(path).subarray(0, 256);
}

test('recognizes LightGBM text models by extension and header', () => {
  const model = fixture('lgb-boosters-egordm/binary_classification/model.txt');
  assert.equal(lightgbmRuntime.recognizes('model.txt', head(model)), true);
  assert.equal(lightgbmRuntime.recognizes('lg_rf_iris.model', head(fixture('lgb-leaves/lg_rf_iris.model'))), true);
  assert.equal(lightgbmRuntime.recognizes('model.json', head(model)), false);
  assert.equal(lightgbmRuntime.recognizes('model.txt', head(fixture('lgb-boosters-egordm/binary_classification/model.json'))), false);
  assert.equal(lightgbmRuntime.recognizes('notes.txt', new TextEncoder().encode('tree\nlooks like a tree but has no header\n')), false);
});

test('describes a binary model: task, objective, features and outputs', async () => {
  const model = await lightgbmRuntime.load({ path: fixture('lgb-boosters-egordm/binary_classification/model.txt') });
  const d = model.description;
  assert.equal(d.format, 'lightgbm');
  assert.equal(d.task, 'binary');
  assert.equal(d.objective, 'binary');
  assert.equal(d.numClasses, 2);
  assert.equal(d.featureInput, 'features');
  assert.equal(d.scoreOutput, 'prediction');
  assert.equal(d.featureNamesFromFile, true);
  assert.deepEqual(d.features, Array.from({ length: 10 }, (_, i) => ({ name: `Column_${i}`, kind: 'number' })));
  assert.deepEqual(model.signature.inputs, [{ name: 'features', dtype: 'float64', shape: [-1, 10], accepts: ['float32'] }]);
  assert.deepEqual(model.signature.outputs.map((o) => [o.name, o.dtype, o.shape]), [
    ['prediction', 'float64', [-1]], ['margin', 'float64', [-1]], ['leaf_index', 'int32', [-1, 10]],
  ]);
});

test('describes a multiclass model with [N, K] score outputs', async () => {
  const model = await lightgbmRuntime.load({ path: fixture('lgb-boosters-egordm/multiclass/model.txt') });
  assert.equal(model.description.task, 'multiclass');
  assert.equal(model.description.numClasses, 3);
  assert.deepEqual(model.signature.outputs.map((o) => o.shape), [[-1, 3], [-1, 3], [-1, 30]]);
});

test('feature_infos category lists make categorical features; ranges and unused features are numbers', async () => {
  const poisson = await lightgbmRuntime.load({ path: fixture('lgb-leaves/genlin_fmtp_poisson_Frequency.model') });
  assert.equal(poisson.description.objective, 'poisson');
  assert.equal(poisson.description.task, 'regression');
  assert.deepEqual(poisson.description.features!.map((f) => `${f.name}:${f.kind}`), [
    'VehBrand:category', 'VehPower:category', 'VehGas:category', 'Region:category', 'Area:category',
    'VehAge:number', 'DrivAge:number', 'BonusMalus:number', 'Density:number',
  ]);
  const kdd = await lightgbmRuntime.load({ path: fixture('lgb-leaves/lg_kddcup99.model') });
  assert.deepEqual(kdd.description.features!.slice(0, 8).map((f) => f.kind), ['number', 'category', 'category', 'category', 'number', 'number', 'number', 'number']);
});

test('pandas_categorical level names are attached to the categorical features in order', async () => {
  const base = { numFeatures: 3, featureInfos: '-1:0:1:2 [0:1] 0:1', trees: [stump(1, '0.5', 2, 1, 2)] };
  const named = await loadText('pandas.txt', modelText({ ...base, trailer: ['pandas_categorical:[["a", "b", "c"], [true, 1.5]]'] }));
  assert.deepEqual(named.description.features, [
    { name: 'x0', kind: 'category', levels: ['a', 'b', 'c'] },
    { name: 'x1', kind: 'number' },
    { name: 'x2', kind: 'category', levels: ['true', '1.5'] },
  ]);
  const mismatched = await loadText('pandas-short.txt', modelText({ ...base, trailer: ['pandas_categorical:[["a", "b", "c"]]'] }));
  assert.equal(mismatched.description.features![0]!.levels, undefined);
  await assert.rejects(loadText('pandas-bad.txt', modelText({ ...base, trailer: ['pandas_categorical:[["a", "b"'] })), (e: unknown) => TetraError.is(e) && e.code === 'MODEL_FILE_CORRUPT' && e.message.includes('pandas_categorical'));
});

test('leaf_index is computed only when asked for', async () => {
  const model = await lightgbmRuntime.load({ path: fixture('lgb-boosters-egordm/regression/model.txt') });
  const out = await runRows(model, [new Array<number>(10).fill(0)]);
  assert.deepEqual(Object.keys(out).sort(), ['margin', 'prediction']);
  const leaves = await runRows(model, [new Array<number>(10).fill(0)], ['leaf_index']);
  assert.deepEqual(Object.keys(leaves), ['leaf_index']);
  assert.deepEqual(leaves.leaf_index!.shape, [1, 10]);
});

test('float32 input is widened and gives the same result as the same values in float64', async () => {
  const c = loadCases('lightgbm').find((x) => x.id === 'egordm/binary_classification')!;
  const model = await lightgbmRuntime.load({ path: fixture(c.model) });
  const rows = loadRows(c, 10);
  const f32 = new Float32Array(rows.flat());
  const a = await model.run({ features: { dtype: 'float32', shape: [rows.length, 10], data: f32 } });
  const b = await model.run({ features: { dtype: 'float64', shape: [rows.length, 10], data: Float64Array.from(f32) } });
  assert.deepEqual(a.prediction!.data, b.prediction!.data);
  assert.equal(a.prediction!.dtype, 'float64');
});

test('start_iteration and num_iteration select whole iterations, clamped like LightGBM', async () => {
  const path = fixture('lgb-leaves/lgmulticlass.model');
  const c = loadCases('lightgbm').find((x) => x.id === 'leaves/lgmulticlass/raw')!;
  const rows = loadRows(c, 28).slice(0, 40);
  const all = await runRows(await lightgbmRuntime.load({ path }), rows, ['margin', 'leaf_index']);
  const middle = await lightgbmRuntime.load({ path }, { start_iteration: 3, num_iteration: 4 });
  assert.deepEqual(middle.signature.outputs[2]!.shape, [-1, 20]);
  const mid = await runRows(middle, rows, ['leaf_index']);
  const fullLeaves = all.leaf_index!.data as Int32Array;
  const expected = rows.flatMap((_, r) => [...fullLeaves.subarray(r * 50 + 15, r * 50 + 35)]);
  assert.deepEqual([...(mid.leaf_index!.data as Int32Array)], expected);

  const head3 = await runRows(await lightgbmRuntime.load({ path }, { num_iteration: 3 }), rows, ['margin']);
  const tail = await runRows(await lightgbmRuntime.load({ path }, { start_iteration: 3 }), rows, ['margin']);
  const sum = (head3.margin!.data as Float64Array).map((v, i) => v + (tail.margin!.data as Float64Array)[i]!);
  const full = all.margin!.data as Float64Array;
  sum.forEach((v, i) => assert.ok(Math.abs(v - full[i]!) <= 1e-12 * Math.max(1, Math.abs(full[i]!)), `value ${i}`));
  assert.notDeepEqual(head3.margin!.data, all.margin!.data);

  const clamped = await runRows(await lightgbmRuntime.load({ path }, { num_iteration: 1000, start_iteration: -2 }), rows, ['margin']);
  assert.deepEqual(clamped.margin!.data, all.margin!.data);
});

test('a model with a constant (single-leaf) tree loads and predicts', async () => {
  const model = await lightgbmRuntime.load({ path: fixture('lgb-treelite-categorical/lightgbm_constant_tree/model_with_constant_tree.txt') });
  assert.deepEqual(model.signature.inputs[0]!.shape, [-1, 126]);
  const out = await runRows(model, [new Array<number>(126).fill(0), new Array<number>(126).fill(1)], ['prediction', 'margin', 'leaf_index']);
  const margin = out.margin!.data as Float64Array;
  // All-zero row: every split is `x <= 1e-35` and goes left down to leaf 0 of tree 0; tree 1 adds 0.
  assert.equal(margin[0], 0.12955778170222321);
  const leaves = out.leaf_index!.data as Int32Array;
  assert.equal(leaves[1], 0);
  assert.equal(leaves[3], 0);
  const prediction = out.prediction!.data as Float64Array;
  prediction.forEach((p, i) => assert.equal(p, 1 / (1 + Math.exp(-margin[i]!))));
});

test('the objective line can be absent: raw scores are returned', async () => {
  const text = modelText({ numFeatures: 1, trees: [stump(0, '0.5', 2, 3, 4)] }).replace('objective=regression\n', '');
  const model = await loadText('no-objective.txt', text);
  const out = await runRows(model, [[0], [1]]);
  assert.deepEqual([...(out.prediction!.data as Float64Array)], [3, 4]);
  assert.equal(model.description.objective, undefined);
  assert.equal(model.description.task, 'other');
});
