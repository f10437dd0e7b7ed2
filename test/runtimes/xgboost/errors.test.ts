import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor, TetraError, type ErrorCode } from '../../../src/core/index.ts';
import { xgboostRuntime } from '../../../src/runtimes/xgboost/index.ts';
import { PROJECT_ROOT } from '../../helpers/fixtures.ts';
import { modelDoc, stump, tree, treeModel, writeModel } from './model-docs.ts';

const BENCH_JSON = join(PROJECT_ROOT, 'bench', 'core', 'models', 'gbdt-200x6.json');
const GENERATED = join(PROJECT_ROOT, 'test', 'runtimes', 'xgboost', 'models');

/** Asserts a TetraError with `code` whose message names the file, and returns it. */
async function rejectsWith(promise: Promise<unknown>, code: ErrorCode, file?: string): Promise<TetraError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(TetraError.is(error), `expected a TetraError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (file) assert.ok(error.message.includes(file), `message does not name the file: ${error.message}`);
    return error;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

test('a truncated JSON model is MODEL_FILE_CORRUPT naming the file and the offset', async () => {
  const text = readFileSync(BENCH_JSON, 'utf8');
  const path = writeModel(text.slice(0, 5000));
  const error = await rejectsWith(xgboostRuntime.load({ path }), 'MODEL_FILE_CORRUPT', path);
  assert.equal(error.where.offset, 5000);
  assert.match(error.message, /truncated/);
});

test('a truncated UBJSON model is MODEL_FILE_CORRUPT naming the file and the byte offset', async () => {
  const bytes = readFileSync(join(GENERATED, 'softmax.ubj'));
  const path = writeModel(bytes.subarray(0, 3001), '.ubj');
  const error = await rejectsWith(xgboostRuntime.load({ path }), 'MODEL_FILE_CORRUPT', path);
  assert.equal(typeof error.where.offset, 'number');
  assert.ok((error.where.offset as number) <= 3001 && (error.where.offset as number) > 2000, `offset ${error.where.offset}`);
  assert.match(error.message, /byte \d+/);
});

test('a bad byte inside a UBJSON model is reported at its offset', async () => {
  const bytes = Uint8Array.from(readFileSync(join(GENERATED, 'softmax.ubj')));
  bytes[1] = 0x3f; // the first key's length marker becomes '?'
  const path = writeModel(bytes, '.ubj');
  const error = await rejectsWith(xgboostRuntime.load({ path }), 'MODEL_FILE_CORRUPT', path);
  assert.equal(error.where.offset, 1);
});

test('valid JSON that is not an XGBoost model is MODEL_FILE_CORRUPT saying so', async () => {
  for (const content of ['{"hello": 1}', '[1, 2, 3]', '']) {
    const path = writeModel(content);
    const error = await rejectsWith(xgboostRuntime.load({ path }), 'MODEL_FILE_CORRUPT', path);
    if (content !== '') assert.match(error.message, /learner/);
  }
});

test('a model field of the wrong kind is MODEL_FILE_CORRUPT naming its JSON path', async () => {
  const doc = modelDoc();
  (doc.learner as { learner_model_param: Record<string, unknown> }).learner_model_param.num_feature = 'many';
  const error = await rejectsWith(xgboostRuntime.load({ path: writeModel(doc) }), 'MODEL_FILE_CORRUPT');
  assert.equal(error.where.path, 'learner.learner_model_param.num_feature');
});

test('a split on a feature the model does not have is MODEL_FILE_CORRUPT', async () => {
  const error = await rejectsWith(xgboostRuntime.load({ path: writeModel(modelDoc({ trees: [stump(7, 0.5, 1, 2)] })) }), 'MODEL_FILE_CORRUPT');
  assert.equal(error.where.path, 'learner.gradient_booster.model.trees[0].split_indices[0]');
});

test('a tree whose children loop back is MODEL_FILE_CORRUPT, not a hang', async () => {
  const looped = tree([{ split: { feature: 0, threshold: 1, left: 1, right: 2 } }, { split: { feature: 1, threshold: 1, left: 0, right: 2 } }, { leaf: 1 }]);
  const error = await rejectsWith(xgboostRuntime.load({ path: writeModel(modelDoc({ trees: [looped] })) }), 'MODEL_FILE_CORRUPT');
  assert.match(error.message, /reached twice/);
});

test('a tree_info entry naming a missing output is MODEL_FILE_CORRUPT', async () => {
  const error = await rejectsWith(xgboostRuntime.load({ path: writeModel(modelDoc({ treeInfo: [3] })) }), 'MODEL_FILE_CORRUPT');
  assert.equal(error.where.path, 'learner.gradient_booster.model.tree_info[0]');
});

test('an unknown objective or booster is MODEL_UNSUPPORTED naming it', async () => {
  const objective = await rejectsWith(xgboostRuntime.load({ path: writeModel(modelDoc({ objective: 'reg:magic' })) }), 'MODEL_UNSUPPORTED');
  assert.match(objective.message, /reg:magic/);
  const booster = await rejectsWith(xgboostRuntime.load({ path: writeModel(modelDoc({ booster: { name: 'gbforest', model: {} } })) }), 'MODEL_UNSUPPORTED');
  assert.match(booster.message, /gbforest/);
});

test('a missing file is MODEL_FILE_UNREADABLE', async () => {
  await rejectsWith(xgboostRuntime.load({ path: '/nonexistent/model.json' }), 'MODEL_FILE_UNREADABLE', '/nonexistent/model.json');
});

test('damaged files always fail as TetraErrors, never as raw TypeErrors', async () => {
  const sources = [[readFileSync(join(GENERATED, 'multi-target.ubj')), '.ubj'], [readFileSync(join(GENERATED, 'dart.json')), '.json']] as const;
  let seed = 7;
  const random = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  for (const [original, extension] of sources) {
    for (let i = 0; i < 60; i++) {
      const bytes = Uint8Array.from(original.subarray(0, i % 2 === 0 ? original.length : random(original.length)));
      for (let k = 0; k < 3; k++) bytes[random(bytes.length)] = random(256);
      const path = writeModel(bytes, extension);
      try {
        await xgboostRuntime.load({ path });
      } catch (error) {
        assert.ok(TetraError.is(error), `damage #${i} of a ${extension} file threw ${String(error)}`);
        assert.ok(['MODEL_FILE_CORRUPT', 'MODEL_UNSUPPORTED'].includes(error.code), error.message);
      }
    }
  }
});

