import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceService, ModelRepository, TetraError, type BatchEvent, type ErrorCode } from '../../src/core/index.ts';
import { allRuntimes } from '../../src/cli/runtimes.ts';
import { fixture } from '../helpers/fixtures.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const LGB_BINARY = fixture('lgb-boosters-egordm/binary_classification/model.txt');
const expected = JSON.parse(readFileSync(fixture('lgb-boosters-egordm/binary_classification/expected.json'), 'utf8')) as { proba: number[] };
const input = JSON.parse(readFileSync(fixture('lgb-boosters-egordm/binary_classification/input.json'), 'utf8')) as { data: (number | null)[][] };
const names = Array.from({ length: 10 }, (_, i) => `Column_${i}`);
const records = input.data.map((row) => Object.fromEntries(row.map((v, i) => [names[i], v])));

const MODEL_YAML = `
description: test classifier
inputs:
${names.map((n) => `  - name: ${n}\n    type: number\n    required: false`).join('\n')}
outputs:
  task: binary
  classes: [no, yes]
  threshold: 0.5
  probability_field: p_yes
  label_field: answer
`;

function makeRepo(): { root: string; repository: ModelRepository; service: InferenceService; batches: BatchEvent[] } {
  const root = tempDir();
  mkdirSync(join(root, 'clf', '1'), { recursive: true });
  writeFileSync(join(root, 'clf', 'model.yaml'), MODEL_YAML);
  copyFileSync(LGB_BINARY, join(root, 'clf', '1', 'model.txt'));
  const batches: BatchEvent[] = [];
  const repository = new ModelRepository({ runtimes: allRuntimes(), root, onBatch: (_m, e) => batches.push(e) });
  return { root, repository, service: new InferenceService(repository), batches };
}

const isCode = (code: ErrorCode) => (e: unknown): boolean => TetraError.is(e) && e.code === code;

test('records in, named predictions out, equal to what LightGBM computed', async () => {
  const { repository, service } = makeRepo();
  await repository.scan();
  await repository.loadAll();
  assert.ok(service.ready());
  const result = await service.infer({ model: 'clf', records });
  assert.equal(result.version, '1');
  result.predictions?.forEach((p, i) => {
    assert.ok(Math.abs((p.p_yes as number) - (expected.proba[i] as number)) < 1e-12, `row ${i}`);
    assert.equal(p.answer, (expected.proba[i] as number) >= 0.5 ? 'yes' : 'no');
  });
  await repository.close();
});

test('concurrent calls share model calls and each gets its own rows back', async () => {
  const { repository, service, batches } = makeRepo();
  await repository.scan();
  await repository.load('clf');
  const results = await Promise.all(records.map((r) => service.infer({ model: 'clf', records: [r] })));
  results.forEach((res, i) => assert.ok(Math.abs((res.predictions?.[0]?.p_yes as number) - (expected.proba[i] as number)) < 1e-12));
  assert.ok(batches.some((b) => b.calls > 1), 'at least one model call served several callers');
  assert.ok(batches.length < records.length);
  await repository.close();
});

test('unknown model and version are 404-class errors naming them', async () => {
  const { repository, service } = makeRepo();
  await repository.scan();
  await repository.load('clf');
  await assert.rejects(service.infer({ model: 'nope', records }), (e: unknown) => isCode('MODEL_NOT_FOUND')(e) && /"nope"/.test((e as Error).message) && /clf/.test((e as Error).message));
  await assert.rejects(service.infer({ model: 'clf', version: '7', records }), (e: unknown) => isCode('MODEL_VERSION_NOT_FOUND')(e) && /"7"/.test((e as Error).message));
  await repository.close();
});

