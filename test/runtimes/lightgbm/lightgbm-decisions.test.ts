import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadText, modelText, runRows, stump, type TreeSpec } from './model-files.ts';

// Hand-written one-split models whose leaf values tell which way a row went:
// leaf 0 (left) is 1, leaf 1 (right) is 2. Objective `regression` leaves the
// margin unchanged, so the margin is the leaf reached.

async function sides(name: string, tree: TreeSpec, values: number[]): Promise<string> {
  const model = await loadText(name, modelText({ numFeatures: 1, trees: [tree] }));
  const out = await runRows(model, values.map((v) => [v]), ['margin']);
  return [...(out.margin!.data as Float64Array)].map((v) => (v === 1 ? 'L' : v === 2 ? 'R' : `?${v}`)).join('');
}

test('missing type None: NaN is compared as 0 and default_left is ignored', async () => {
  assert.equal(await sides('none-pos.txt', stump(0, '0.5', 0, 1, 2), [Number.NaN, 0.5, 0.6, -3]), 'LLRL');
  assert.equal(await sides('none-neg.txt', stump(0, '-0.5', 2, 1, 2), [Number.NaN, 0, -0.5, -0.6]), 'RRLL');
});

test('missing type Zero: |x| <= 1e-35 and NaN take the default side', async () => {
  // decision_type 6 = Zero + default_left; threshold below zero so a plain comparison would go right.
  assert.equal(await sides('zero-left.txt', stump(0, '-0.5', 6, 1, 2), [0, Number.NaN, 1e-36, -1e-36, 1e-35, 2e-35, -0.7]), 'LLLLLRL');
  // decision_type 4 = Zero, default right; threshold above zero so a plain comparison would go left.
  assert.equal(await sides('zero-right.txt', stump(0, '0.5', 4, 1, 2), [0, Number.NaN, 0.3, 0.7]), 'RRLR');
});

test('missing type NaN: only NaN takes the default side, zero is compared', async () => {
  assert.equal(await sides('nan-left.txt', stump(0, '-0.5', 10, 1, 2), [Number.NaN, 0, -1]), 'LRL');
  assert.equal(await sides('nan-right.txt', stump(0, '0.5', 8, 1, 2), [Number.NaN, 0, 1]), 'RLR');
});

test('numerical splits compare fval <= threshold in double precision', async () => {
  const threshold = 0.1 + 0.2;
  const above = threshold + Number.EPSILON / 2;
  assert.ok(above > threshold);
  assert.equal(await sides('exact.txt', stump(0, '0.30000000000000004', 2, 1, 2), [threshold, 0.3, above, Math.fround(threshold)]), 'LLRR');
});

function categoricalStump(words: string, decisionType = 1): TreeSpec {
  const tree = stump(0, '0', decisionType, 1, 2);
  const numWords = words.trim().split(/\s+/).length;
  return { ...tree, numCat: 1, keys: { ...tree.keys, cat_boundaries: `0 ${numWords}`, cat_threshold: words } };
}

test('categorical splits send categories in the bitset left and everything else right', async () => {
  // Categories {1, 3, 33}: word 0 = 2 + 8, word 1 = 2.
  const values = [1, 3, 33, 3.9, 0, 2, 32, 64, 1e10, Number.POSITIVE_INFINITY, Number.NaN, -1, -0.5];
  assert.equal(await sides('cat.txt', categoricalStump('10 2'), values), 'LLLLRRRRRRRRR');
});

test('categorical splits truncate like static_cast<int>: (-1, 0) is category 0, NaN and negatives go right', async () => {
  // Categories {0, 1}; decision_type 9 also sets missing type NaN, which categorical splits ignore.
  assert.equal(await sides('cat-zero.txt', categoricalStump('3', 9), [-0.5, 0, 1.99, -1, Number.NaN, 2]), 'LLLRRR');
});

test('linear leaves add coefficient x feature to the leaf constant and fall back to the leaf value on NaN', async () => {
  const tree = stump(0, '0.5', 2, 10, 20);
  const linear: TreeSpec = {
    ...tree,
    keys: { ...tree.keys, is_linear: '1', leaf_const: '1 2', num_features: '1 2', leaf_features: '1  0 1 ', leaf_coeff: '0.5  2 -1 ' },
  };
  const model = await loadText('linear.txt', modelText({ numFeatures: 2, trees: [linear] }));
  const rows = [[0, 4], [1, 4], [0, Number.NaN], [Number.NaN, 4], [1, Number.NaN]];
  const out = await runRows(model, rows, ['margin']);
  assert.deepEqual([...(out.margin!.data as Float64Array)], [1 + 0.5 * 4, 2 + 2 * 1 - 4, 10, 1 + 0.5 * 4, 20]);
});

test('trees are summed iteration by iteration into one score per class', async () => {
  const trees = [stump(0, '0.5', 2, 1, 2), stump(0, '0.5', 2, 10, 20), stump(0, '0.5', 2, 100, 200), stump(0, '0.5', 2, 1000, 2000)];
  const model = await loadText('two-class.txt', modelText({ numFeatures: 1, numClass: 2, objective: 'multiclass num_class:2', trees }));
  const out = await runRows(model, [[0], [1]], ['margin', 'leaf_index']);
  assert.deepEqual(out.margin!.shape, [2, 2]);
  assert.deepEqual([...(out.margin!.data as Float64Array)], [101, 1010, 202, 2020]);
  assert.deepEqual(out.leaf_index!.shape, [2, 4]);
  assert.deepEqual([...(out.leaf_index!.data as Int32Array)], [0, 0, 0, 0, 1, 1, 1, 1]);
});