test('inputs of the wrong dtype, shape or width are rejected by name', async () => {
  const model = await xgboostRuntime.load({ path: writeModel(modelDoc({ numFeature: 4 })) });
  const cases: [Record<string, ReturnType<typeof tensor>>, ErrorCode, RegExp][] = [
    [{ features: tensor('int32', [1, 4], new Int32Array(4)) }, 'INPUT_TENSOR_DTYPE', /int32/],
    [{ features: tensor('float32', [4], new Float32Array(4)) }, 'INPUT_TENSOR_SHAPE', /expected \[-1, 4\]/],
    [{ features: tensor('float32', [2, 3], new Float32Array(6)) }, 'INPUT_TENSOR_SHAPE', /dimension 1 must be 4/],
    [{ features: tensor('float32', [1, 4], new Float32Array(4)), extra: tensor('float32', [1], new Float32Array(1)) }, 'INPUT_TENSOR_UNKNOWN', /extra/],
    [{}, 'INPUT_TENSOR_MISSING', /features/],
  ];
  for (const [inputs, code, message] of cases) {
    const error = await rejectsWith(model.run(inputs), code);
    assert.match(error.message, message);
  }
  const unknown = await rejectsWith(model.run({ features: tensor('float32', [1, 4], new Float32Array(4)) }, { outputs: ['leaf'] }), 'INPUT_OUTPUT_UNKNOWN');
  assert.match(unknown.message, /leaf/);
});

test('runtime options are checked: unknown keys, bad ranges, best iteration without the attribute', async () => {
  const path = writeModel(modelDoc({ booster: { name: 'gbtree', model: treeModel([stump(0, 1, 1, 2), stump(1, 1, 1, 2)], [0, 0]) } }));
  const bad: Record<string, unknown>[] = [
    { iteration_rnage: [0, 1] },
    { iteration_range: [0, 5] },
    { iteration_range: [1, 1] },
    { iteration_range: 'all' },
    { use_best_iteration: true },
    { use_best_iteration: 'yes' },
    { tree_layout: 'fastest' },
  ];
  for (const options of bad) {
    const error = await rejectsWith(xgboostRuntime.load({ path }, options), 'CONFIG_INVALID', path);
    assert.match(error.where.path ?? '', /^runtime_options\./);
  }
  const categorical = writeModel(modelDoc({ trees: [stump(0, 0, 1, 2, true, [1])] }));
  await rejectsWith(xgboostRuntime.load({ path: categorical }, { tree_layout: 'perfect' }), 'CONFIG_INVALID');
});

test('an unloaded model refuses to run', async () => {
  const model = await xgboostRuntime.load({ path: writeModel(modelDoc()) });
  await model.unload();
  await rejectsWith(model.run({ features: tensor('float32', [1, 4], new Float32Array(4)) }), 'MODEL_NOT_READY');
});
