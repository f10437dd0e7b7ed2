import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor, type TensorMap } from '../../../src/core/index.ts';
import { xgboostRuntime } from '../../../src/runtimes/xgboost/index.ts';
import { assertClose } from '../../helpers/tree-cases.ts';

/**
 * Small models made by scripts/models/make-xgboost-test-models.py with
 * XGBoost 1.7.4, covering objectives and options the shared fixtures do
 * not: log-link objectives, logitraw with a non-default base_score, hinge,
 * softmax, ranking, AFT, three targets, parallel trees, DART with dropped
 * weights, and use_best_iteration.
 */
const MODELS = join(dirname(fileURLToPath(import.meta.url)), 'models');

interface Expected {
  runtime_options: Record<string, unknown>;
  features: (number | null)[][];
  margin: number[];
  prediction: number[];
}

const names = readdirSync(MODELS).filter((f) => f.endsWith('.expected.json')).map((f) => f.replace('.expected.json', '')).sort();

async function predict(file: string, expected: Expected): Promise<TensorMap> {
  const model = await xgboostRuntime.load({ path: join(MODELS, file) }, expected.runtime_options);
  const width = expected.features[0]?.length ?? 0;
  const data = Float64Array.from(expected.features.flat(), (v) => (v === null ? Number.NaN : v));
  return model.run({ features: tensor('float64', [expected.features.length, width], data) });
}

test('the generated model set is present', () => {
  assert.ok(names.length >= 13, `found only ${names.length} generated models in ${MODELS}`);
});

for (const name of names) {
  const expected = JSON.parse(readFileSync(join(MODELS, `${name}.expected.json`), 'utf8')) as Expected;

  test(`generated model ${name} reproduces XGBoost's margin and prediction`, async () => {
    const out = await predict(`${name}.json`, expected);
    assertClose(out.margin?.data as Float32Array, expected.margin, 1e-6, 1e-6, `${name} margin`);
    assertClose(out.prediction?.data as Float32Array, expected.prediction, 1e-6, 1e-6, `${name} prediction`);
  });

  test(`generated model ${name}: the UBJSON file predicts exactly what the JSON file does`, async () => {
    const fromJson = await predict(`${name}.json`, expected);
    const fromUbj = await predict(`${name}.ubj`, expected);
    assert.deepEqual(fromUbj.margin?.data, fromJson.margin?.data);
    assert.deepEqual(fromUbj.prediction?.data, fromJson.prediction?.data);
  });
}
