import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceService, ModelRepository, TetraError } from '../../src/core/index.ts';
import { allRuntimes } from '../../src/cli/runtimes.ts';
import { fixture } from '../helpers/fixtures.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const LGB = fixture('lgb-boosters-egordm/binary_classification/model.txt');
const record = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`Column_${i}`, i / 10]));

function repoWith(versions: string[], yaml = ''): { root: string; repository: ModelRepository; service: InferenceService } {
  const root = tempDir();
  mkdirSync(join(root, 'm'));
  if (yaml) writeFileSync(join(root, 'm', 'model.yaml'), yaml);
  for (const v of versions) {
    mkdirSync(join(root, 'm', v));
    copyFileSync(LGB, join(root, 'm', v, 'model.txt'));
  }
  const repository = new ModelRepository({ runtimes: allRuntimes(), root });
  return { root, repository, service: new InferenceService(repository) };
}

test('a new version that fails to load leaves the old one serving', async () => {
  const { root, repository, service } = repoWith(['1']);
  await repository.scan();
  await repository.load('m');
  mkdirSync(join(root, 'm', '2'));
  await repository.refresh();
  assert.equal((await service.infer({ model: 'm', records: [record] })).version, '1');
  const states = repository.status('m').versions.map((v) => `${v.version}:${v.state}`);
  assert.deepEqual(states, ['1:ready', '2:failed']);
  copyFileSync(LGB, join(root, 'm', '2', 'model.txt'));
  await repository.refresh();
  assert.equal((await service.infer({ model: 'm', records: [record] })).version, '2');
  assert.deepEqual(repository.status('m').versions.map((v) => v.version), ['2']);
  await repository.close();
});

test('versions are ordered by number: the default is the highest, whatever the load order', async () => {
  const { root, repository, service } = repoWith(['1', '3', '10'], 'version_policy: {pinned: 3}\n');
  await repository.scan();
  await repository.load('m');
  writeFileSync(join(root, 'm', 'model.yaml'), 'version_policy: {pinned: [1, 3, 10]}\n');
  await repository.refresh();
  assert.deepEqual(repository.status('m').versions.map((v) => v.version), ['1', '3', '10']);
  assert.equal((await service.infer({ model: 'm', records: [record] })).version, '10');
  await repository.close();
});

test('concurrent loads of one model load it once', async () => {
  const { root, repository } = repoWith([]);
  mkdirSync(join(root, 'm', '1'));
  let loads = 0;
  writeFileSync(join(root, 'm', '1', 'model.mjs'), `export const features = [{ name: 'x', type: 'number' }];\nexport function load() { globalThis.__tetraLoads = (globalThis.__tetraLoads ?? 0) + 1; }\nexport function predict(b) { return b.map(() => 1); }\n`);
  await repository.scan();
  const g = globalThis as { __tetraLoads?: number };
  g.__tetraLoads = 0;
  await Promise.all([repository.load('m'), repository.load('m'), repository.load('m')]);
  loads = g.__tetraLoads;
  assert.equal(loads, 1);
  await repository.close();
});

test('a model whose folder is deleted stops being served after refresh', async () => {
  const { root, repository, service } = repoWith(['1']);
  await repository.scan();
  await repository.load('m');
  rmSync(join(root, 'm'), { recursive: true });
  await repository.refresh();
  assert.deepEqual(repository.names(), []);
  await assert.rejects(service.infer({ model: 'm', records: [record] }), (e: unknown) => TetraError.is(e) && e.code === 'MODEL_NOT_FOUND');
  await repository.close();
});