test('keepGoing reports bad rows and scores the rest', async () => {
  const { repository, service } = makeRepo();
  await repository.scan();
  await repository.load('clf');
  const bad = [records[0], { ...records[1], Column_3: 'abc' }, records[2]] as Record<string, unknown>[];
  await assert.rejects(service.infer({ model: 'clf', records: bad }), (e: unknown) => isCode('INPUT_WRONG_TYPE')(e) && (e as TetraError).where.row === 1 && (e as TetraError).where.field === 'Column_3');
  const result = await service.infer({ model: 'clf', records: bad, keepGoing: true, firstRow: 1 });
  assert.deepEqual(result.rows, [1, 3]);
  assert.equal(result.rejected?.[0]?.row, 2);
  assert.equal(result.predictions?.length, 2);
  assert.ok(Math.abs((result.predictions?.[1]?.p_yes as number) - (expected.proba[2] as number)) < 1e-12);
  await repository.close();
});

test('raw tensors: wrong dtype, wrong shape and unknown outputs are refused, good tensors answered', async () => {
  const { repository, service } = makeRepo();
  await repository.scan();
  await repository.load('clf');
  const row = Float64Array.from(input.data[0] as number[], (v) => v ?? Number.NaN);
  const ok = await service.infer({ model: 'clf', tensors: { features: { dtype: 'float64', shape: [1, 10], data: row } }, outputs: ['prediction'] });
  assert.ok(Math.abs((ok.tensors?.prediction?.data[0] as number) - (expected.proba[0] as number)) < 1e-12);
  assert.deepEqual(Object.keys(ok.tensors ?? {}), ['prediction']);
  await assert.rejects(service.infer({ model: 'clf', tensors: { features: { dtype: 'int32', shape: [1, 10], data: new Int32Array(10) } } }), isCode('INPUT_TENSOR_DTYPE'));
  await assert.rejects(service.infer({ model: 'clf', tensors: { features: { dtype: 'float64', shape: [1, 9], data: new Float64Array(9) } } }), isCode('INPUT_TENSOR_SHAPE'));
  await assert.rejects(service.infer({ model: 'clf', tensors: { x: { dtype: 'float64', shape: [1, 10], data: new Float64Array(10) } } }), isCode('INPUT_TENSOR_UNKNOWN'));
  await assert.rejects(service.infer({ model: 'clf', tensors: { features: { dtype: 'float64', shape: [1, 10], data: row } }, outputs: ['nope'] }), isCode('INPUT_OUTPUT_UNKNOWN'));
  await repository.close();
});

test('a new version folder is served after refresh; a pinned policy keeps the old one', async () => {
  const { root, repository, service } = makeRepo();
  await repository.scan();
  await repository.load('clf');
  mkdirSync(join(root, 'clf', '2'));
  copyFileSync(LGB_BINARY, join(root, 'clf', '2', 'model.txt'));
  await repository.refresh();
  assert.equal((await service.infer({ model: 'clf', records: [records[0] as Record<string, unknown>] })).version, '2');
  await assert.rejects(service.infer({ model: 'clf', version: '1', records }), isCode('MODEL_VERSION_NOT_FOUND'));
  writeFileSync(join(root, 'clf', 'model.yaml'), `${MODEL_YAML}version_policy: {pinned: 1}\n`);
  await repository.refresh();
  assert.equal((await service.infer({ model: 'clf', records })).version, '1');
  await repository.close();
});

test('a corrupt model file fails its load with MODEL_FILE_CORRUPT; the model answers MODEL_NOT_READY', async () => {
  const { root, repository, service } = makeRepo();
  const text = readFileSync(LGB_BINARY, 'utf8');
  writeFileSync(join(root, 'clf', '1', 'model.txt'), text.slice(0, Math.floor(text.length / 2)));
  await repository.scan();
  await assert.rejects(repository.load('clf'), (e: unknown) => isCode('MODEL_FILE_CORRUPT')(e) && (e as Error).message.includes('model.txt'));
  assert.equal(service.ready(), false);
  await assert.rejects(service.infer({ model: 'clf', records }), isCode('MODEL_NOT_READY'));
  assert.equal(repository.status('clf').versions[0]?.state, 'failed');
});

