import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { handler } from '../../../src/cli/lambda.ts';
import type { HttpApiEvent, HttpApiResult } from '../../../src/modes/online/lambda-adapter.ts';
import { fixture } from '../../helpers/fixtures.ts';
import { FRAUD_REPO, SAMPLE_RECORDS, closeToExpected } from '../../helpers/fraud-sample.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { parseResponse } from './oip/oip-test-helpers.ts';

const V2_EVENT = readFileSync(fixture('aws-lambda-events/powertools-python/apiGatewayProxyV2Event.json'), 'utf8');
const SAM_TEMPLATE = readFileSync(fixture('aws-lambda-events/sam-cli-templates/HttpApi.json'), 'utf8');
const records = SAMPLE_RECORDS.slice(0, 5);

/** The Powertools HTTP API v2 event, changed to call `method path` with `body` and extra headers. */
function event(method: string, path: string, body?: string, headers: Record<string, string> = {}, stage = '$default'): HttpApiEvent {
  const base = JSON.parse(V2_EVENT) as HttpApiEvent;
  const http = { ...base.requestContext.http, method, path };
  return {
    ...base,
    rawPath: path,
    rawQueryString: '',
    headers: { ...base.headers, ...headers },
    ...(body === undefined ? { body: undefined } : { body }),
    isBase64Encoded: false,
    requestContext: { ...base.requestContext, stage, http },
  };
}

