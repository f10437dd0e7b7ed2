import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FRAUD_FEATURES, FRAUD_REPO as REPO, SAMPLE_EXPECTED as expected, SAMPLE_RECORDS } from '../../helpers/fraud-sample.ts';
import { getJson, postJson, startServer } from '../../helpers/online-server.ts';

const records = SAMPLE_RECORDS.slice(0, 20);

const server = await startServer({ repository: REPO });

test('health: live and ready once every model is loaded', async () => {
  assert.deepEqual((await getJson(`${server.url}/v2/health/live`)).status, 200);
  assert.equal((await getJson(`${server.url}/v2/health/ready`)).status, 200);
  assert.equal((await getJson(`${server.url}/ping`)).status, 200);
});

test('records API: predictions equal the training library\'s, with model and version headers', async () => {
  const res = await postJson(`${server.url}/v1/models/fraud-xgb:predict`, { instances: records });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('tetra-model-version'), '1');
  assert.equal(res.body.predictions.length, records.length);
  res.body.predictions.forEach((p: { fraud_probability: number }, i: number) => assert.ok(Math.abs(p.fraud_probability - (expected['fraud-xgb']?.[i] as number)) < 1e-6));
  const versioned = await postJson(`${server.url}/v1/models/fraud-logreg/versions/1:predict`, { instances: records.slice(0, 2) });
  assert.ok(Math.abs(versioned.body.predictions[1].fraud_probability - (expected['fraud-logreg']?.[1] as number)) < 1e-6);
});

test('OIP: server and model metadata, readiness, and inference by tensors and by feature columns', async () => {
  const meta = await getJson(`${server.url}/v2`);
  assert.equal(meta.body.name, 'tetra');
  assert.ok(meta.body.extensions.includes('binary_tensor_data'));
  const model = await getJson(`${server.url}/v2/models/fraud-xgb`);
  assert.deepEqual(model.body.inputs, [{ name: 'features', datatype: 'FP32', shape: [-1, 12] }]);
  assert.equal((await getJson(`${server.url}/v2/models/fraud-xgb/versions/1/ready`)).status, 200);
  const matrix = [900, 7, 3, 1, 5, 4000, 1, 1, 4, 9, 2000, 40];
  const byTensor = await postJson(`${server.url}/v2/models/fraud-xgb/infer`, { id: 'r1', inputs: [{ name: 'features', shape: [1, 12], datatype: 'FP32', data: matrix }], outputs: [{ name: 'prediction' }] });
  assert.equal(byTensor.status, 200);
  assert.equal(byTensor.body.id, 'r1');
  assert.deepEqual(byTensor.body.outputs.map((o: { name: string }) => o.name), ['prediction']);
  const record = records[0] as Record<string, unknown>;
  const inputs = FRAUD_FEATURES.map((name) => ({ name, shape: [1], datatype: 'BYTES', data: [String(record[name] ?? '')] }));
  const byColumns = await postJson(`${server.url}/v2/models/fraud-xgb/infer`, { inputs });
  assert.equal(byColumns.status, 200, JSON.stringify(byColumns.body));
  const prediction = byColumns.body.outputs.find((o: { name: string }) => o.name === 'prediction').data[0];
  assert.ok(Math.abs(prediction - (expected['fraud-xgb']?.[0] as number)) < 1e-6);
});

test('bad requests get the right 4xx with a message naming the problem, and the server keeps serving', async () => {
  const cases: [string, unknown, number, RegExp][] = [
    ['/v1/models/fraud-xgb:predict', '{"instances": [', 400, /not valid JSON/],
    ['/v1/models/fraud-xgb:predict', { rows: [] }, 400, /instances/],
    ['/v1/models/fraud-xgb:predict', { instances: [{ ...records[0], hour: 'noon' }] }, 400, /row 0: feature "hour" must be an integer/],
    ['/v1/models/fraud-xgb:predict', { instances: [{ amount: 1 }] }, 400, /required feature "mcc" is missing/],
    ['/v1/models/nope:predict', { instances: [] }, 404, /no model named "nope"/],
    ['/v1/models/fraud-xgb/versions/7:predict', { instances: [] }, 404, /no version "7"/],
    ['/v2/models/fraud-xgb/infer', { inputs: [{ name: 'features', shape: [1, 11], datatype: 'FP32', data: new Array(11).fill(0) }] }, 400, /features.*shape/],
    ['/v2/models/fraud-xgb/infer', { inputs: [{ name: 'features', shape: [1, 12], datatype: 'INT8', data: new Array(12).fill(0) }] }, 400, /features.*datatype/],
    ['/v2/models/fraud-xgb/infer', { inputs: [{ name: 'features', shape: [1, 12], datatype: 'FP99', data: [] }] }, 400, /FP99/],
    ['/v2/models/fraud-xgb/infer', { inputs: [{ name: 'features', shape: [1, 12], datatype: 'FP32', data: new Array(12).fill(0) }], outputs: [{ name: 'nope' }] }, 400, /nope/],
  ];
  for (const [path, body, status, message] of cases) {
    const res = await postJson(`${server.url}${path}`, body);
    assert.equal(res.status, status, `${path} ${JSON.stringify(body).slice(0, 60)}: ${JSON.stringify(res.body)}`);
    assert.match(res.body.error, message);
    assert.equal(typeof res.body.code, 'string');
  }
  assert.equal((await postJson(`${server.url}/v1/models/fraud-xgb:predict`, { instances: records.slice(0, 1) })).status, 200);
});

