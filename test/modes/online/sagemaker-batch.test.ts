import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { buildServing } from '../../../src/cli/build-serving.ts';
import { TetraError, loadTetraConfig, tetraConfigSchema } from '../../../src/core/index.ts';
import { executionParameters, sagemakerBatchSettings } from '../../../src/modes/online/routes/sagemaker-batch.ts';
import { FRAUD_REPO, SAMPLE_FEATURE_ROWS, SAMPLE_RECORDS, closeToExpected } from '../../helpers/fraud-sample.ts';
import { jsModel, writeRepo } from '../../helpers/js-model-repo.ts';
import { startServer, type RunningServer } from '../../helpers/online-server.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const MIB = 1024 * 1024;

/** A model of two features where order matters: y = a - b. */
const SUBTRACT = {
  file: 'model.js',
  content: `export const features = [{ name: 'a', type: 'number' }, { name: 'b', type: 'number' }];
export const outputs = { y: 'float64' };
export async function predict(batch) {
  return batch.map(({ a, b }) => ({ y: a - b }));
}
`,
};
const REPO = writeRepo({ doubler: { versions: { '1': jsModel('x * 2') } }, subtract: { versions: { '1': SUBTRACT } } });

/** Starts a server as a Batch Transform container, with tetra.yaml's `sagemaker` settings. */
function startBatchServer(sagemaker: Record<string, unknown>, settings: Record<string, unknown>): Promise<RunningServer> {
  return startServer({ ...settings, sagemaker: { batch: true, ...sagemaker } });
}

const batch = await startBatchServer({ batch_strategy: 'MULTI_RECORD', max_concurrent_transforms: 4 }, { repository: REPO, server: { body_limit: '2mb' } });

