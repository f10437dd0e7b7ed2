import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricValue } from '../../helpers/metrics-text.ts';
import { getJson, postJson } from '../../helpers/online-server.ts';
import { startRequest, tryConnect } from '../../helpers/raw-http.ts';
import { startServeProcess } from '../../helpers/serve-process.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { linear, linearRepository } from '../../helpers/test-models.ts';
import { waitFor } from '../../helpers/wait-for.ts';

test('SIGTERM: readiness turns false at once, new connections are refused, every in-flight request is answered, then exit 0', { timeout: 60_000 }, async () => {
  const dir = tempDir('tetra-shutdown-');
  // The model answers nothing until this file exists: the requests stay in flight as long as the test needs.
  const gate = join(dir, 'release');
  const repo = linearRepository({ slow: { runtimeOptions: { gate_file: gate } } });
  const config = join(dir, 'tetra.yaml');
  writeFileSync(config, `repository: ${JSON.stringify(repo)}\nserver:\n  reload_interval: 0\n  shutdown_grace: 15s\n`);
  const tetra = await startServeProcess(['--config', config]);
  assert.equal((await getJson(`${tetra.url}/v2/health/ready`)).status, 200);

  // Connections opened before the signal, each with a request begun but not finished.
  const probe = await startRequest(tetra.url, 'GET /v2/health/ready HTTP/1.1\r\nHost: tetra\r\n');
  const lateInfer = await startRequest(tetra.url, 'POST /v1/models/slow:predict HTTP/1.1\r\nHost: tetra\r\nContent-Type: application/json\r\n');

  const events: string[] = [];
  const xs = [1, 2, 3, 4, 5, 6];
  const inFlight = xs.map((x) =>
    postJson(`${tetra.url}/v1/models/slow:predict`, { instances: [{ x }] }).then(
      (res) => (events.push(`answer ${x}`), res),
      (error: Error) => (events.push(`failed ${x}`), { status: 0, headers: new Headers(), body: String(error.cause ?? error) }),
    ),
  );
  // Every one of them has reached the server (the metrics request itself is in flight too).
  await waitFor('the requests to reach the server', async () => (metricValue((await getJson(`${tetra.url}/metrics`)).body, 'tetra_http_in_flight') ?? 0) >= xs.length + 1);

  tetra.child.kill('SIGTERM');
  await tetra.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('stopping'));

  const ready = await probe.finish('\r\n');
  assert.equal(ready.status, 503, ready.body);
  assert.deepEqual(JSON.parse(ready.body), { ready: false });
  assert.equal(ready.headers.connection, 'close');

  const body = JSON.stringify({ instances: [{ x: 99 }] });
  const refused = await lateInfer.finish(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  assert.equal(refused.status, 503, refused.body);
  assert.equal(JSON.parse(refused.body).code, 'SHUTTING_DOWN');
  assert.ok(refused.headers['retry-after'], 'a refused request says when to retry');
  assert.equal(refused.headers.connection, 'close');

  await waitFor('the listener to close', async () => (await tryConnect(tetra.url)) === 'refused');
  assert.deepEqual(events, [], 'all of this happened while the slow requests were still running');

  writeFileSync(gate, '');
  const answers = await Promise.all(inFlight);
  answers.forEach((res, i) => {
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.predictions, [{ y: linear(xs[i] as number) }]);
    // The client must not reuse a connection the server is about to close.
    assert.equal(res.headers.get('connection'), 'close');
  });
  // This process keeps its client connections pooled: the server must not wait for them to time out.
  const exit = await tetra.exited;
  assert.deepEqual(exit, { code: 0, signal: null }, tetra.stderr());
  assert.ok(tetra.logs.some((l) => l.msg === 'stopped'));
});

test('SIGINT on an idle server with a kept-alive client connection: exit 0 at once, the connection closed, no new ones accepted', { timeout: 30_000 }, async () => {
  const repo = linearRepository({ fast: {} });
  const tetra = await startServeProcess(['--repo', repo]);
  // fetch keeps this connection open and idle in its pool.
  const res = await postJson(`${tetra.url}/v1/models/fast:predict`, { instances: [{ x: 2 }] });
  assert.deepEqual(res.body.predictions, [{ y: linear(2) }]);
  assert.notEqual(res.headers.get('connection'), 'close');
  tetra.child.kill('SIGINT');
  assert.deepEqual(await tetra.exited, { code: 0, signal: null }, tetra.stderr());
  assert.equal(await tryConnect(tetra.url), 'refused');
});
