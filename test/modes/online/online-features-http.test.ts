import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { writeOnlineFeatures } from '../../../src/adapters/state/index.ts';
import { CARD_FEATURES, onlineFeaturesYaml } from '../../helpers/fraud-online-repo.ts';
import { FRAUD_FEATURES, FRAUD_REPO, SAMPLE_EXPECTED, SAMPLE_RECORDS } from '../../helpers/fraud-sample.ts';
import { getJson, postJson, startServer, type RunningServer } from '../../helpers/online-server.ts';
import { metricValue } from '../../helpers/metrics-text.ts';
import { SERVICES, needs } from '../../helpers/services.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const skip = await needs('redis');
const REDIS_URL = `redis://${SERVICES.redis.host}:${SERVICES.redis.port}`;
/** Every key this run writes starts with it, so runs never see each other's hashes. */
const PREFIX = `tetra-test:online-http:${process.pid}:${Date.now()}:`;

/** A repository holding the fraud example's fraud-xgb with `online_features` added to its model.yaml. */
function onlineRepo(keyPrefix: string): string {
  const root = tempDir('tetra-online-http-');
  cpSync(join(FRAUD_REPO, 'fraud-xgb'), join(root, 'fraud-xgb'), { recursive: true });
  appendFileSync(join(root, 'fraud-xgb', 'model.yaml'), onlineFeaturesYaml(keyPrefix));
  return root;
}

/** Sample rows whose card-activity features are not all zero (so the lookup matters), by row number. */
const ROWS = SAMPLE_RECORDS.map((r, i) => [i, r] as const).filter(([, r]) => CARD_FEATURES.every((f) => Number(r[f]) > 0)).slice(0, 4);

/** The features a request sends itself: the transaction's, without the card's activity. */
function requestPart(record: Record<string, string | null>): Record<string, string | null> {
  return Object.fromEntries(FRAUD_FEATURES.filter((f) => !(CARD_FEATURES as readonly string[]).includes(f)).map((f) => [f, record[f] ?? null]));
}

function fullRecord(record: Record<string, string | null>): Record<string, string | null> {
  return Object.fromEntries(FRAUD_FEATURES.map((f) => [f, record[f] ?? null]));
}

async function probabilities(server: RunningServer, instances: unknown[]): Promise<number[]> {
  const res = await postJson(`${server.url}/v1/models/fraud-xgb:predict`, { instances });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return (res.body.predictions as { fraud_probability: number }[]).map((p) => p.fraud_probability);
}

let writer: Redis | undefined;
after(async () => {
  if (!writer) return;
  const keys = await writer.keys(`${PREFIX}*`);
  if (keys.length > 0) await writer.del(...keys);
  await writer.quit();
});

test('card features come from Redis: card_id plus the request features scores like every feature sent', { skip }, async () => {
  assert.ok(ROWS.length >= 3, 'the sample has rows with card activity');
  writer = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const server = await startServer({ repository: onlineRepo(PREFIX), feature_stores: { default: { type: 'redis', url: REDIS_URL } } });
  // Each row under its own entity id, so rows of one card do not share a hash.
  const cardOf = (i: number): string => `card-${i}`;
  for (const [i, r] of ROWS) await writeOnlineFeatures(writer, PREFIX + cardOf(i), Object.fromEntries(CARD_FEATURES.map((f) => [f, Number(r[f])])));
  const looked = await probabilities(server, ROWS.map(([i, r]) => ({ card_id: cardOf(i), ...requestPart(r) })));
  const sent = await probabilities(server, ROWS.map(([, r]) => fullRecord(r)));
  assert.deepEqual(looked, sent, 'looked-up features give the same predictions as the same values sent');
  ROWS.forEach(([i], k) => assert.ok(Math.abs((looked[k] as number) - (SAMPLE_EXPECTED['fraud-xgb']?.[i] as number)) < 1e-6, `row ${i}`));

  // A value in the request wins over the stored one.
  const [i, r] = ROWS[0] as (typeof ROWS)[number];
  const override = { txn_count_1h: 17, amount_sum_24h: 9000 };
  const [overridden] = await probabilities(server, [{ card_id: cardOf(i), ...requestPart(r), ...override }]);
  const [sentOverride] = await probabilities(server, [{ ...fullRecord(r), ...override }]);
  assert.equal(overridden, sentOverride);
  assert.notEqual(overridden, looked[0], 'the override changes the score, so the stored value was not used');

  // An unknown card gets the declared defaults (zeros).
  const [unknown] = await probabilities(server, [{ card_id: 'no-such-card', ...requestPart(r) }]);
  const [zeros] = await probabilities(server, [{ ...fullRecord(r), ...Object.fromEntries(CARD_FEATURES.map((f) => [f, 0])) }]);
  assert.equal(unknown, zeros);

  // A record with neither the key nor the card features is refused, naming the key field.
  const keyless = await postJson(`${server.url}/v1/models/fraud-xgb:predict`, { instances: [requestPart(r)] });
  assert.equal(keyless.status, 400);
  assert.match(keyless.body.error, /key field "card_id" is missing/);

  // The SageMaker and OIP feature-column routes take the key the same way.
  const sm = await postJson(`${server.url}/invocations`, [{ card_id: cardOf(i), ...requestPart(r) }]);
  assert.equal(sm.status, 200, JSON.stringify(sm.body));
  assert.equal(sm.body.predictions[0].fraud_probability, looked[0]);
  const columns = { card_id: cardOf(i), ...requestPart(r) };
  const inputs = Object.entries(columns).map(([name, value]) => ({ name, shape: [1], datatype: 'BYTES', data: [value ?? ''] }));
  const oip = await postJson(`${server.url}/v2/models/fraud-xgb/infer`, { inputs, outputs: [{ name: 'prediction' }] });
  assert.equal(oip.status, 200, JSON.stringify(oip.body));
  assert.ok(Math.abs(oip.body.outputs[0].data[0] - (looked[0] as number)) < 1e-6);
  await server.close();
});