async function invoke(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(`${url}/invocations`, { method: 'POST', headers, body });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

function configError(promise: Promise<unknown>, message: RegExp, path?: string): Promise<void> {
  return assert.rejects(promise, (e: unknown) => {
    assert.ok(TetraError.is(e), String(e));
    assert.equal(e.code, 'CONFIG_INVALID');
    assert.match(e.message, message);
    if (path !== undefined) assert.equal(e.where.path, path);
    return true;
  });
}

test('SAGEMAKER_MAX_PAYLOAD_IN_MB is the body limit in MiB, over TETRA_* in any order; flags still win', async () => {
  const limit = async (env: NodeJS.ProcessEnv, flags = {}) => (await loadTetraConfig({ file: null, env, flags })).server.body_limit;
  assert.equal(await limit({ SAGEMAKER_MAX_PAYLOAD_IN_MB: '6' }), 6 * MIB);
  assert.equal(await limit({ SAGEMAKER_MAX_PAYLOAD_IN_MB: '20', TETRA_SERVER__BODY_LIMIT: '1mb' }), 20 * MIB);
  assert.equal(await limit({ TETRA_SERVER__BODY_LIMIT: '1mb', SAGEMAKER_MAX_PAYLOAD_IN_MB: '20' }), 20 * MIB);
  assert.equal(await limit({ SAGEMAKER_MAX_PAYLOAD_IN_MB: '20' }, { server: { body_limit: '50mb' } }), 50 * MIB);
  assert.equal(await limit({}), 8 * MIB, 'unset: the default');
  await configError(limit({ SAGEMAKER_MAX_PAYLOAD_IN_MB: '0' }), /server\.body_limit \(from SAGEMAKER_MAX_PAYLOAD_IN_MB\): SAGEMAKER_MAX_PAYLOAD_IN_MB is 0 .*needs a bound/);
  await configError(limit({ SAGEMAKER_MAX_PAYLOAD_IN_MB: '6.5' }), /SAGEMAKER_MAX_PAYLOAD_IN_MB must be a whole number of megabytes, got "6.5"/);
  await configError(limit({ SAGEMAKER_MAX_PAYLOAD_IN_MB: 'lots' }), /got "lots"/);
});

test('sagemaker settings default to a plain server: no Batch Transform, MULTI_RECORD, one concurrent transform per core', async () => {
  const config = await loadTetraConfig({ file: null, env: {} });
  assert.deepEqual(config.sagemaker, { batch: false, batch_strategy: 'MULTI_RECORD' });
  assert.equal(config.sagemaker.max_concurrent_transforms, undefined, 'the schema leaves the machine-dependent default to the online mode');
  assert.deepEqual(sagemakerBatchSettings(config.sagemaker), { batch: false, strategy: 'MULTI_RECORD', maxConcurrentTransforms: availableParallelism() });
  const parsed = tetraConfigSchema.parse({ sagemaker: { batch: true } }).sagemaker;
  assert.deepEqual(parsed, { batch: true, batch_strategy: 'MULTI_RECORD' }, 'a partial section keeps the other defaults');
});

test('SAGEMAKER_BATCH, SAGEMAKER_BATCH_STRATEGY and SAGEMAKER_MAX_CONCURRENT_TRANSFORMS map onto sagemaker.*', async () => {
  const sagemaker = async (env: NodeJS.ProcessEnv, file?: string) => (await loadTetraConfig({ file: file ?? null, env })).sagemaker;
  for (const [raw, expected] of [['true', true], ['TRUE', true], ['1', true], ['false', false], ['0', false]] as const) {
    assert.equal((await sagemaker({ SAGEMAKER_BATCH: raw })).batch, expected, `SAGEMAKER_BATCH=${raw}`);
  }
  for (const [raw, expected] of [['SINGLE_RECORD', 'SINGLE_RECORD'], ['SingleRecord', 'SINGLE_RECORD'], ['MultiRecord', 'MULTI_RECORD'], ['MULTI_RECORD', 'MULTI_RECORD']] as const) {
    assert.equal((await sagemaker({ SAGEMAKER_BATCH_STRATEGY: raw })).batch_strategy, expected, `SAGEMAKER_BATCH_STRATEGY=${raw}`);
  }
  assert.equal((await sagemaker({ SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: '16' })).max_concurrent_transforms, 16);
  const zero = await sagemaker({ SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: '0' });
  assert.equal(zero.max_concurrent_transforms, undefined, '0 leaves the choice to the container');
  assert.equal(sagemakerBatchSettings(zero).maxConcurrentTransforms, availableParallelism());
  // The container's choice is its own configuration, when it has one.
  const file = join(tempDir(), 'tetra.yaml');
  writeFileSync(file, 'sagemaker:\n  max_concurrent_transforms: 3\n  batch_strategy: SINGLE_RECORD\n');
  assert.equal((await sagemaker({ SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: '0' }, file)).max_concurrent_transforms, 3);
  assert.equal((await sagemaker({ SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: '5' }, file)).max_concurrent_transforms, 5, 'a number from the job wins');
  assert.equal((await sagemaker({ SAGEMAKER_BATCH_STRATEGY: 'MultiRecord' }, file)).batch_strategy, 'MULTI_RECORD');
  // The generic TETRA_SECTION__KEY rule reaches the section too; the SageMaker variables win over it in any order.
  const generic = await sagemaker({ TETRA_SAGEMAKER__BATCH: 'true', TETRA_SAGEMAKER__BATCH_STRATEGY: 'SingleRecord', TETRA_SAGEMAKER__MAX_CONCURRENT_TRANSFORMS: '7' });
  assert.deepEqual(generic, { batch: true, batch_strategy: 'SINGLE_RECORD', max_concurrent_transforms: 7 });
  assert.equal((await sagemaker({ SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: '2', TETRA_SAGEMAKER__MAX_CONCURRENT_TRANSFORMS: '7' })).max_concurrent_transforms, 2);
  assert.equal((await sagemaker({ TETRA_SAGEMAKER__BATCH: 'false', SAGEMAKER_BATCH: 'true' })).batch, true);
});

test('a bad SageMaker setting fails config loading, naming the setting and the variable', async () => {
  const load = (env: NodeJS.ProcessEnv) => loadTetraConfig({ file: null, env });
  await configError(load({ SAGEMAKER_BATCH_STRATEGY: 'ALL' }), /sagemaker\.batch_strategy \(from SAGEMAKER_BATCH_STRATEGY\): expected MULTI_RECORD or SINGLE_RECORD.*got "ALL"/, 'sagemaker.batch_strategy');
  await configError(load({ TETRA_SAGEMAKER__BATCH_STRATEGY: 'EVERY_RECORD' }), /sagemaker\.batch_strategy \(from TETRA_SAGEMAKER__BATCH_STRATEGY\)/, 'sagemaker.batch_strategy');
  await configError(load({ SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: '-2' }), /sagemaker\.max_concurrent_transforms \(from SAGEMAKER_MAX_CONCURRENT_TRANSFORMS\): SAGEMAKER_MAX_CONCURRENT_TRANSFORMS must be a whole number .*got "-2"/, 'sagemaker.max_concurrent_transforms');
  await configError(load({ SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: 'many' }), /\(from SAGEMAKER_MAX_CONCURRENT_TRANSFORMS\).*got "many"/, 'sagemaker.max_concurrent_transforms');
  await configError(load({ SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: '2.5' }), /got "2.5"/, 'sagemaker.max_concurrent_transforms');
  await configError(load({ SAGEMAKER_BATCH: 'maybe' }), /sagemaker\.batch \(from SAGEMAKER_BATCH\): SAGEMAKER_BATCH must be true or false, got "maybe"/, 'sagemaker.batch');
  await configError(load({ TETRA_SAGEMAKER__MAX_CONCURRENT_TRANSFORMS: '0' }), /sagemaker\.max_concurrent_transforms \(from TETRA_SAGEMAKER__MAX_CONCURRENT_TRANSFORMS\)/, 'sagemaker.max_concurrent_transforms');
});

test('MaxPayloadInMB is the body limit in whole MiB, within SageMaker\'s 1-100', () => {
  const settings = { batch: false, strategy: 'MULTI_RECORD', maxConcurrentTransforms: 1 } as const;
  assert.equal(executionParameters(settings, 6 * MIB).MaxPayloadInMB, 6);
  assert.equal(executionParameters(settings, 6.5 * MIB).MaxPayloadInMB, 6, 'whole MiB the body limit holds');
  assert.equal(executionParameters(settings, 1000 * MIB).MaxPayloadInMB, 100, 'SageMaker takes at most 100');
  assert.equal(executionParameters(settings, 512 * 1024).MaxPayloadInMB, 1, 'never 0, which would ask for unbounded payloads');
});

test('GET /execution-parameters answers from the sagemaker settings and the body limit', async () => {
  const res = await fetch(`${batch.url}/execution-parameters`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(await res.json(), { MaxConcurrentTransforms: 4, BatchStrategy: 'MULTI_RECORD', MaxPayloadInMB: 2 });
  // A plain online server answers too, with its defaults (SageMaker asks only in Batch Transform).
  const online = await startServer({ repository: REPO });
  assert.deepEqual(await (await fetch(`${online.url}/execution-parameters`)).json(), { MaxConcurrentTransforms: availableParallelism(), BatchStrategy: 'MULTI_RECORD', MaxPayloadInMB: 8 });
  await online.close();
  const single = await startBatchServer({ batch_strategy: 'SINGLE_RECORD' }, { repository: REPO });
  assert.equal(((await (await fetch(`${single.url}/execution-parameters`)).json()) as { BatchStrategy: string }).BatchStrategy, 'SINGLE_RECORD');
  await single.close();
});

test('tetra.yaml sagemaker settings and SAGEMAKER_* variables reach GET /execution-parameters over HTTP', async () => {
  const file = join(tempDir(), 'tetra.yaml');
  writeFileSync(file, `repository: ${JSON.stringify(REPO)}\nserver:\n  host: 127.0.0.1\n  port: 0\n  reload_interval: 0\n  body_limit: 3mb\nlogging:\n  level: silent\nsagemaker:\n  batch: true\n  batch_strategy: SingleRecord\n  max_concurrent_transforms: 6\n`);
  const serve = async (env: NodeJS.ProcessEnv): Promise<unknown> => {
    const serving = await buildServing(await loadTetraConfig({ file, env }));
    try {
      await serving.load();
      const url = (await serving.server.listen()).replace('[::1]', '127.0.0.1');
      const res = await fetch(`${url}/execution-parameters`);
      assert.equal(res.status, 200);
      return await res.json();
    } finally {
      await serving.close();
    }
  };
  assert.deepEqual(await serve({}), { MaxConcurrentTransforms: 6, BatchStrategy: 'SINGLE_RECORD', MaxPayloadInMB: 3 });
  assert.deepEqual(await serve({ SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: '0' }), { MaxConcurrentTransforms: 6, BatchStrategy: 'SINGLE_RECORD', MaxPayloadInMB: 3 }, '0: the container decides');
  assert.deepEqual(
    await serve({ SAGEMAKER_BATCH_STRATEGY: 'MultiRecord', SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: '2', SAGEMAKER_MAX_PAYLOAD_IN_MB: '5' }),
    { MaxConcurrentTransforms: 2, BatchStrategy: 'MULTI_RECORD', MaxPayloadInMB: 5 },
  );
});

test('a payload over MaxPayloadInMB gets 413; one just under it is served', async () => {
  const line = '1\n';
  const under = line.repeat(Math.floor((2 * MIB - 16) / line.length));
  const ok = await invoke(batch.url, under, { 'content-type': 'text/csv', 'x-amzn-sagemaker-target-model': 'doubler' });
  assert.equal(ok.status, 200, ok.text.slice(0, 200));
  assert.equal(ok.text.split('\n').length, under.length / line.length);
  const over = await invoke(batch.url, line.repeat(MIB + 10), { 'content-type': 'text/csv', 'x-amzn-sagemaker-target-model': 'doubler' });
  assert.equal(over.status, 413);
});

test('multi-record CSV without a header: one output line per input line, in order, CSV out when no Accept is chosen', async () => {
  const count = 5000;
  const body = Array.from({ length: count }, (_, i) => String(i)).join('\n') + '\n';
  for (const headers of [{}, { accept: '*/*' }] as Record<string, string>[]) {
    const answer = await invoke(batch.url, body, { 'content-type': 'text/csv', 'x-amzn-sagemaker-target-model': 'doubler', ...headers });
    assert.equal(answer.status, 200, answer.text.slice(0, 200));
    assert.match(answer.type, /^text\/csv/);
    assert.ok(!answer.text.endsWith('\n'), 'SageMaker adds the line end after each response (AssembleWith=Line)');
    assert.deepEqual(answer.text.split('\n'), Array.from({ length: count }, (_, i) => String(i * 2)));
  }
  // Features by position in the model's order.
  const subtract = await invoke(batch.url, '10,3\n3,10\n0.5,0.25', { 'content-type': 'text/csv', 'x-amzn-sagemaker-target-model': 'subtract' });
  assert.equal(subtract.text, '7\n-7\n0.25');
  // An explicit Accept is honoured.
  const json = await invoke(batch.url, '1\n2\n', { 'content-type': 'text/csv', 'x-amzn-sagemaker-target-model': 'doubler', accept: 'application/json' });
  assert.deepEqual(JSON.parse(json.text), { predictions: [{ y: 2 }, { y: 4 }] });
});

test('multi-record CSV of the fraud model, header-less, matches the reference row by row', async () => {
  const rows = SAMPLE_FEATURE_ROWS;
  const fraud = await startBatchServer({}, { repository: FRAUD_REPO });
  const lines = await invoke(fraud.url, rows.map((r) => r.join(',')).join('\n') + '\n', { 'content-type': 'text/csv', 'x-amzn-sagemaker-target-model': 'fraud-xgb' });
  assert.equal(lines.status, 200, lines.text.slice(0, 200));
  const cells = lines.text.split('\n').map((l) => l.split(','));
  assert.equal(cells.length, rows.length);
  assert.equal(closeToExpected('fraud-xgb', cells.map((c) => Number(c[0]))), undefined);
  // JSON Lines in, JSON Lines out.
  const jsonl = await invoke(fraud.url, SAMPLE_RECORDS.map((r) => JSON.stringify(r)).join('\n'), { 'content-type': 'application/jsonlines', 'x-amzn-sagemaker-target-model': 'fraud-xgb' });
  assert.match(jsonl.type, /^application\/jsonlines/);
  const parsed = jsonl.text.split('\n').map((l) => JSON.parse(l) as { fraud_probability: number });
  assert.equal(parsed.length, SAMPLE_RECORDS.length);
  assert.equal(closeToExpected('fraud-xgb', parsed.map((p) => p.fraud_probability)), undefined);
  await fraud.close();
});

test('JSON: SplitType=Line sends one JSON document per line; arrays are feature values by position', async () => {
  const target = { 'x-amzn-sagemaker-target-model': 'subtract' };
  const lines = await invoke(batch.url, '{"a": 5, "b": 1}\n{"b": 1, "a": 9}\n\n[4, 1]\n', { ...target, 'content-type': 'application/json' });
  assert.equal(lines.status, 200, lines.text);
  assert.match(lines.type, /^application\/jsonlines/);
  assert.equal(lines.text, '{"y":4}\n{"y":8}\n{"y":3}');
  const jsonl = await invoke(batch.url, '[10, 4]\n{"a": 1, "b": 2}\n', { ...target, 'content-type': 'application/jsonlines' });
  assert.equal(jsonl.text, '{"y":6}\n{"y":-1}');
  // One JSON document (SplitType=None): a list of records, of rows, or one row of values.
  const rows = await invoke(batch.url, '{"instances": [[3, 1], {"a": 3, "b": 2}]}', { ...target, 'content-type': 'application/json' });
  assert.equal(rows.text, '{"y":2}\n{"y":1}');
  const one = await invoke(batch.url, '[7, 2]', { ...target, 'content-type': 'application/json' });
  assert.equal(one.text, '{"y":5}');
  const pretty = await invoke(batch.url, '[\n  {"a": 2,\n   "b": 2}\n]\n', { ...target, 'content-type': 'application/json' });
  assert.equal(pretty.text, '{"y":0}', 'a multi-line document is still one document');
  // Errors name the line, and the value count.
  const short = await invoke(batch.url, '[1, 2]\n[1]\n', { ...target, 'content-type': 'application/jsonlines' });
  assert.equal(short.status, 400);
  assert.match(JSON.parse(short.text).error, /line 2: 1 values but the model takes 2 features \(a, b\)/);
  const broken = await invoke(batch.url, '{"a": 1, "b": 2}\n{"a": \n', { ...target, 'content-type': 'application/json' });
  assert.equal(broken.status, 400);
  assert.match(JSON.parse(broken.text).error, /line 2/);
});

test('SINGLE_RECORD: one record per request, one line back', async () => {
  const single = await startBatchServer({ batch_strategy: 'SINGLE_RECORD' }, { repository: REPO });
  const csv = await invoke(single.url, '21', { 'content-type': 'text/csv', 'x-amzn-sagemaker-target-model': 'doubler' });
  assert.equal(csv.text, '42');
  const json = await invoke(single.url, '{"x": 4}', { 'content-type': 'application/json', 'x-amzn-sagemaker-target-model': 'doubler' });
  assert.equal(json.text, '{"y":8}');
  await single.close();
});

test('concurrent multi-record requests (MaxConcurrentTransforms) each get their own lines in order', async () => {
  const bodies = Array.from({ length: 4 }, (_, k) => Array.from({ length: 300 }, (_, i) => String(k * 1000 + i)));
  const answers = await Promise.all(bodies.map((rows) => invoke(batch.url, rows.join('\n'), { 'content-type': 'text/csv', 'x-amzn-sagemaker-target-model': 'doubler' })));
  answers.forEach((answer, k) => {
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.text.split('\n'), bodies[k]?.map((v) => String(Number(v) * 2)));
  });
});

test('a header row is skipped only when it is exactly the feature names; other rows must have one value per feature', async () => {
  const target = { 'content-type': 'text/csv', 'x-amzn-sagemaker-target-model': 'subtract' };
  assert.equal((await invoke(batch.url, 'a,b\n5,2\n', target)).text, '3');
  const wrongOrder = await invoke(batch.url, 'b,a\n5,2\n', target);
  assert.equal(wrongOrder.status, 400, 'a header in another order is data, and not numbers');
  const wide = await invoke(batch.url, '5,2,1\n', target);
  assert.equal(wide.status, 400);
  assert.match(JSON.parse(wide.text).error, /row 0: 3 values but the model takes 2 features \(a, b\)/);
});