test('an oversized body is refused with 413', async () => {
  const small = await startServer({ repository: REPO, server: { body_limit: 2048 } });
  const res = await postJson(`${small.url}/v1/models/fraud-xgb:predict`, { instances: Array.from({ length: 50 }, () => records[0]) });
  assert.equal(res.status, 413);
  assert.match(res.body.error, /larger than/);
  await small.close();
});

test('API keys: 401 without or with a wrong key, health checks stay open', async () => {
  const secured = await startServer({ repository: REPO, server: { api_keys: ['secret-key-1', 'secret-key-2'] } });
  const body = { instances: records.slice(0, 1) };
  const none = await postJson(`${secured.url}/v1/models/fraud-xgb:predict`, body);
  assert.equal(none.status, 401);
  assert.equal(none.headers.get('www-authenticate'), 'Bearer');
  assert.equal((await postJson(`${secured.url}/v1/models/fraud-xgb:predict`, body, { authorization: 'Bearer wrong-key-00' })).status, 401);
  assert.equal((await postJson(`${secured.url}/v1/models/fraud-xgb:predict`, body, { authorization: 'Bearer secret-key-2' })).status, 200);
  assert.equal((await getJson(`${secured.url}/v2/health/ready`)).status, 200);
  assert.equal((await getJson(`${secured.url}/metrics`)).status, 401);
  await secured.close();
});

test('CORS is off by default and on for configured origins', async () => {
  const plain = await fetch(`${server.url}/v2/health/live`, { headers: { origin: 'https://app.example' } });
  assert.equal(plain.headers.get('access-control-allow-origin'), null);
  const open = await startServer({ repository: REPO, server: { cors_origins: ['https://app.example'] } });
  const preflight = await fetch(`${open.url}/v1/models/fraud-xgb:predict`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example');
  await open.close();
});

test('metrics, OpenAPI and request ids', async () => {
  await postJson(`${server.url}/v1/models/fraud-xgb:predict`, { instances: records.slice(0, 3) }, { 'x-request-id': 'req-42' }).then((r) => assert.equal(r.headers.get('x-request-id'), 'req-42'));
  const metrics = await getJson(`${server.url}/metrics`);
  assert.match(metrics.body, /tetra_inference_requests_total\{model="fraud-xgb",version="1",mode="online",outcome="ok"\} \d+/);
  assert.match(metrics.body, /tetra_batch_size_bucket/);
  assert.match(metrics.body, /tetra_http_in_flight/);
  assert.match(metrics.body, /tetra_inference_requests_total\{model="fraud-xgb",version="1",mode="online",outcome="INPUT_WRONG_TYPE"\} \d+/);
  const openapi = await getJson(`${server.url}/openapi.json`);
  assert.equal(openapi.body.openapi, '3.1.0');
  assert.ok(openapi.body.paths['/v2/models/{name}/infer']);
});

test('the in-flight gauge returns to zero after refused and unmatched requests', async () => {
  const secured = await startServer({ repository: REPO, server: { api_keys: ['secret-key-1'] } });
  await postJson(`${secured.url}/v1/models/fraud-xgb:predict`, { instances: [] });
  await getJson(`${secured.url}/no/such/route`, { authorization: 'Bearer secret-key-1' });
  await postJson(`${secured.url}/v1/models/fraud-xgb:predict`, { instances: records.slice(0, 1) }, { authorization: 'Bearer secret-key-1' });
  const metrics = await getJson(`${secured.url}/metrics`, { authorization: 'Bearer secret-key-1' });
  assert.match(metrics.body, /tetra_http_in_flight 1\b/, 'only the metrics request itself is in flight');
  assert.match(metrics.body, /tetra_http_requests_total\{method="POST",route="\/v1\/models\/:name:predict",status="200"\} 1/);
  assert.match(metrics.body, /tetra_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
  await secured.close();
});