test('with Redis unreachable, a lookup fails with 503 and full records still score', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = probe.address() as { port: number };
      probe.close(() => resolve(p));
    });
  });
  const server = await startServer({ repository: onlineRepo(PREFIX), feature_stores: { default: { type: 'redis', url: `redis://127.0.0.1:${port}` } } });
  const r = SAMPLE_RECORDS[1] as Record<string, string | null>;
  const res = await postJson(`${server.url}/v1/models/fraud-xgb:predict`, { instances: [{ card_id: 'c1', ...requestPart(r) }] });
  assert.equal(res.status, 503, JSON.stringify(res.body));
  assert.equal(res.body.code, 'FEATURE_STORE_UNAVAILABLE');
  assert.match(res.body.error, /feature store "default"/);
  assert.deepEqual(await probabilities(server, [fullRecord(r)]).then((p) => p.length), 1);
  await server.close();
});

test('a bad value stored in Redis is the server\'s 500 FEATURE_STORE_BAD_DATA, not the caller\'s 400; lookups show in /metrics', { skip }, async () => {
  writer ??= new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const server = await startServer({ repository: onlineRepo(PREFIX), feature_stores: { default: { type: 'redis', url: REDIS_URL } } });
  const r = SAMPLE_RECORDS[1] as Record<string, string | null>;
  await writeOnlineFeatures(writer, `${PREFIX}garbled`, { txn_count_1h: 'abc', txn_count_24h: 3, amount_sum_24h: 10, avg_amount_30d: 5 });
  const res = await postJson(`${server.url}/v1/models/fraud-xgb:predict`, { instances: [{ card_id: 'garbled', ...requestPart(r) }] });
  assert.equal(res.status, 500, JSON.stringify(res.body));
  assert.equal(res.body.code, 'FEATURE_STORE_BAD_DATA');
  for (const part of ['feature store "default"', 'card_id "garbled"', '"txn_count_1h"', '"abc"']) assert.ok(res.body.error.includes(part), `${part} in ${res.body.error}`);
  // The same value sent by the caller is the caller's mistake.
  const own = await postJson(`${server.url}/v1/models/fraud-xgb:predict`, { instances: [{ ...fullRecord(r), txn_count_1h: 'abc' }] });
  assert.equal(own.status, 400, JSON.stringify(own.body));
  assert.equal(own.body.code, 'INPUT_WRONG_TYPE');
  await probabilities(server, [{ card_id: 'no-such-card', ...requestPart(r) }]);
  const metrics = (await getJson(`${server.url}/metrics`)).body as string;
  assert.equal(metricValue(metrics, 'tetra_online_feature_lookups_total', { model: 'fraud-xgb', store: 'default', outcome: 'error' }), 1);
  assert.equal(metricValue(metrics, 'tetra_online_feature_lookups_total', { model: 'fraud-xgb', store: 'default', outcome: 'miss' }), 1);
  assert.equal(metricValue(metrics, 'tetra_online_feature_lookup_duration_seconds_count', { model: 'fraud-xgb' }), 2);
  await server.close();
});
