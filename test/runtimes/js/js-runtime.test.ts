import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceService, ModelRepository, RecordEncoder, TetraError, compileFeatures, type ErrorCode, type LoadedModel } from '../../../src/core/index.ts';
import { allRuntimes } from '../../../src/cli/runtimes.ts';
import { jsRuntime } from '../../../src/runtimes/js/index.ts';
import { csvRecords } from '../../../src/adapters/io/csv-records.ts';
import { PROJECT_ROOT } from '../../helpers/fixtures.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const dir = tempDir();
let counter = 0;
function module(source: string): string {
  const file = join(dir, `model-${counter++}.mjs`);
  writeFileSync(file, source);
  return file;
}
const isCode = (code: ErrorCode, pattern?: RegExp) => (e: unknown): boolean => TetraError.is(e) && e.code === code && (!pattern || pattern.test(e.message));

const FEATURES = `export const features = [
  { name: 'amount', type: 'number' },
  { name: 'country', type: 'category', levels: ['BR', 'US'] },
  { name: 'online', type: 'boolean' },
];`;

function encode(model: LoadedModel, records: Record<string, unknown>[]): Float64Array {
  const encoder = new RecordEncoder(compileFeatures(undefined, model.description.features, true, 'test'), 'float64');
  return encoder.encode(records).data as Float64Array;
}

test('predict sees decoded records and its results become typed output tensors', async () => {
  const file = module(`${FEATURES}
export const outputs = { score: 'float64', seen: 'string', flag: 'bool', n: 'int64' };
export function predict(batch) {
  return batch.map((r) => ({ score: r.amount * 2, seen: JSON.stringify(r), flag: r.online === true, n: 7 }));
}`);
  const model = await jsRuntime.load({ path: file });
  assert.deepEqual(model.signature.inputs[0]?.shape, [-1, 3]);
  const data = encode(model, [{ amount: 2, country: 'US', online: true }, { amount: 3, country: 'BR', online: null }]);
  const out = await model.run({ features: { dtype: 'float64', shape: [2, 3], data } });
  assert.deepEqual([...(out.score?.data as Float64Array)], [4, 6]);
  assert.deepEqual(out.seen?.data, ['{"amount":2,"country":"US","online":true}', '{"amount":3,"country":"BR","online":null}']);
  assert.deepEqual([...(out.flag?.data as Uint8Array)], [1, 0]);
  assert.deepEqual([...(out.n?.data as BigInt64Array)], [7n, 7n]);
  const some = await model.run({ features: { dtype: 'float64', shape: [2, 3], data } }, { outputs: ['score'] });
  assert.deepEqual(Object.keys(some), ['score']);
});

test('a single-output model may return plain numbers; load() state and options reach predict', async () => {
  const file = module(`${FEATURES}
export const task = 'regression';
export function load({ options }) { return { factor: options.factor }; }
export async function predict(batch, state) { return batch.map((r) => r.amount * state.factor); }`);
  const model = await jsRuntime.load({ path: file }, { factor: 10 });
  assert.equal(model.description.scoreOutput, 'prediction');
  const out = await model.run({ features: { dtype: 'float64', shape: [1, 3], data: encode(model, [{ amount: 1.5, country: 'BR', online: false }]) } });
  assert.deepEqual([...(out.prediction?.data as Float64Array)], [15]);
});

test('bad results and failures in user code are MODEL_RUN_FAILED naming the row and output', async () => {
  const run = async (body: string, pattern: RegExp): Promise<void> => {
    const model = await jsRuntime.load({ path: module(`${FEATURES}\nexport const outputs = { score: 'float64' };\n${body}`) });
    const data = encode(model, [{ amount: 1, country: 'BR', online: false }, { amount: 2, country: 'US', online: true }]);
    await assert.rejects(model.run({ features: { dtype: 'float64', shape: [2, 3], data } }), isCode('MODEL_RUN_FAILED', pattern));
  };
  await run('export function predict(b) { return [1]; }', /one result per record \(2\), got 1 results/);
  await run('export function predict(b) { return b.map((r, i) => (i === 1 ? { score: "x" } : { score: 1 })); }', /result 1 has "x" for output "score", expected a number/);
  await run('export function predict(b) { throw new Error("boom"); }', /predict\(\) threw: boom/);
  await run('export function predict(b) { return "nope"; }', /must return an array/);
});

