import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lightgbmRuntime } from '../../../src/runtimes/lightgbm/index.ts';
import type { TensorMap } from '../../../src/core/tensor.ts';
import { fixture } from '../../helpers/fixtures.ts';
import { assertClose, loadCases, loadExpected, loadRows, type TreeCase } from '../../helpers/tree-cases.ts';

const cases = loadCases('lightgbm');

const OUTPUT_OF_KIND: Record<TreeCase['expected'][number]['kind'], string> = {
  raw: 'margin',
  margin: 'margin',
  prediction: 'prediction',
  leaf_index: 'leaf_index',
};

function featureMatrix(rows: number[][], numFeatures: number): Float64Array {
  const data = new Float64Array(rows.length * numFeatures);
  rows.forEach((row, i) => {
    assert.equal(row.length, numFeatures, `input row ${i} has ${row.length} values, the model takes ${numFeatures}`);
    data.set(row, i * numFeatures);
  });
  return data;
}

test('cases.json lists the LightGBM cases', () => {
  assert.ok(cases.length >= 17, `expected at least 17 LightGBM cases, found ${cases.length}`);
});

for (const c of cases) {
  test(`LightGBM case ${c.id} matches the library's output`, async () => {
    assert.equal(c.iteration_range, undefined, 'iteration_range is not used by any LightGBM case; handle it if one appears');
    const model = await lightgbmRuntime.load({ path: fixture(c.model) });
    const numFeatures = model.signature.inputs[0]!.shape[1]!;
    const rows = loadRows(c, numFeatures);
    const features = { dtype: 'float64' as const, shape: [rows.length, numFeatures], data: featureMatrix(rows, numFeatures) };
    const outputs = [...new Set(c.expected.map((e) => OUTPUT_OF_KIND[e.kind]))];
    const result: TensorMap = await model.run({ features }, { outputs });
    assert.deepEqual(Object.keys(result).sort(), [...outputs].sort());
    for (const entry of c.expected) {
      const expected = loadExpected(entry);
      const actual = result[OUTPUT_OF_KIND[entry.kind]]!;
      assert.equal(actual.shape[0], rows.length);
      const label = `${c.id} ${entry.kind}${entry.key ? ` (${entry.key})` : ''}`;
      if (entry.kind === 'leaf_index') {
        assert.equal(actual.dtype, 'int32');
        assert.deepEqual([...(actual.data as Int32Array)], expected, label);
      } else {
        assertClose(actual.data as Float64Array, expected, c.rtol ?? 0, c.atol ?? 0, label);
      }
    }
    await model.unload();
  });
}
