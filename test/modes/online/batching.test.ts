import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricValue } from '../../helpers/metrics-text.ts';
import { getJson, postJson, startServer, type RunningServer } from '../../helpers/online-server.ts';
import { linear, linearRepository, ModelControl } from '../../helpers/test-models.ts';
import { waitFor } from '../../helpers/wait-for.ts';

// Models held by a ModelControl let each test know what the model is doing
// (running, waiting for release) instead of guessing from the clock.
const controls = {
  coalesce: new ModelControl('coalesce'),
  queue503: new ModelControl('queue503'),
  queue429: new ModelControl('queue429'),
  timed: new ModelControl('timed'),
};

const server = await startServer({
  repository: linearRepository({
    coalesce: { runtimeOptions: { control: 'coalesce' } },
    queue503: { runtimeOptions: { control: 'queue503' }, yaml: 'batching:\n  max_queue: 2\n' },
    timed: { runtimeOptions: { control: 'timed' } },
    busy: { runtimeOptions: { busy_ms: 300 } },
    lone: {},
  }),
});

/** A request whose settling is recorded in `events`, so tests can assert what happened before what. */
function tracked(events: string[], label: string, request: Promise<Awaited<ReturnType<typeof postJson>>>): Promise<Awaited<ReturnType<typeof postJson>>> {
  return request.then((res) => {
    events.push(label);
    return res;
  });
}

const predict = (base: string, model: string, xs: readonly number[], headers: Record<string, string> = {}) =>
  postJson(`${base}/v1/models/${model}:predict`, { instances: xs.map((x) => ({ x })) }, headers);

function assertAnswers(res: Awaited<ReturnType<typeof postJson>>, xs: readonly number[]): void {
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.predictions.map((p: { y: number }) => p.y), xs.map((x) => linear(x)));
}

function pendingRows(s: RunningServer, model: string): number {
  return s.repository.resolve(model).batcher.pendingRows;
}

test('64 concurrent requests coalesce into batches, and every caller gets the answer to its own rows', { timeout: 20_000 }, async () => {
  const control = controls.coalesce;
  control.hold();
  // 1 to 3 rows per request, every value distinct: a mix-up between callers shows.
  const calls = Array.from({ length: 64 }, (_, i) => Array.from({ length: 1 + (i % 3) }, (_, r) => i * 10 + r + 0.25));
  const totalRows = calls.reduce((n, xs) => n + xs.length, 0);
  const pending = calls.map((xs) => predict(server.url, 'coalesce', xs));
  await control.started(1);
  const firstRows = (control.batches[0] as number[]).length;
  // Everything that was not in the first batch is queued behind it.
  await waitFor('the other requests to queue', () => pendingRows(server, 'coalesce') === totalRows - firstRows);
  control.release();
  const answers = await Promise.all(pending);
  answers.forEach((res, i) => assertAnswers(res, calls[i] as number[]));

  const metrics = (await getJson(`${server.url}/metrics`)).body as string;
  const labels = { model: 'coalesce', version: '1' };
  const sum = metricValue(metrics, 'tetra_batch_size_sum', labels);
  const count = metricValue(metrics, 'tetra_batch_size_count', labels);
  assert.equal(sum, totalRows);
  assert.equal(count, control.batches.length);
  // Requests carry 1 to 3 rows: coalescing shows as more rows per model call than per request.
  const perCall = (sum as number) / (count as number);
  assert.ok(perCall > 1 && perCall > totalRows / calls.length, `${calls.length} requests (${totalRows} rows) ran as ${count} model calls`);
  assert.ok(control.batches.every((b) => b.length <= 64), 'no batch is larger than max_batch_size');
});

/**
 * Holds the model on request A, fills the queue (max_queue 2) with B and
 * C, then sends D: D must be refused at once, while A is still held, and
 * A, B, C must still be answered once the model goes on.
 */
async function fullQueueScenario(s: RunningServer, model: string, control: ModelControl, expectedStatus: number): Promise<void> {
  const events: string[] = [];
  control.hold();
  const a = tracked(events, 'A', predict(s.url, model, [1]));
  await control.started(1);
  const b = tracked(events, 'B', predict(s.url, model, [2]));
  const c = tracked(events, 'C', predict(s.url, model, [3]));
  await waitFor('B and C to fill the queue', () => pendingRows(s, model) === 2);
  const refused = await tracked(events, 'D', predict(s.url, model, [4]));
  assert.equal(refused.status, expectedStatus, JSON.stringify(refused.body));
  assert.equal(refused.body.code, 'OVERLOADED');
  assert.equal(refused.headers.get('retry-after'), '1');
  assert.match(refused.body.error, /queue/);
  // The refusal came back while the first batch was still running.
  assert.equal(control.waiting, 1);
  assert.deepEqual(events, ['D']);
  events.push('released');
  control.release();
  const [ra, rb, rc] = await Promise.all([a, b, c]);
  assertAnswers(ra, [1]);
  assertAnswers(rb, [2]);
  assertAnswers(rc, [3]);
  assert.deepEqual(events.slice(0, 2), ['D', 'released']);
  assert.ok(!control.batches.flat().includes(4), 'the refused request never reached the model');
}

