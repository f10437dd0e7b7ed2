import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor, type Tensor } from '../../../src/core/index.ts';
import { onnxRuntime } from '../../../src/runtimes/onnx/index.ts';
import { xgboostRuntime } from '../../../src/runtimes/xgboost/index.ts';
import { PROJECT_ROOT } from '../../helpers/fixtures.ts';
import { assertClose } from '../../helpers/tree-cases.ts';

/**
 * The same trees in two runtimes: an XGBoost JSON model evaluated natively,
 * and the ONNX TreeEnsemble that scripts/models/xgboost_to_onnx.py made of
 * it, run by onnxruntime. Both must give the same margins and probabilities.
 */
const BENCH = join(PROJECT_ROOT, 'bench', 'core', 'models');
const pairs = [
  { name: 'bench model (200 trees, depth 6, missing values)', json: join(BENCH, 'gbdt-200x6.json'), onnx: join(BENCH, 'gbdt-200x6.onnx'), rows: benchRows },
  { name: 'fraud example (150 trees, depth 5)', json: join(PROJECT_ROOT, 'examples', 'fraud', 'models', 'fraud-xgb', '1', 'model.json'), onnx: join(import.meta.dirname, 'models', 'fraud-xgb.onnx'), rows: fraudRows },
];

function benchRows(): Tensor<'float32'> {
  const doc = JSON.parse(readFileSync(join(BENCH, 'gbdt-200x6.expected.json'), 'utf8')) as { features: (number | null)[][] };
  return tensor('float32', [doc.features.length, 30], Float32Array.from(doc.features.flat(), (v) => v ?? Number.NaN));
}

/** Deterministic rows over the fraud features' ranges, with missing distances. */
function fraudRows(): Tensor<'float32'> {
  const rows = 400;
  const data = new Float32Array(rows * 12);
  let seed = 99;
  const next = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let r = 0; r < rows; r++) {
    const row = [next() * 3000, Math.floor(next() * 12), Math.floor(next() * 24), +(next() < 0.2), Math.floor(next() * 2000), next() < 0.1 ? Number.NaN : next() * 5000, +(next() < 0.1), +(next() < 0.3), Math.floor(next() * 6), Math.floor(next() * 20), next() * 4000, next() * 500];
    data.set(row, r * 12);
  }
  return tensor('float32', [rows, 12], data);
}

for (const pair of pairs) {
  test(`xgboost and onnx runtimes agree on the same trees: ${pair.name}`, async () => {
    const native = await xgboostRuntime.load({ path: pair.json });
    const ort = await onnxRuntime.load({ path: pair.onnx });
    const rows = pair.rows();
    const a = await native.run({ features: rows });
    const b = await ort.run({ [ort.signature.inputs[0]?.name as string]: rows });
    assertClose(b.margin?.data as Float32Array, Array.from(a.margin?.data as Float32Array), 1e-5, 2e-5, 'margin');
    assertClose(b.prediction?.data as Float32Array, Array.from(a.prediction?.data as Float32Array), 1e-5, 1e-6, 'prediction');
    await native.unload();
    await ort.unload();
  });
}
