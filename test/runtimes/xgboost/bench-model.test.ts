import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor, type TensorMap } from '../../../src/core/index.ts';
import { xgboostRuntime } from '../../../src/runtimes/xgboost/index.ts';
import { PROJECT_ROOT } from '../../helpers/fixtures.ts';
import { assertClose } from '../../helpers/tree-cases.ts';

/**
 * The benchmark model (200 trees of depth 6, 30 features, 5% missing),
 * against XGBoost's own predictions for 300 held-out rows. Margins must
 * match bit for bit: same float32 rounding, same summation order.
 */
const MODELS = join(PROJECT_ROOT, 'bench', 'core', 'models');
const expected = JSON.parse(readFileSync(join(MODELS, 'gbdt-200x6.expected.json'), 'utf8')) as {
  features: (number | null)[][];
  margin: number[];
  prediction: number[];
};
const rows = expected.features.length;
const values = expected.features.flat().map((v) => (v === null ? Number.NaN : v));

async function run(options: Record<string, unknown>, dtype: 'float32' | 'float64'): Promise<TensorMap> {
  const model = await xgboostRuntime.load({ path: join(MODELS, 'gbdt-200x6.json') }, options);
  const data = dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
  return model.run({ features: tensor(dtype, [rows, 30], data) });
}

for (const layout of ['perfect', 'compact'] as const) {
  test(`bench model, ${layout} layout: margins equal XGBoost's exactly, probabilities within 1e-6`, async () => {
    const out = await run({ tree_layout: layout }, 'float32');
    assert.deepEqual(Array.from(out.margin?.data as Float32Array), expected.margin);
    assertClose(out.prediction?.data as Float32Array, expected.prediction, 1e-6, 1e-7, `${layout} prediction`);
  });
}

test('bench model: float64 input rounds to float32 and gives the same margins', async () => {
  const out = await run({}, 'float64');
  assert.deepEqual(Array.from(out.margin?.data as Float32Array), expected.margin);
});

test('bench model: one row at a time gives what a batch gives', async () => {
  const model = await xgboostRuntime.load({ path: join(MODELS, 'gbdt-200x6.json') });
  const data = Float32Array.from(values);
  const singles: number[] = [];
  for (let r = 0; r < rows; r++) {
    const out = await model.run({ features: tensor('float32', [1, 30], data.subarray(r * 30, r * 30 + 30)) }, { outputs: ['margin'] });
    singles.push((out.margin?.data as Float32Array)[0] as number);
  }
  assert.deepEqual(singles, expected.margin);
});