test('a full queue is refused at once with 503 and Retry-After (model.yaml max_queue); accepted requests still succeed', { timeout: 20_000 }, async () => {
  await fullQueueScenario(server, 'queue503', controls.queue503, 503);
});

test('server.overload_status 429 answers a full queue (tetra.yaml max_queue) with 429', { timeout: 20_000 }, async () => {
  const s429 = await startServer({
    repository: linearRepository({ queue429: { runtimeOptions: { control: 'queue429' } } }),
    server: { overload_status: 429 },
    batching: { max_queue: 2 },
  });
  await fullQueueScenario(s429, 'queue429', controls.queue429, 429);
  await s429.close();
});

test('Tetra-Timeout: a call still running in the model when its time is up gets 504 DEADLINE_EXCEEDED, not a late answer', { timeout: 20_000 }, async () => {
  const control = controls.timed;
  const before = control.batches.length;
  control.hold();
  const res = await predict(server.url, 'timed', [5], { 'tetra-timeout': '50ms' });
  assert.equal(res.status, 504, JSON.stringify(res.body));
  assert.equal(res.body.code, 'DEADLINE_EXCEEDED');
  // The model had started this call and had not finished it.
  assert.deepEqual(control.batches.slice(before), [[5]]);
  assert.equal(control.waiting, 1);
  control.release();
  assertAnswers(await predict(server.url, 'timed', [6], { 'tetra-timeout': '10s' }), [6]);
});

test('Tetra-Timeout: a call whose time is up while queued gets 504 and is never computed', { timeout: 20_000 }, async () => {
  const control = controls.timed;
  const events: string[] = [];
  const before = control.batches.length;
  control.hold();
  const first = tracked(events, 'first', predict(server.url, 'timed', [11]));
  await control.started(before + 1);
  const late = await tracked(events, 'timed out', predict(server.url, 'timed', [12], { 'tetra-timeout': '50ms' }));
  assert.equal(late.status, 504, JSON.stringify(late.body));
  assert.equal(late.body.code, 'DEADLINE_EXCEEDED');
  assert.deepEqual(events, ['timed out']);
  control.release();
  assertAnswers(await first, [11]);
  assert.ok(!control.batches.flat().includes(12), 'the expired call was dropped from the queue');
});

test('OIP parameters.timeout (microseconds) bounds a /v2 infer call: 504 DEADLINE_EXCEEDED', { timeout: 20_000 }, async () => {
  const control = controls.timed;
  const url = `${server.url}/v2/models/timed/infer`;
  const body = (x: number, parameters?: Record<string, unknown>) => ({ inputs: [{ name: 'features', shape: [1, 1], datatype: 'FP64', data: [x] }], ...(parameters ? { parameters } : {}) });
  const ok = await postJson(url, body(7));
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.deepEqual(ok.body.outputs[0].data, [linear(7)]);
  control.hold();
  const expired = await postJson(url, body(8, { timeout: 50_000 }));
  assert.equal(expired.status, 504, JSON.stringify(expired.body));
  assert.equal(expired.body.code, 'DEADLINE_EXCEEDED');
  assert.equal(control.waiting, 1, 'the answer came while the model was still computing');
  control.release();
  // A generous budget in microseconds is not mistaken for milliseconds or seconds.
  const generous = await postJson(url, body(9, { timeout: 10_000_000 }));
  assert.equal(generous.status, 200, JSON.stringify(generous.body));
  const bad = await postJson(url, body(9, { timeout: 'soon' }));
  assert.equal(bad.status, 400);
});

test('a model computing past the deadline on the event loop still yields 504, not its late answer', { timeout: 20_000 }, async () => {
  const late = await predict(server.url, 'busy', [3], { 'tetra-timeout': '50ms' });
  assert.equal(late.status, 504, JSON.stringify(late.body));
  assert.equal(late.body.code, 'DEADLINE_EXCEEDED');
  assertAnswers(await predict(server.url, 'busy', [3]), [3]);
});

test('a lone request is answered at once with max_wait 0, while a max_wait 2s server holds it for a fuller batch', { timeout: 20_000 }, async () => {
  const waiting = await startServer({ repository: linearRepository({ lone: {} }), batching: { max_wait: '2s' } });
  const events: string[] = [];
  const held = tracked(events, 'held', predict(waiting.url, 'lone', [3]));
  await waitFor('the lone request to reach the max_wait server\'s queue', () => pendingRows(waiting, 'lone') === 1);
  // One after another, so each finds the server idle: none may wait for company.
  for (let i = 0; i < 5; i++) {
    assertAnswers(await tracked(events, `prompt ${i}`, predict(server.url, 'lone', [i + 100])), [i + 100]);
  }
  assert.deepEqual(events, ['prompt 0', 'prompt 1', 'prompt 2', 'prompt 3', 'prompt 4']);
  assert.equal(pendingRows(waiting, 'lone'), 1, 'the max_wait server is still holding its request');
  assertAnswers(await held, [3]);
  await waiting.close();
});
