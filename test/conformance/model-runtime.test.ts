import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsvParser } from '../../src/adapters/io/csv-parser.ts';
import { RecordEncoder, compileFeatures, parseModelConfig, type Tensor } from '../../src/core/index.ts';
import { jsRuntime } from '../../src/runtimes/js/index.ts';
import { lightgbmRuntime } from '../../src/runtimes/lightgbm/index.ts';
import { onnxRuntime } from '../../src/runtimes/onnx/index.ts';
import { xgboostRuntime } from '../../src/runtimes/xgboost/index.ts';
import { PROJECT_ROOT, fixture } from '../helpers/fixtures.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { modelRuntimeConformance } from './model-runtime.suite.ts';

const EXAMPLE = join(PROJECT_ROOT, 'examples', 'fraud');

/** Eight rows of the fraud sample (some with a missing distance) as the example's feature matrix. */
function fraudRows(dtype: 'float32' | 'float64'): Tensor<'float32' | 'float64'> {
  const parser = new CsvParser();
  const [header, ...rows] = [...parser.push(readFileSync(join(EXAMPLE, 'data', 'sample.csv'), 'utf8')), ...parser.end()] as string[][];
  const records = rows.filter((r, i) => i < 6 || r[10] === '').slice(0, 8).map((cells) => Object.fromEntries((header as string[]).map((h, i) => [h, cells[i]])));
  const config = parseModelConfig(readFileSync(join(EXAMPLE, 'models', 'fraud-xgb', 'model.yaml'), 'utf8'), 'model.yaml');
  return new RecordEncoder(compileFeatures(config.inputs, undefined, false, 'model.yaml'), dtype).encode(records);
}

modelRuntimeConformance('xgboost', async () => ({ runtime: xgboostRuntime, artifact: join(EXAMPLE, 'models', 'fraud-xgb', '1', 'model.json'), rows: fraudRows('float32') }));
modelRuntimeConformance('onnx', async () => ({ runtime: onnxRuntime, artifact: join(EXAMPLE, 'models', 'fraud-logreg', '1', 'model.onnx'), rows: fraudRows('float32') }));
modelRuntimeConformance('lightgbm', async () => {
  const input = JSON.parse(readFileSync(fixture('lgb-boosters-egordm/multiclass/input.json'), 'utf8')) as { data: number[][] };
  const data = Float64Array.from(input.data.slice(0, 6).flat());
  return { runtime: lightgbmRuntime, artifact: fixture('lgb-boosters-egordm/multiclass/model.txt'), rows: { dtype: 'float64', shape: [6, 10], data } };
});
modelRuntimeConformance('js', async () => {
  const file = join(tempDir(), 'score.mjs');
  const features = ['a', 'b', 'c'].map((name) => ({ name, type: 'number' }));
  writeFileSync(file, `export const features = ${JSON.stringify(features)};\nexport const outputs = { sum: 'float64', big: 'bool' };\nexport function predict(batch) { return batch.map((r) => ({ sum: r.a + r.b + (r.c ?? 0), big: r.a > 2 })); }\n`);
  return { runtime: jsRuntime, artifact: file, rows: { dtype: 'float64', shape: [4, 3], data: Float64Array.from([1, 2, 3, 4, 5, Number.NaN, 0, 0, 0, -1, 2.5, 8]) } };
});
