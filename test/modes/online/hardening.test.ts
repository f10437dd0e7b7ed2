import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceService, ModelRepository, TetraError } from '../../../src/core/index.ts';
import { httpErrorReply } from '../../../src/modes/online/http-error.ts';
import { allRuntimes } from '../../../src/cli/runtimes.ts';
import { jsModel, writeRepo } from '../../helpers/js-model-repo.ts';
import { postJson, startServer } from '../../helpers/online-server.ts';

const repo = writeRepo({
  double: { versions: { 1: jsModel('x * 2') } },
  broken: { versions: { 1: jsModel('x', "throw new TypeError('cannot read properties of undefined');") } },
});
const server = await startServer({ repository: repo });
const infer = (model: string, body: unknown) => postJson(`${server.url}/v2/models/${model}/infer`, body);

test('an FP16 feature column is read as the number it holds, not its bits', async () => {
  const res = await infer('double', { inputs: [{ name: 'x', shape: [1], datatype: 'FP16', data: [1.5] }] });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.outputs[0].data[0], 3);
});

test('an input that is neither an input nor a feature is the one named in the error', async () => {
  const res = await infer('double', { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }, { name: 'extra', shape: [1], datatype: 'FP32', data: [1] }] });
  assert.equal(res.status, 400);
  assert.match(res.body.error, /input "extra" is neither/);
});

test('no body, an absurd rank and a deeply nested id are 400s, not 500s', async () => {
  const empty = await fetch(`${server.url}/v2/models/double/infer`, { method: 'POST' });
  assert.equal(empty.status, 400);
  const rank = 5000;
  const data = `${'['.repeat(rank)}1${']'.repeat(rank)}`;
  const deep = await infer('double', `{"inputs": [{"name": "x", "shape": [${new Array(rank).fill(1).join(',')}], "datatype": "FP32", "data": ${data}}]}`);
  assert.equal(deep.status, 400);
  assert.match(deep.body.error, /at most 32/);
  const id = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
  const nested = await infer('double', `{"id": ${id}, "inputs": []}`);
  assert.equal(nested.status, 400);
});

test('an unexpected failure answers 500 without the internal message; framework client errors keep their status', () => {
  const options = { overloadStatus: 503 as const, retryAfterSeconds: 1 };
  const internal = httpErrorReply(new TypeError('cannot read properties of undefined'), options);
  assert.equal(internal.status, 500);
  assert.doesNotMatch(internal.body.error, /cannot read/);
  const badUrl = httpErrorReply(Object.assign(new Error("'/v2/%zz' is not a valid url component"), { statusCode: 400, code: 'FST_ERR_BAD_URL' }), options);
  assert.equal(badUrl.status, 400);
  assert.equal(badUrl.body.code, 'INPUT_MALFORMED');
  const overloaded = httpErrorReply(new TetraError('OVERLOADED', 'full'), { overloadStatus: 429, retryAfterSeconds: 2 });
  assert.equal(overloaded.status, 429);
  assert.equal(overloaded.headers['retry-after'], '2');
});

test('a timeout longer than a timer can hold does not expire at once', async () => {
  const res = await postJson(`${server.url}/v1/models/double:predict`, { instances: [{ x: 2 }] }, { 'tetra-timeout': '1000h' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.predictions[0].y, 4);
});

test('a broken model.yaml written during a canary keeps the canary split, not all traffic on the canary', async () => {
  const yaml = 'rollout:\n  canary: {version: 2, percent: 10}\n';
  const root = writeRepo({ m: { yaml, versions: { 1: jsModel('1'), 2: jsModel('2') } } });
  const repository = new ModelRepository({ runtimes: allRuntimes(), root });
  const service = new InferenceService(repository);
  await repository.scan();
  await repository.loadAll();
  writeFileSync(join(root, 'm', 'model.yaml'), 'rollout:\n  canary: {version: 2, percent: \n');
  await repository.refresh();
  assert.equal(repository.status('m').error?.code, 'CONFIG_INVALID');
  let canary = 0;
  for (let i = 0; i < 400; i++) if ((await service.infer({ model: 'm', records: [{ x: 0 }] })).version === '2') canary++;
  assert.ok(canary > 10 && canary < 80, `canary answered ${canary} of 400`);
  await repository.close();
});