/** The SAM CLI template, filled as `sam local generate-event apigateway http-api` fills it: the body base64-encoded. */
function samEvent(method: string, path: string, body: string, stage: string): HttpApiEvent {
  const filled = SAM_TEMPLATE
    .replaceAll('{{{path}}}', path.replace(/^\//, ''))
    .replaceAll('{{{method}}}', method)
    .replaceAll('{{{stage}}}', stage)
    .replaceAll('{{{body}}}', Buffer.from(body, 'utf8').toString('base64'))
    .replaceAll('{{{account_id}}}', '123456789012')
    .replaceAll('{{{dns_suffix}}}', 'amazonaws.com');
  return JSON.parse(filled) as HttpApiEvent;
}

const json = (result: HttpApiResult): Record<string, any> => JSON.parse(result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString('utf8') : result.body) as Record<string, any>;
const predictBody = JSON.stringify({ instances: records });

test('a first event that cannot start the server fails, and the next event starts it again', async () => {
  process.env.TETRA_LOG_LEVEL = 'silent';
  process.env.TETRA_REPO = join(tempDir(), 'missing');
  await assert.rejects(handler(event('GET', '/v2/health/ready')), /missing/);
  process.env.TETRA_REPO = FRAUD_REPO;
  // Events arriving together while the models load all wait for the one start.
  const results = await Promise.all([1, 2, 3].map(() => handler(event('GET', '/v2/health/ready'))));
  assert.deepEqual(results.map((r) => r.statusCode), [200, 200, 200]);
  assert.deepEqual(json(results[0] as HttpApiResult), { ready: true });
});

test('POST /v1/models/fraud-xgb:predict: predictions, model headers, request id from the event', async () => {
  const result = await handler(event('POST', '/v1/models/fraud-xgb:predict', predictBody, { 'Content-Type': 'application/json' }));
  assert.equal(result.statusCode, 200, result.body);
  assert.equal(result.isBase64Encoded, false);
  assert.match(result.headers['content-type'] ?? '', /^application\/json/);
  assert.equal(result.headers['tetra-model'], 'fraud-xgb');
  assert.equal(result.headers['tetra-model-version'], '1');
  assert.equal(result.headers['x-request-id'], 'id', 'the request id is the event\'s requestContext.requestId');
  const probabilities = (json(result).predictions as { fraud_probability: number }[]).map((p) => p.fraud_probability);
  assert.equal(probabilities.length, records.length);
  assert.equal(closeToExpected('fraud-xgb', probabilities), undefined);
  // The fixture sends no content type; the body is still read as JSON.
  const untyped = await handler(event('POST', '/v1/models/fraud-xgb:predict', predictBody));
  assert.equal(untyped.statusCode, 200, untyped.body);
  assert.deepEqual(json(untyped), json(result));
});

test('a base64-encoded body (isBase64Encoded) and a stage prefix in the path', async () => {
  const sam = await handler(samEvent('POST', '/prod/v1/models/fraud-xgb:predict', predictBody, 'prod'));
  assert.equal(sam.statusCode, 200, sam.body);
  assert.equal(closeToExpected('fraud-xgb', (json(sam).predictions as { fraud_probability: number }[]).map((p) => p.fraud_probability)), undefined);
  const plain = await handler(event('POST', '/staging/v1/models/fraud-logreg:predict', predictBody, {}, 'staging'));
  assert.equal(plain.statusCode, 200, plain.body);
  assert.equal(closeToExpected('fraud-logreg', (json(plain).predictions as { fraud_probability: number }[]).map((p) => p.fraud_probability)), undefined);
  // Under $default nothing is stripped; a stage name is only a prefix when it is a whole path segment.
  assert.equal((await handler(event('GET', '/prod/v2/health/ready', undefined, {}, '$default'))).statusCode, 404);
  assert.equal((await handler(event('GET', '/production/v2/health/ready', undefined, {}, 'prod'))).statusCode, 404);
  assert.equal((await handler(event('GET', '/prod', undefined, {}, 'prod'))).statusCode, 404);
});

test('GET routes: readiness, OIP metadata, and a query string passes through', async () => {
  const base = JSON.parse(V2_EVENT) as HttpApiEvent;
  const ready = await handler({ ...event('GET', '/v2/health/ready'), rawQueryString: base.rawQueryString as string });
  assert.equal(ready.statusCode, 200);
  const meta = await handler(event('GET', '/v2/models/fraud-xgb'));
  assert.equal(meta.statusCode, 200);
  assert.deepEqual(json(meta).inputs, [{ name: 'features', datatype: 'FP32', shape: [-1, 12] }]);
});

test('errors: unknown path and model 404, a bad body 400, each with {"error": ...}', async () => {
  const missing = await handler(event('GET', '/no/such/path'));
  assert.equal(missing.statusCode, 404);
  assert.match(json(missing).error, /no route GET \/no\/such\/path/);
  const unknown = await handler(event('POST', '/v1/models/nope:predict', predictBody));
  assert.equal(unknown.statusCode, 404);
  assert.match(json(unknown).error, /nope/);
  const bad = await handler(event('POST', '/v1/models/fraud-xgb:predict', '{"instances": [', { 'content-type': 'application/json' }));
  assert.equal(bad.statusCode, 400);
  assert.match(json(bad).error, /not valid JSON/);
  const wrong = await handler(event('POST', '/v1/models/fraud-xgb:predict', JSON.stringify({ instances: [{ ...records[0], hour: 'noon' }] })));
  assert.equal(wrong.statusCode, 400);
  assert.match(json(wrong).error, /hour/);
  const badBase64 = await handler({ ...event('POST', '/v1/models/fraud-xgb:predict', Buffer.from('{"instances": [').toString('base64')), isBase64Encoded: true });
  assert.equal(badBase64.statusCode, 400);
});

test('OIP binary tensors: a base64 binary request, and a binary answer sent base64-encoded', async () => {
  const header = Buffer.from(JSON.stringify({ id: 'b1', inputs: [{ name: 'features', shape: [1, 12], datatype: 'FP32', parameters: { binary_data_size: 48 } }], parameters: { binary_data_output: true } }));
  const features = Buffer.from(Float32Array.from([900, 7, 3, 1, 5, 4000, 1, 1, 4, 9, 2000, 40]).buffer);
  const request = {
    ...event('POST', '/v2/models/fraud-xgb/infer', Buffer.concat([header, features]).toString('base64'), { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(header.length) }),
    isBase64Encoded: true,
  };
  const result = await handler(request);
  assert.equal(result.statusCode, 200, result.body);
  assert.equal(result.isBase64Encoded, true, 'binary answers go back base64-encoded');
  const length = result.headers['inference-header-content-length'];
  assert.ok(length, 'the answer says where its JSON ends');
  const parsed = parseResponse(Buffer.from(result.body, 'base64'), { 'inference-header-content-length': length });
  assert.equal(parsed.header.id, 'b1');
  assert.equal(parsed.header.model_name, 'fraud-xgb');
  assert.ok(parsed.outputs.length > 0 && parsed.outputs.every((o) => o.binary));
});