test('a module with bad exports, a syntax error or no features fails to load with a typed error', async () => {
  await assert.rejects(jsRuntime.load({ path: module(`${FEATURES}\nexport const outputs = { s: 'complex' };\nexport function predict() {}`) }), isCode('CONFIG_INVALID', /outputs\.s/));
  await assert.rejects(jsRuntime.load({ path: module(`${FEATURES}`) }), isCode('CONFIG_INVALID', /predict/));
  await assert.rejects(jsRuntime.load({ path: module('export function predict( {') }), isCode('MODEL_FILE_CORRUPT'));
  await assert.rejects(jsRuntime.load({ path: module('export function predict(b) { return b; }') }), isCode('CONFIG_INVALID', /needs its features/));
  await assert.rejects(jsRuntime.load({ path: module(`${FEATURES}\nexport function load() { throw new Error('no db'); }\nexport function predict(b) { return b; }`) }), isCode('MODEL_RUN_FAILED', /load\(\) threw: no db/));
  await assert.rejects(jsRuntime.load({ path: join(dir, 'absent.mjs') }), isCode('MODEL_FILE_UNREADABLE'));
});

test('the fraud-review example wraps fraud-xgb: its probabilities, plus the decision rules', async () => {
  const example = join(PROJECT_ROOT, 'examples', 'fraud');
  const expected = (JSON.parse(readFileSync(join(example, 'data', 'sample.expected.json'), 'utf8')) as Record<string, number[]>)['fraud-xgb'] as number[];
  const repository = new ModelRepository({ runtimes: allRuntimes(), root: join(example, 'models') });
  const service = new InferenceService(repository);
  await repository.scan();
  await repository.load('fraud-review');
  const batches = csvRecords([readFileSync(join(example, 'data', 'sample.csv'), 'utf8')], { batchSize: 1000 });
  const { records } = (await batches.next()).value as { records: Record<string, unknown>[] };
  const result = await service.infer({ model: 'fraud-review', records });
  const decisions = result.predictions ?? [];
  assert.equal(decisions.length, expected.length);
  decisions.forEach((d, i) => {
    const p = expected[i] as number;
    assert.ok(Math.abs((d.fraud_probability as number) - p) < 1e-6, `row ${i + 1}`);
    const large = Number(records[i]?.amount) >= 5000 && records[i]?.is_foreign === 'true';
    const want = p >= 0.8 ? 'decline' : large || p >= 0.33 ? 'review' : 'approve';
    assert.equal(d.decision, want, `row ${i + 1}`);
  });
  assert.ok(decisions.some((d) => d.decision === 'decline'));
  await repository.close();
});

test('a module\'s own feature policies apply (defaults, unknown categories, numeric levels)', async () => {
  const root = tempDir();
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(root, 'rules', '1'), { recursive: true });
  writeFileSync(join(root, 'rules', '1', 'model.mjs'), `export const features = [
  { name: 'x', type: 'number', default: 7 },
  { name: 'grade', type: 'category', levels: [1, 2], unknown: 'missing' },
];
export const outputs = { seen: 'string' };
export function predict(batch) { return batch.map((r) => ({ seen: JSON.stringify(r) })); }
`);
  const repository = new ModelRepository({ runtimes: allRuntimes(), root });
  const service = new InferenceService(repository);
  await repository.scan();
  await repository.load('rules');
  const result = await service.infer({ model: 'rules', records: [{ grade: 2 }, { x: 1, grade: 'z' }] });
  assert.deepEqual(result.predictions?.map((p) => p.seen), ['{"x":7,"grade":"2"}', '{"x":1,"grade":null}']);
  await repository.close();
});

test('model.yaml levels that differ from the module\'s are refused at load', async () => {
  const root = tempDir();
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(root, 'rules', '1'), { recursive: true });
  writeFileSync(join(root, 'rules', '1', 'model.mjs'), `export const features = [{ name: 'c', type: 'category', levels: ['a', 'b'] }];\nexport function predict(b) { return b.map(() => 1); }\n`);
  writeFileSync(join(root, 'rules', 'model.yaml'), 'inputs:\n  - name: c\n    type: category\n    levels: [b, a]\n');
  const repository = new ModelRepository({ runtimes: allRuntimes(), root });
  await repository.scan();
  await assert.rejects(repository.load('rules'), isCode('CONFIG_INVALID', /inputs\[0\]\.levels \[b, a\] differ from the levels the model was trained with \[a, b\]/));
  await repository.close();
});
