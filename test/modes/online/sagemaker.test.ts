import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { loadTetraConfig } from '../../../src/core/index.ts';
import { PROJECT_ROOT } from '../../helpers/fixtures.ts';
import { FRAUD_FEATURES, FRAUD_REPO, SAMPLE_FEATURE_ROWS, SAMPLE_RECORDS, closeToExpected } from '../../helpers/fraud-sample.ts';
import { jsModel, writeRepo } from '../../helpers/js-model-repo.ts';
import { startServer } from '../../helpers/online-server.ts';

const server = await startServer({ repository: FRAUD_REPO });
const records = SAMPLE_RECORDS.slice(0, 12);
const rows = SAMPLE_FEATURE_ROWS.slice(0, 12);

interface Invocation {
  status: number;
  type: string;
  text: string;
}

async function invoke(body: string, headers: Record<string, string>, url = server.url): Promise<Invocation> {
  const res = await fetch(`${url}/invocations`, { method: 'POST', headers, body });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** Probabilities from a JSON answer `{"predictions": [...]}`. */
function jsonProbabilities(answer: Invocation): number[] {
  assert.equal(answer.status, 200, answer.text);
  assert.match(answer.type, /^application\/json/);
  return (JSON.parse(answer.text) as { predictions: { fraud_probability: number }[] }).predictions.map((p) => p.fraud_probability);
}

const csv = (cells: readonly (readonly string[])[]): string => cells.map((r) => r.join(',')).join('\n') + '\n';

test('GET /ping answers 200 once the models are loaded, 503 while one cannot serve', async () => {
  const res = await fetch(`${server.url}/ping`);
  assert.equal(res.status, 200);
  const broken = await startServer({ repository: writeRepo({ broken: { versions: { '1': { file: 'model.onnx', content: 'not a model' } } } }) });
  assert.equal((await fetch(`${broken.url}/ping`)).status, 503);
  await broken.close();
});

test('application/json: a list of records, {"instances": [...]} and one record', async () => {
  const target = { 'content-type': 'application/json', 'x-amzn-sagemaker-target-model': 'fraud-xgb' };
  assert.equal(closeToExpected('fraud-xgb', jsonProbabilities(await invoke(JSON.stringify(records), target))), undefined);
  assert.equal(closeToExpected('fraud-xgb', jsonProbabilities(await invoke(JSON.stringify({ instances: records }), target))), undefined);
  const one = jsonProbabilities(await invoke(JSON.stringify(records[3]), target));
  assert.equal(one.length, 1);
  assert.equal(closeToExpected('fraud-xgb', one, 3), undefined);
  // Content type parameters do not matter.
  const charset = await invoke(JSON.stringify(records), { ...target, 'content-type': 'application/json; charset=utf-8' });
  assert.equal(closeToExpected('fraud-xgb', jsonProbabilities(charset)), undefined);
});

test('application/jsonlines: one record per line, blank lines ignored', async () => {
  const body = records.map((r) => JSON.stringify(r)).join('\n') + '\n\n';
  const answer = await invoke(body, { 'content-type': 'application/jsonlines', 'x-amzn-sagemaker-target-model': 'fraud-xgb' });
  assert.equal(closeToExpected('fraud-xgb', jsonProbabilities(answer)), undefined);
});

test('text/csv: feature values in schema order, with or without a header row', async () => {
  const target = { 'content-type': 'text/csv', 'x-amzn-sagemaker-target-model': 'fraud-xgb' };
  const bare = await invoke(csv(rows), target);
  assert.equal(closeToExpected('fraud-xgb', jsonProbabilities(bare)), undefined);
  const headed = await invoke(csv([FRAUD_FEATURES, ...rows]), target);
  assert.equal(closeToExpected('fraud-xgb', jsonProbabilities(headed)), undefined);
  assert.equal(JSON.parse(headed.text).predictions.length, rows.length, 'the header row is not scored');
  // Windows line ends and no final newline.
  const crlf = await invoke(rows.map((r) => r.join(',')).join('\r\n'), target);
  assert.equal(closeToExpected('fraud-xgb', jsonProbabilities(crlf)), undefined);
  const short = await invoke('1,2,3\n', target);
  assert.equal(short.status, 400);
  assert.match(JSON.parse(short.text).error, /row 0: 3 values but the model takes 12 features/);
});

test('the Accept header picks JSON, JSON Lines or CSV output', async () => {
  const target = { 'content-type': 'text/csv', 'x-amzn-sagemaker-target-model': 'fraud-xgb' };
  const lines = await invoke(csv(rows), { ...target, accept: 'application/jsonlines' });
  assert.equal(lines.status, 200);
  assert.match(lines.type, /^application\/jsonlines/);
  const parsed = lines.text.trim().split('\n').map((l) => JSON.parse(l) as { fraud_probability: number; label: string });
  assert.equal(closeToExpected('fraud-xgb', parsed.map((p) => p.fraud_probability)), undefined);
  assert.ok(parsed.every((p) => p.label === 'fraud' || p.label === 'legit'));
  const table = await invoke(csv(rows), { ...target, accept: 'text/csv' });
  assert.equal(table.status, 200);
  assert.match(table.type, /^text\/csv/);
  const cells = table.text.trim().split('\n').map((l) => l.split(','));
  assert.equal(cells.length, rows.length);
  assert.equal(closeToExpected('fraud-xgb', cells.map((c) => Number(c[0]))), undefined);
  assert.deepEqual(cells.map((c) => c[1]), parsed.map((p) => p.label));
  for (const accept of ['application/json', '*/*', 'application/json, text/csv']) {
    assert.equal(closeToExpected('fraud-xgb', jsonProbabilities(await invoke(csv(rows), { ...target, accept }))), undefined, accept);
  }
  // Quality values rank the types; types Tetra cannot write are passed over.
  assert.match((await invoke(csv(rows), { ...target, accept: 'text/csv;q=0.9, application/json;q=0.1' })).type, /^text\/csv/);
  assert.match((await invoke(csv(rows), { ...target, accept: 'text/csv;q=0.1, application/jsonlines' })).type, /^application\/jsonlines/);
  assert.match((await invoke(csv(rows), { ...target, accept: 'text/html, text/csv' })).type, /^text\/csv/);
});

test('X-Amzn-SageMaker-Target-Model picks the model by name or artifact name; the default model otherwise', async () => {
  const body = JSON.stringify(records);
  for (const [header, model] of [['fraud-xgb', 'fraud-xgb'], ['fraud-xgb.tar.gz', 'fraud-xgb'], ['fraud-logreg.tar.gz', 'fraud-logreg'], ['fraud-logreg', 'fraud-logreg']] as const) {
    const answer = await invoke(body, { 'content-type': 'application/json', 'x-amzn-sagemaker-target-model': header });
    assert.equal(closeToExpected(model, jsonProbabilities(answer)), undefined, header);
  }
  const review = await invoke(body, { 'content-type': 'application/json', 'x-amzn-sagemaker-target-model': 'fraud-review' });
  assert.equal(review.status, 200, review.text);
  assert.ok((JSON.parse(review.text).predictions as { decision: string }[]).every((p) => ['approve', 'review', 'decline'].includes(p.decision)));
  const unknown = await invoke(body, { 'content-type': 'application/json', 'x-amzn-sagemaker-target-model': 'nope.tar.gz' });
  assert.equal(unknown.status, 404);
  assert.match(JSON.parse(unknown.text).error, /nope/);
  // Without the header: the first model of the repository, in name order.
  const fallback = await invoke(body, { 'content-type': 'application/json' });
  assert.equal(closeToExpected('fraud-logreg', jsonProbabilities(fallback)), undefined);
  // One model served: that one.
  const single = await startServer({ repository: writeRepo({ doubler: { versions: { '1': jsModel('x * 2') } } }) });
  const only = await invoke('3\n4.5\n', { 'content-type': 'text/csv', accept: 'text/csv' }, single.url);
  assert.equal(only.status, 200, only.text);
  assert.equal(only.text, '6\n9\n');
  await single.close();
});

test('bad invocations: unsupported content type 415 or 400, bad JSON 400, and the server keeps serving', async () => {
  const target = { 'x-amzn-sagemaker-target-model': 'fraud-xgb' };
  const xml = await invoke('<r/>', { ...target, 'content-type': 'application/xml' });
  assert.ok(xml.status === 400 || xml.status === 415, xml.text);
  assert.match(JSON.parse(xml.text).error, /application\/xml/);
  const bad = await invoke('{"amount": ', { ...target, 'content-type': 'application/json' });
  assert.equal(bad.status, 400);
  const badLine = await invoke(`${JSON.stringify(records[0])}\n[1, 2]\n`, { ...target, 'content-type': 'application/jsonlines' });
  assert.equal(badLine.status, 400);
  assert.match(JSON.parse(badLine.text).error, /line 2/);
  assert.equal((await invoke(csv(rows), { ...target, 'content-type': 'text/csv' })).status, 200);
});

test('SAGEMAKER_BIND_TO_PORT sets the port whatever the order of the environment; --port still wins', async () => {
  const orders: NodeJS.ProcessEnv[] = [
    { SAGEMAKER_BIND_TO_PORT: '8081', TETRA_PORT: '9000' },
    { TETRA_PORT: '9000', SAGEMAKER_BIND_TO_PORT: '8081' },
    { SAGEMAKER_BIND_TO_PORT: '8081', TETRA_SERVER__PORT: '9000' },
  ];
  for (const env of orders) assert.equal((await loadTetraConfig({ file: null, env })).server.port, 8081, JSON.stringify(env));
  assert.equal((await loadTetraConfig({ file: null, env: { SAGEMAKER_BIND_TO_PORT: '8081' }, flags: { server: { port: 7000 } } })).server.port, 7000);
});

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

test('tetra serve as a Batch Transform container: SAGEMAKER_BIND_TO_PORT when no --port is given, the SAGEMAKER_* settings in /execution-parameters', { timeout: 60_000 }, async () => {
  const port = await freePort();
  const other = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TETRA_') && !k.startsWith('SAGEMAKER_')));
  const sagemaker = { SAGEMAKER_BATCH: 'true', SAGEMAKER_MAX_PAYLOAD_IN_MB: '1', SAGEMAKER_BATCH_STRATEGY: 'SINGLE_RECORD', SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: '3' };
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'cli', 'bin.ts'), 'serve', '--repo', FRAUD_REPO, '--host', '127.0.0.1'], {
    cwd: PROJECT_ROOT,
    // TETRA_PORT comes after it in the environment: the SageMaker port must still win.
    env: { ...env, ...sagemaker, SAGEMAKER_BIND_TO_PORT: String(port), TETRA_PORT: String(other), TETRA_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const until = Date.now() + 45_000;
  let status = 0;
  while (status !== 200) {
    if (child.exitCode !== null) assert.fail(`tetra serve exited with ${child.exitCode}: ${output}`);
    if (Date.now() > until) assert.fail(`nothing answered /ping on port ${port}: ${output}`);
    status = await fetch(`http://127.0.0.1:${port}/ping`).then((r) => r.status, () => 0);
    if (status !== 200) await new Promise((r) => setTimeout(r, 200));
  }
  const url = `http://127.0.0.1:${port}`;
  assert.deepEqual(await (await fetch(`${url}/execution-parameters`)).json(), { MaxConcurrentTransforms: 3, BatchStrategy: 'SINGLE_RECORD', MaxPayloadInMB: 1 });
  // In Batch Transform, CSV in is CSV out unless Accept says otherwise.
  const answer = await invoke(csv(rows.slice(0, 2)), { 'content-type': 'text/csv', 'x-amzn-sagemaker-target-model': 'fraud-xgb' }, url);
  assert.match(answer.type, /^text\/csv/);
  assert.equal(closeToExpected('fraud-xgb', answer.text.split('\n').map((line) => Number(line.split(',')[0]))), undefined);
  const json = await invoke(csv(rows.slice(0, 2)), { 'content-type': 'text/csv', 'x-amzn-sagemaker-target-model': 'fraud-xgb', accept: 'application/json' }, url);
  assert.equal(closeToExpected('fraud-xgb', jsonProbabilities(json)), undefined);
  const tooLarge = await invoke('1'.repeat(1024 * 1024 + 1), { 'content-type': 'text/csv', 'x-amzn-sagemaker-target-model': 'fraud-xgb' }, url);
  assert.equal(tooLarge.status, 413, 'the body limit is SAGEMAKER_MAX_PAYLOAD_IN_MB');
  child.kill('SIGTERM');
  assert.equal(await exited, 0, output);
});
