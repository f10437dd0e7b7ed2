import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { RedisFeatureStore, writeOnlineFeatures } from '../../src/adapters/state/index.ts';
import { OnlineFeatureEnricher, TetraError, compileFeatures, type ErrorCode, type FeatureHash, type OnlineFeatureSpec } from '../../src/core/index.ts';
import { SERVICES, needs } from '../helpers/services.ts';
import { TRANSACTION, fraudOnlineService, onlineFeaturesYaml } from '../helpers/fraud-online-repo.ts';

const skip = await needs('redis');
const REDIS_URL = `redis://${SERVICES.redis.host}:${SERVICES.redis.port}`;
/** Every key this run writes starts with it, so runs never see each other's hashes. */
const PREFIX = `tetra-test:features:${process.pid}:${Date.now()}:`;

const isError = (code: ErrorCode, check: (e: TetraError) => boolean = () => true) => (e: unknown): boolean => TetraError.is(e) && e.code === code && check(e);

let writer: Redis | undefined;
function redis(): Redis {
  writer ??= new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  return writer;
}

after(async () => {
  if (!writer) return;
  const keys = await writer.keys(`${PREFIX}*`);
  if (keys.length > 0) await writer.del(...keys);
  await writer.quit();
});

/** Stores made by a test, closed when the file ends even if the test failed. */
function store(options: ConstructorParameters<typeof RedisFeatureStore>[0] = {}): RedisFeatureStore {
  const s = new RedisFeatureStore({ url: REDIS_URL, ...options });
  after(() => s.close());
  return s;
}

/** How the model takes the looked-up features: stored values are checked against it. */
const INPUTS = new Map(compileFeatures([{ name: 'n_1h', type: 'integer' }, { name: 'avg_30d', type: 'number', required: false }], undefined, false, 'fraud').map((f) => [f.name, f]));

function spec(overrides: Partial<OnlineFeatureSpec> = {}): OnlineFeatureSpec {
  return {
    model: 'fraud', storeName: 'default', keyField: 'card_id', keyPrefix: PREFIX,
    features: ['n_1h', 'avg_30d'], defaults: new Map([['n_1h', 0]]), inputs: INPUTS, dtype: 'float32',
    timeoutMs: 500, onError: 'fail', ...overrides,
  };
}

/** A TCP server that accepts connections and never answers: a Redis that hangs. */
async function silentServer(): Promise<{ port: number; server: Server }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket.on('error', () => undefined)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { port: (server.address() as { port: number }).port, server };
}

