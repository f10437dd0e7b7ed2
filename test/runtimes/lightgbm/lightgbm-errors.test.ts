import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TetraError, type ErrorCode } from '../../../src/core/errors/index.ts';
import { lightgbmRuntime } from '../../../src/runtimes/lightgbm/index.ts';
import { fixture } from '../../helpers/fixtures.ts';
import { loadText, modelText, stump, writeModel, type ModelSpec } from './model-files.ts';


/** Asserts that `promise` rejects with a TetraError of `code` whose message contains every `parts`. */
async function rejectsWith(promise: Promise<unknown>, code: ErrorCode, parts: string[]): Promise<TetraError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(TetraError.is(caught), `expected a TetraError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  for (const part of parts) assert.ok(caught.message.includes(part), `message "${caught.message}" should mention "${part}"`);
  return caught;
}

const regressionStump: ModelSpec = { numFeatures: 2, trees: [stump(0, '0.5', 2, 1, 2)] };

test('a file cut in the middle of a tree is MODEL_FILE_CORRUPT naming the file, tree and line', async () => {
  const text = readFileSync(fixture('lgb-leaves/lgmulticlass.model'), 'utf8');
  const start = text.indexOf('Tree=7\n');
  const end = text.indexOf('Tree=8\n');
  for (const cut of [start + 10, start + 200, Math.floor((start + end) / 2), end - 3]) {
    const path = writeModel(`cut-${cut}.model`, text.slice(0, cut));
    const error = await rejectsWith(lightgbmRuntime.load({ path }), 'MODEL_FILE_CORRUPT', [path, 'tree 7', 'line']);
    assert.equal(error.where.file, path);
    assert.ok((error.where.line ?? 0) > 0);
  }
});

test('cutting a model anywhere gives a TetraError or a complete model, never a raw crash', async () => {
  const text = readFileSync(fixture('lgb-boosters-egordm/small_tree/model.txt'), 'utf8');
  const treesEnd = text.indexOf('end of trees');
  let failures = 0;
  for (let cut = 0; cut < treesEnd + 5; cut += 23) {
    try {
      await loadText('cut.txt', text.slice(0, cut));
    } catch (error) {
      assert.ok(TetraError.is(error), `cut at ${cut}: ${String(error)}`);
      assert.equal(error.code, 'MODEL_FILE_CORRUPT', `cut at ${cut}: ${error.message}`);
      failures++;
    }
  }
  assert.equal(failures, Math.ceil((treesEnd + 5) / 23), 'every cut before "end of trees" must be rejected');
});

test('a model without Tree= blocks is MODEL_FILE_CORRUPT', async () => {
  const text = readFileSync(fixture('lgb-boosters-egordm/regression/model.txt'), 'utf8');
  const stripped = text.slice(0, text.indexOf('Tree=0')) + text.slice(text.indexOf('end of trees'));
  await rejectsWith(loadText('no-trees.txt', stripped), 'MODEL_FILE_CORRUPT', ['no-trees.txt', 'no Tree= blocks']);
});

test('a tree whose arrays disagree with num_leaves is MODEL_FILE_CORRUPT naming tree, key and line', async () => {
  const text = readFileSync(fixture('lgb-boosters-egordm/regression/model.txt'), 'utf8');
  const lines = text.split('\n');
  const tree2 = lines.indexOf('Tree=2');
  const leafLine = lines.findIndex((l, i) => i > tree2 && l.startsWith('leaf_value='));
  lines[leafLine] = lines[leafLine]!.replace(/ \S+$/, '');
  await rejectsWith(loadText('short-leaves.txt', lines.join('\n')), 'MODEL_FILE_CORRUPT', ['short-leaves.txt', `line ${leafLine + 1}`, 'tree 2', 'leaf_value', 'expected 4']);
});

test('child and split arrays of the wrong length are rejected', async () => {
  const spec: ModelSpec = { numFeatures: 2, trees: [{ numLeaves: 3, keys: { ...stump(0, '0.5', 2, 1, 2).keys, split_feature: '0 1', threshold: '0.5 0.5', decision_type: '2 2', left_child: '-1', right_child: '1 -3', leaf_value: '1 2 3' } }] };
  await rejectsWith(loadText('children.txt', modelText(spec)), 'MODEL_FILE_CORRUPT', ['tree 0', 'left_child', 'has 1 values, expected 2']);
});

test('structural nonsense inside a tree is MODEL_FILE_CORRUPT', async () => {
  const bad: [string, Record<string, string>, string][] = [
    ['feature.txt', { split_feature: '7' }, 'split_feature'],
    ['number.txt', { threshold: '0.5abc' }, '"0.5abc" is not a number'],
    ['child.txt', { left_child: '-5' }, 'left_child'],
    ['loop.txt', { left_child: '-1', right_child: '-1' }, 'two parents'],
    ['cat.txt', { decision_type: '1' }, 'bitset'],
  ];
  for (const [name, keys, mention] of bad) {
    const tree = stump(0, '0.5', 2, 1, 2);
    const spec: ModelSpec = { numFeatures: 2, trees: [{ ...tree, keys: { ...tree.keys, ...keys } }] };
    await rejectsWith(loadText(name, modelText(spec)), 'MODEL_FILE_CORRUPT', [name, 'tree 0', mention]);
  }
});

test('an absurd num_leaves is reported as a count mismatch, not attempted as an allocation', async () => {
  const spec: ModelSpec = { numFeatures: 2, trees: [{ ...stump(0, '0.5', 2, 1, 2), numLeaves: 2000000000 }] };
  await rejectsWith(loadText('huge.txt', modelText(spec)), 'MODEL_FILE_CORRUPT', ['tree 0', 'split_feature', 'expected 1999999999']);
});

test('header problems are reported with the key that is wrong', async () => {
  const sizes = modelText({ ...regressionStump, extraHeader: ['tree_sizes=100 100'] });
  await rejectsWith(loadText('sizes.txt', sizes), 'MODEL_FILE_CORRUPT', ['tree_sizes', 'lists 2 trees but the file holds 1']);
  const names = modelText(regressionStump).replace('feature_names=x0 x1', 'feature_names=x0');
  await rejectsWith(loadText('names.txt', names), 'MODEL_FILE_CORRUPT', ['feature_names', 'lists 1 names']);
  const partial = modelText({ ...regressionStump, numClass: 2, objective: 'multiclass num_class:2' });
  await rejectsWith(loadText('partial.txt', partial), 'MODEL_FILE_CORRUPT', ['1 trees do not fill whole iterations']);
  const noClass = modelText(regressionStump).replace('num_class=1\n', '');
  await rejectsWith(loadText('no-class.txt', noClass), 'MODEL_FILE_CORRUPT', ['num_class']);
});

test('an unknown objective or format version is MODEL_UNSUPPORTED naming it', async () => {
  await rejectsWith(loadText('objective.txt', modelText({ ...regressionStump, objective: 'my_loss alpha:2' })), 'MODEL_UNSUPPORTED', ['objective.txt', '"my_loss"']);
  await rejectsWith(loadText('version.txt', modelText({ ...regressionStump, version: 'v9' })), 'MODEL_UNSUPPORTED', ['version.txt', '"v9"']);
});

test('files that are not LightGBM text models are MODEL_FILE_CORRUPT', async () => {
  const xgboostJson = readFileSync(fixture('lgb-boosters-egordm/regression/model.json'), 'utf8');
  await rejectsWith(loadText('model.json.txt', xgboostJson), 'MODEL_FILE_CORRUPT', ['model.json.txt', 'first line is not "tree"']);
  await rejectsWith(loadText('empty.txt', ''), 'MODEL_FILE_CORRUPT', ['empty.txt']);
  await rejectsWith(loadText('header-only.txt', 'tree\nversion=v4\nnum_class=1\n'), 'MODEL_FILE_CORRUPT', ['header-only.txt', 'stops in the header']);
});

test('a missing file is MODEL_FILE_UNREADABLE naming it', async () => {
  const path = writeModel('present.txt', 'x').replace('present.txt', 'absent.txt');
  await rejectsWith(lightgbmRuntime.load({ path }), 'MODEL_FILE_UNREADABLE', [path]);
});

test('invalid runtime options are CONFIG_INVALID naming the option', async () => {
  const error = await rejectsWith(loadText('opts.txt', modelText(regressionStump), { num_iteration: '5' }), 'CONFIG_INVALID', ['num_iteration']);
  assert.equal(error.where.path, 'runtime_options.num_iteration');
  await rejectsWith(loadText('opts.txt', modelText(regressionStump), { start_iteration: 1.5 }), 'CONFIG_INVALID', ['start_iteration']);
});

test('input tensors of the wrong shape, dtype or name are rejected with the tensor named', async () => {
  const model = await loadText('inputs.txt', modelText(regressionStump));
  const run = (features: unknown, outputs?: string[]) => model.run({ features: features as never }, outputs ? { outputs } : undefined);
  await rejectsWith(run({ dtype: 'float64', shape: [2, 3], data: new Float64Array(6) }), 'INPUT_TENSOR_SHAPE', ['features', '[-1, 2]']);
  await rejectsWith(run({ dtype: 'float64', shape: [4], data: new Float64Array(4) }), 'INPUT_TENSOR_SHAPE', ['features']);
  await rejectsWith(run({ dtype: 'float64', shape: [2, 2], data: new Float64Array(3) }), 'INPUT_TENSOR_SHAPE', ['features']);
  await rejectsWith(run({ dtype: 'int32', shape: [1, 2], data: new Int32Array(2) }), 'INPUT_TENSOR_DTYPE', ['features', 'int32']);
  await rejectsWith(run({ dtype: 'float64', shape: [1, 2], data: new Float64Array(2) }, ['probability']), 'INPUT_OUTPUT_UNKNOWN', ['probability']);
  await rejectsWith(model.run({}), 'INPUT_TENSOR_MISSING', ['features']);
  await rejectsWith(model.run({ features: { dtype: 'float64', shape: [1, 2], data: new Float64Array(2) }, extra: { dtype: 'float64', shape: [1], data: new Float64Array(1) } }), 'INPUT_TENSOR_UNKNOWN', ['extra']);
  await model.unload();
  await rejectsWith(run({ dtype: 'float64', shape: [1, 2], data: new Float64Array(2) }), 'MODEL_NOT_READY', ['unloaded']);
});

test('an aborted signal stops the call before it runs', async () => {
  const model = await loadText('abort.txt', modelText(regressionStump));
  const controller = new AbortController();
  controller.abort();
  await rejectsWith(model.run({ features: { dtype: 'float64', shape: [1, 2], data: new Float64Array(2) } }, { signal: controller.signal }), 'CANCELLED', ['cancelled']);
});
