import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, type TensorMap } from '../../../src/core/index.ts';
import { xgboostRuntime } from '../../../src/runtimes/xgboost/index.ts';
import { fixture } from '../../helpers/fixtures.ts';
import { assertClose, loadCases, loadExpected, loadRows, type TreeCase } from '../../helpers/tree-cases.ts';

/**
 * Every XGBoost case in the shared fixtures: the model as XGBoost saved it,
 * the inputs, and the predictions XGBoost itself computed.
 */
const cases = loadCases('xgboost');


async function predict(c: TreeCase, modelPath: string, options: Record<string, unknown> = {}): Promise<TensorMap> {
  const runtimeOptions = c.iteration_range ? { ...options, iteration_range: c.iteration_range } : options;
  const model = await xgboostRuntime.load({ path: fixture(modelPath) }, runtimeOptions);
  const width = model.description.features?.length ?? 0;
  const rows = loadRows(c, width);
  const data = Float64Array.from(rows.flat());
  return model.run({ features: tensor('float64', [rows.length, width], data) }, { outputs: ['prediction', 'margin'] });
}

function checkExpected(c: TreeCase, out: TensorMap, label: string): void {
  for (const entry of c.expected) {
    const name = entry.kind === 'margin' ? 'margin' : 'prediction';
    const actual = out[name];
    assert.ok(actual, `${label}: output ${name} missing`);
    assertClose(actual.data as Float32Array, loadExpected(entry), c.rtol ?? 1e-5, c.atol ?? 1e-5, `${label} ${entry.kind}`);
  }
}

for (const c of cases) {
  test(`case ${c.id} reproduces XGBoost's ${c.expected.map((e) => e.kind).join(' and ')}`, async () => {
    checkExpected(c, await predict(c, c.model), c.id);
  });

  // The general layout must agree too: it is what categorical and deep models use.
  test(`case ${c.id} with the compact tree layout`, async () => {
    checkExpected(c, await predict(c, c.model, { tree_layout: 'compact' }), `${c.id} (compact)`);
  });

  if (c.model_ubj) {
    const ubj = c.model_ubj;
    test(`case ${c.id}: the UBJSON twin predicts exactly what the JSON model does`, async () => {
      const fromJson = await predict(c, c.model);
      const fromUbj = await predict(c, ubj);
      assert.deepEqual(fromUbj.margin?.data, fromJson.margin?.data);
      assert.deepEqual(fromUbj.prediction?.data, fromJson.prediction?.data);
      checkExpected(c, fromUbj, `${c.id} (ubj)`);
    });
  }
}