/** A TCP proxy to the real Redis that holds every request for `delayMs`: a slow Redis. */
async function slowProxy(delayMs: number): Promise<number> {
  const sockets: Socket[] = [];
  const server = createServer((client) => {
    const upstream = connect(SERVICES.redis.port, SERVICES.redis.host);
    sockets.push(client, upstream);
    client.on('data', (chunk) => setTimeout(() => upstream.write(chunk), delayMs));
    upstream.on('data', (chunk) => client.write(chunk));
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) a.on('error', () => b.destroy()).on('close', () => b.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return (server.address() as { port: number }).port;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('reads the requested fields of each hash in key order, with age and TTL; absent keys are undefined', { skip }, async () => {
  await writeOnlineFeatures(redis(), `${PREFIX}a`, { n_1h: 3, avg_30d: 41.25, other: 'x' }, { ttlMs: 60_000 });
  await writeOnlineFeatures(redis(), `${PREFIX}b`, { n_1h: 1 });
  const [a, missing, b] = await store().read([`${PREFIX}a`, `${PREFIX}none`, `${PREFIX}b`], ['n_1h', 'avg_30d'], { timeoutMs: 1000 });
  assert.deepEqual(a?.values, { n_1h: '3', avg_30d: '41.25' });
  assert.ok((a as FeatureHash).ageMs !== undefined && (a as FeatureHash).ageMs! < 5000);
  assert.ok((a as FeatureHash).ttlMs! > 55_000 && (a as FeatureHash).ttlMs! <= 60_000);
  assert.equal(missing, undefined);
  assert.deepEqual(b?.values, { n_1h: '1' });
  assert.equal(b?.ttlMs, undefined, 'a hash written without ttlMs never expires');
});

test('writeOnlineFeatures: null deletes a field, a write without ttlMs removes an earlier expiry', { skip }, async () => {
  const key = `${PREFIX}w`;
  await writeOnlineFeatures(redis(), key, { n_1h: 3, avg_30d: 9 }, { ttlMs: 10_000 });
  await writeOnlineFeatures(redis(), key, { avg_30d: null, n_1h: 4 });
  assert.deepEqual(await redis().hgetall(key).then((h) => ({ n_1h: h.n_1h, avg_30d: h.avg_30d, stamped: /^\d+$/.test(h._updated_at ?? '') })), { n_1h: '4', avg_30d: undefined, stamped: true });
  assert.equal(await redis().pttl(key), -1);
  await assert.rejects(writeOnlineFeatures(redis(), key, { _updated_at: 1 }), isError('INTERNAL'));
});

test('an expired hash reads as missing and the defaults apply', { skip }, async () => {
  await writeOnlineFeatures(redis(), `${PREFIX}ttl`, { n_1h: 7, avg_30d: 2 }, { ttlMs: 60 });
  const enricher = new OnlineFeatureEnricher(spec(), store());
  assert.deepEqual((await enricher.enrich([{ card_id: 'ttl' }])).records, [{ card_id: 'ttl', n_1h: '7', avg_30d: '2' }]);
  await sleep(150);
  assert.deepEqual((await enricher.enrich([{ card_id: 'ttl' }])).records, [{ card_id: 'ttl', n_1h: 0 }]);
});

test('a hash whose _updated_at is older than max_age counts as missing', { skip }, async () => {
  await writeOnlineFeatures(redis(), `${PREFIX}old`, { n_1h: 5, avg_30d: 3 }, { updatedAtMs: Date.now() - 2 * 3_600_000 });
  await writeOnlineFeatures(redis(), `${PREFIX}fresh`, { n_1h: 6, avg_30d: 4 }, { updatedAtMs: Date.now() - 60_000 });
  const enricher = new OnlineFeatureEnricher(spec({ maxAgeMs: 3_600_000 }), store());
  const { records } = await enricher.enrich([{ card_id: 'old' }, { card_id: 'fresh' }]);
  assert.deepEqual(records, [{ card_id: 'old', n_1h: 0 }, { card_id: 'fresh', n_1h: '6', avg_30d: '4' }]);
});

test('a batch of many keys is one pipeline', { skip }, async () => {
  const writes = redis().pipeline();
  for (let i = 0; i < 500; i++) writes.hset(`${PREFIX}many:${i}`, 'n_1h', String(i), '_updated_at', String(Date.now()));
  await writes.exec();
  const client = new Redis(REDIS_URL);
  after(() => client.quit());
  await client.ping();
  // One pipeline, written to the socket at once: one round trip.
  const queued: number[] = [];
  const pipeline = client.pipeline.bind(client);
  client.pipeline = ((...args: Parameters<typeof pipeline>) => {
    const p = pipeline(...args);
    const exec = p.exec.bind(p);
    p.exec = ((...a: Parameters<typeof exec>) => (queued.push(p.length), exec(...a))) as typeof p.exec;
    return p;
  }) as typeof client.pipeline;
  let socketWrites = 0;
  const socket = client.stream;
  const write = socket.write.bind(socket);
  socket.write = ((...args: Parameters<typeof write>) => (socketWrites++, write(...args))) as typeof socket.write;
  const keys = Array.from({ length: 500 }, (_, i) => `${PREFIX}many:${i}`);
  const hashes = await store({ client }).read(keys, ['n_1h'], { timeoutMs: 2000 });
  assert.deepEqual(queued, [1000], 'HMGET and PTTL per key, all in one pipeline');
  assert.equal(socketWrites, 1);
  hashes.forEach((h, i) => assert.equal(h?.values.n_1h, String(i)));
});

test('a store that does not answer times out with a retriable typed error; the abandoned pipeline fails later without a trace', async () => {
  const unhandled: unknown[] = [];
  const collect = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', collect);
  const { port } = await silentServer();
  const hung = new RedisFeatureStore({ url: `redis://127.0.0.1:${port}` });
  const started = Date.now();
  await assert.rejects(hung.read(['k'], ['n_1h'], { timeoutMs: 80 }), isError('FEATURE_STORE_UNAVAILABLE', (e) => e.retriable && new RegExp(`127\\.0\\.0\\.1:${port}.*within 80ms`).test(e.message)));
  assert.ok(Date.now() - started < 1000);
  const fail = new OnlineFeatureEnricher(spec({ timeoutMs: 80 }), hung);
  await assert.rejects(fail.enrich([{ card_id: 'x' }]), isError('FEATURE_STORE_UNAVAILABLE', (e) => e.retriable));
  const fallback = new OnlineFeatureEnricher(spec({ timeoutMs: 80, onError: 'defaults' }), hung);
  assert.deepEqual((await fallback.enrich([{ card_id: 'x', avg_30d: 1 }])).records, [{ card_id: 'x', avg_30d: 1, n_1h: 0 }]);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 20);
  await assert.rejects(fallback.enrich([{ card_id: 'x' }], { signal: controller.signal }), isError('CANCELLED'));
  // Closing fails the pipelines still queued for the silent server.
  await hung.close();
  await sleep(50);
  process.off('unhandledRejection', collect);
  assert.deepEqual(unhandled, []);
});

test('late replies from a slow Redis are dropped: the next read still gets its own answers', { skip }, async () => {
  await writeOnlineFeatures(redis(), `${PREFIX}slow`, { n_1h: 9 });
  const slow = store({ url: `redis://127.0.0.1:${await slowProxy(150)}` });
  // Connect first (the ready check goes through the proxy too).
  await slow.read([`${PREFIX}slow`], ['n_1h'], { timeoutMs: 3000 });
  await assert.rejects(slow.read([`${PREFIX}slow`], ['n_1h'], { timeoutMs: 40 }), isError('FEATURE_STORE_UNAVAILABLE', (e) => /within 40ms/.test(e.message)));
  await sleep(250);
  const [hash, none] = await slow.read([`${PREFIX}slow`, `${PREFIX}none`], ['n_1h'], { timeoutMs: 3000 });
  assert.deepEqual(hash?.values, { n_1h: '9' });
  assert.equal(none, undefined);
});

test('an unreachable Redis is a typed error naming it, never an ioredis error', async () => {
  const port = await freePort();
  const down = store({ url: `redis://127.0.0.1:${port}` });
  for (let i = 0; i < 2; i++) {
    await assert.rejects(down.read(['k'], ['n_1h'], { timeoutMs: 300 }), isError('FEATURE_STORE_UNAVAILABLE', (e) => e.retriable && e.message.includes(`127.0.0.1:${port}`)));
  }
});

test('a key that is not a hash is that key\'s fault, naming it; the other keys are read', { skip }, async () => {
  await redis().set(`${PREFIX}str`, 'x');
  await writeOnlineFeatures(redis(), `${PREFIX}good`, { n_1h: 2 });
  const [bad, good] = await store().read([`${PREFIX}str`, `${PREFIX}good`], ['n_1h'], { timeoutMs: 1000 });
  assert.deepEqual(bad?.values, {});
  assert.ok(bad?.fault?.includes(`${PREFIX}str`) && /WRONGTYPE/.test(bad.fault), bad?.fault);
  assert.deepEqual(good?.values, { n_1h: '2' });
  assert.equal(good?.fault, undefined);
  const records = [{ card_id: 'str' }, { card_id: 'good' }];
  await assert.rejects(new OnlineFeatureEnricher(spec(), store()).enrich(records), isError('FEATURE_STORE_BAD_DATA', (e) => !e.retriable && /WRONGTYPE/.test(e.message) && e.message.includes('card_id "str"')));
  const fallback = await new OnlineFeatureEnricher(spec({ onError: 'defaults' }), store()).enrich(records);
  assert.deepEqual(fallback.records, [{ card_id: 'str', n_1h: 0 }, { card_id: 'good', n_1h: '2' }]);
});

test('a bad value stored in Redis is the store\'s fault: FEATURE_STORE_BAD_DATA, or that feature\'s default', { skip }, async () => {
  await writeOnlineFeatures(redis(), `${PREFIX}garbled`, { n_1h: 'abc', avg_30d: 7.5 });
  const records = [{ card_id: 'garbled' }];
  await assert.rejects(new OnlineFeatureEnricher(spec(), store()).enrich(records), isError('FEATURE_STORE_BAD_DATA', (e) =>
    /feature store "default" holds a bad value: feature "n_1h" must be an integer, got "abc"/.test(e.message) && e.message.includes(`card_id "garbled", store key "${PREFIX}garbled"`)));
  const fallback = await new OnlineFeatureEnricher(spec({ onError: 'defaults' }), store()).enrich(records);
  assert.deepEqual(fallback.records, [{ card_id: 'garbled', n_1h: 0, avg_30d: '7.5' }]);
});

test('close: a never-used store closes at once; reads after close fail typed; a shared client stays open', { skip }, async () => {
  await new RedisFeatureStore({ url: REDIS_URL }).close();
  const used = new RedisFeatureStore({ url: REDIS_URL });
  await used.read([`${PREFIX}none`], ['n_1h'], { timeoutMs: 1000 });
  await used.close();
  await assert.rejects(used.read(['k'], ['n_1h'], {}), isError('FEATURE_STORE_UNAVAILABLE', (e) => /closed/.test(e.message)));
  const shared = new RedisFeatureStore({ client: redis() });
  await shared.close();
  assert.equal(await redis().ping(), 'PONG');
});

// ---- end to end: the fraud example served with its card features from Redis ----

test('fraud-xgb scores a transaction with its card activity looked up in Redis exactly as if it were sent', { skip }, async () => {
  const activity = { txn_count_1h: 1, txn_count_24h: 3, amount_sum_24h: 150.5, avg_amount_30d: 52.25 };
  await writeOnlineFeatures(redis(), `${PREFIX}card:${TRANSACTION.card_id}`, activity, { ttlMs: 60_000 });
  const { service, repository } = await fraudOnlineService(store(), onlineFeaturesYaml(`${PREFIX}card:`, '  max_age: 1h\n  on_error: fail\n'));
  try {
    const looked = await service.infer({ model: 'fraud-xgb', records: [TRANSACTION] });
    const sent = await service.infer({ model: 'fraud-xgb', records: [{ ...TRANSACTION, ...activity }] });
    assert.deepEqual(looked.predictions, sent.predictions);
    const override = { ...activity, txn_count_1h: 9 };
    const overridden = await service.infer({ model: 'fraud-xgb', records: [{ ...TRANSACTION, txn_count_1h: 9 }] });
    const overrideSent = await service.infer({ model: 'fraud-xgb', records: [{ ...TRANSACTION, ...override }] });
    assert.deepEqual(overridden.predictions, overrideSent.predictions, 'the request\'s value wins over the stored one');
    assert.notDeepEqual(overridden.predictions, looked.predictions, 'and it matters to the score');
    const unknownCard = await service.infer({ model: 'fraud-xgb', records: [{ ...TRANSACTION, card_id: 'C99999' }] });
    const zeros = await service.infer({ model: 'fraud-xgb', records: [{ ...TRANSACTION, txn_count_1h: 0, txn_count_24h: 0, amount_sum_24h: 0, avg_amount_30d: 0 }] });
    assert.deepEqual(unknownCard.predictions, zeros.predictions, 'a card without a hash gets the declared defaults');
  } finally {
    await repository.close();
  }
});
