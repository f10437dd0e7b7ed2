import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadText, modelText, runRows, stump, type ModelSpec } from './model-files.ts';

const LEFT = -0.7;
const RIGHT = 1.3;
const ROWS = [[0], [1]];

async function predict(spec: Partial<ModelSpec> & { objective: string }): Promise<{ prediction: number[]; margin: number[]; task: string; numClasses?: number }> {
  const model = await loadText(`${spec.objective.split(' ')[0]}.txt`, modelText({ numFeatures: 1, trees: [stump(0, '0.5', 2, LEFT, RIGHT)], ...spec }));
  const out = await runRows(model, ROWS);
  const { task, numClasses } = model.description;
  return { prediction: [...(out.prediction!.data as Float64Array)], margin: [...(out.margin!.data as Float64Array)], task, ...(numClasses ? { numClasses } : {}) };
}

const sigmoid = (x: number, scale = 1) => 1 / (1 + Math.exp(-scale * x));

test('binary applies the sigmoid with the file\'s sigmoid parameter', async () => {
  const r = await predict({ objective: 'binary sigmoid:2' });
  assert.deepEqual(r.margin, [LEFT, RIGHT]);
  assert.deepEqual(r.prediction, [sigmoid(LEFT, 2), sigmoid(RIGHT, 2)]);
  assert.equal(r.task, 'binary');
  assert.equal(r.numClasses, 2);
});

test('identity objectives return the raw score', async () => {
  for (const objective of ['regression', 'regression_l1', 'huber', 'fair', 'quantile', 'mape', 'lambdarank', 'rank_xendcg', 'custom']) {
    const r = await predict({ objective });
    assert.deepEqual(r.prediction, [LEFT, RIGHT], objective);
    assert.equal(r.task, ['lambdarank', 'rank_xendcg', 'custom'].includes(objective) ? 'other' : 'regression', objective);
  }
});

test('regression with reg_sqrt squares the score back, keeping its sign', async () => {
  const r = await predict({ objective: 'regression sqrt' });
  assert.deepEqual(r.prediction, [-(LEFT * LEFT), RIGHT * RIGHT]);
});

test('poisson, gamma and tweedie use the log link', async () => {
  for (const objective of ['poisson', 'gamma', 'tweedie']) {
    const r = await predict({ objective });
    assert.deepEqual(r.prediction, [Math.exp(LEFT), Math.exp(RIGHT)], objective);
  }
});

test('cross_entropy gives a probability and cross_entropy_lambda gives log(1 + exp(score))', async () => {
  assert.deepEqual((await predict({ objective: 'cross_entropy' })).prediction, [sigmoid(LEFT), sigmoid(RIGHT)]);
  assert.deepEqual((await predict({ objective: 'cross_entropy_lambda' })).prediction, [Math.log1p(Math.exp(LEFT)), Math.log1p(Math.exp(RIGHT))]);
});

function classTrees(values: number[][]): ModelSpec['trees'] {
  return values.map(([l, r]) => stump(0, '0.5', 2, l!, r!));
}

test('multiclass applies a softmax that survives large scores', async () => {
  const r = await predict({ objective: 'multiclass num_class:3', numClass: 3, trees: classTrees([[1000, 0], [1001, 800], [999, -5]]) });
  const e = [Math.exp(-1), 1, Math.exp(-2)];
  const sum = e[0]! + e[1]! + e[2]!;
  assert.deepEqual(r.margin, [1000, 1001, 999, 0, 800, -5]);
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(r.prediction[c]! - e[c]! / sum) < 1e-15);
  // exp(800) overflows: only subtracting the row maximum keeps this finite.
  assert.deepEqual(r.prediction.slice(3), [0, 1, 0]);
  assert.equal(r.task, 'multiclass');
  assert.equal(r.numClasses, 3);
});

test('multiclassova applies an independent sigmoid per class', async () => {
  const r = await predict({ objective: 'multiclassova num_class:2 sigmoid:1.5', numClass: 2, trees: classTrees([[LEFT, RIGHT], [RIGHT, LEFT]]) });
  assert.deepEqual(r.prediction, [sigmoid(LEFT, 1.5), sigmoid(RIGHT, 1.5), sigmoid(RIGHT, 1.5), sigmoid(LEFT, 1.5)]);
});

test('a v2 random forest averages leaf values and applies no sigmoid; margin stays the raw sum', async () => {
  const trees = classTrees([[0.2, 0.6], [0.4, 0.8]]);
  const r = await predict({ version: 'v2', objective: 'binary sigmoid:1', extraHeader: ['average_output'], trees });
  assert.deepEqual(r.margin, [0.2 + 0.4, 0.6 + 0.8]);
  assert.deepEqual(r.prediction, [(0.2 + 0.4) / 2, (0.6 + 0.8) / 2]);
});

test('a v3/v4 random forest averages, then applies the objective', async () => {
  const trees = classTrees([[0.2, 0.6], [0.4, 0.8]]);
  for (const version of ['v3', 'v4']) {
    const r = await predict({ version, objective: 'binary sigmoid:1', extraHeader: ['average_output'], trees });
    assert.deepEqual(r.prediction, [sigmoid((0.2 + 0.4) / 2), sigmoid((0.6 + 0.8) / 2)], version);
  }
});

test('a v4 multiclass random forest averages per class, then applies the softmax', async () => {
  const trees = classTrees([[1, 0], [2, 0], [3, 0], [3, 0], [4, 0], [5, 0]]);
  const r = await predict({ objective: 'multiclass num_class:3', numClass: 3, extraHeader: ['average_output'], trees });
  assert.deepEqual(r.margin.slice(0, 3), [4, 6, 8]);
  const e = [Math.exp(2 - 4), Math.exp(3 - 4), 1];
  const sum = e[0]! + e[1]! + e[2]!;
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(r.prediction[c]! - e[c]! / sum) < 1e-15, `class ${c}`);
});