test('a model.yaml with an unknown key fails that model with its path; the other models still load', async () => {
  const { root, repository, service } = makeRepo();
  mkdirSync(join(root, 'other', '1'), { recursive: true });
  copyFileSync(LGB_BINARY, join(root, 'other', '1', 'model.txt'));
  writeFileSync(join(root, 'clf', 'model.yaml'), `${MODEL_YAML}colour: blue\n`);
  await repository.scan();
  await repository.loadAll();
  await assert.rejects(repository.load('clf'), (e: unknown) => isCode('CONFIG_INVALID')(e) && (e as TetraError).where.path === 'colour' && (e as Error).message.includes('model.yaml'));
  assert.equal(repository.status('clf').error?.code, 'CONFIG_INVALID');
  assert.equal(service.ready(), false);
  assert.equal((await service.infer({ model: 'other', records })).predictions?.length, records.length);
  await assert.rejects(service.infer({ model: 'clf', records }), isCode('MODEL_NOT_READY'));
  await repository.close();
});

test('a broken model.yaml written over a served model keeps the loaded version serving', async () => {
  const { root, repository, service } = makeRepo();
  await repository.scan();
  await repository.load('clf');
  writeFileSync(join(root, 'clf', 'model.yaml'), 'inputs: [\n');
  await repository.refresh();
  assert.equal(repository.status('clf').error?.code, 'CONFIG_INVALID');
  assert.equal((await service.infer({ model: 'clf', records })).version, '1');
  await repository.close();
});

test('a version that failed to load is tried again on refresh once fixed', async () => {
  const { root, repository, service } = makeRepo();
  writeFileSync(join(root, 'clf', '1', 'model.txt'), 'tree\nversion=v4\n');
  await repository.scan();
  await assert.rejects(repository.load('clf'), isCode('MODEL_FILE_CORRUPT'));
  copyFileSync(LGB_BINARY, join(root, 'clf', '1', 'model.txt'));
  await repository.refresh();
  assert.ok(service.ready());
  assert.equal((await service.infer({ model: 'clf', records })).predictions?.length, records.length);
  await repository.close();
});

test('a model.yaml whose inputs disagree with the model file fails the load', async () => {
  const { root, repository } = makeRepo();
  writeFileSync(join(root, 'clf', 'model.yaml'), MODEL_YAML.replace('Column_9', 'Column_X'));
  await repository.scan();
  await assert.rejects(repository.load('clf'), (e: unknown) => isCode('CONFIG_INVALID')(e) && (e as TetraError).where.path === 'inputs[9].name');
});

test('tensor calls of different dtypes or inputs never share a model call', async () => {
  const { repository, service, batches } = makeRepo();
  await repository.scan();
  await repository.load('clf');
  const row = Float64Array.from(input.data[0] as number[], (v) => v ?? Number.NaN);
  const [a, b, c] = await Promise.allSettled([
    service.infer({ model: 'clf', tensors: { features: { dtype: 'float32', shape: [1, 10], data: Float32Array.from(row) } } }),
    service.infer({ model: 'clf', tensors: { features: { dtype: 'float64', shape: [1, 10], data: row } } }),
    service.infer({ model: 'clf', tensors: { features: { dtype: 'float64', shape: [1, 10], data: row }, bogus: { dtype: 'float64', shape: [1, 10], data: row } } }),
  ]);
  assert.equal(a.status, 'fulfilled');
  assert.equal(b.status, 'fulfilled');
  assert.ok(c.status === 'rejected' && TetraError.is(c.reason) && c.reason.code === 'INPUT_TENSOR_UNKNOWN');
  const exact = (b as PromiseFulfilledResult<{ tensors?: Record<string, { data: ArrayLike<number> }> }>).value.tensors?.prediction?.data[0];
  assert.ok(Math.abs((exact as number) - (expected.proba[0] as number)) < 1e-12, 'float64 input kept its precision');
  assert.ok(batches.every((e) => e.calls === 1));
  await repository.close();
});
