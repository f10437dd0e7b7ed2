import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MemoryFeatureStore,
  OnlineFeatureEnricher,
  RecordEncoder,
  TetraError,
  compileFeatures,
  compileOnlineFeatures,
  encodeLenientSkipping,
  onlineFeaturesSchema,
  parseModelConfig,
  type ErrorCode,
  type FeatureConfig,
  type FeatureHash,
  type InputRecord,
  type LookupObserver,
  type LookupReport,
  type ModelSchema,
  type OnlineFeatureSpec,
  type OnlineFeatureStore,
} from '../../src/core/index.ts';
import { CARD_FEATURES, TRANSACTION, fraudOnlineService, onlineFeaturesYaml } from '../helpers/fraud-online-repo.ts';

const isError = (code: ErrorCode, check: (e: TetraError) => boolean = () => true) => (e: unknown): boolean => TetraError.is(e) && e.code === code && check(e);

/** How the model takes the looked-up features: stored values are checked against it. */
const INPUTS = new Map(compileFeatures([
  { name: 'n_1h', type: 'integer' },
  { name: 'n_24h', type: 'integer' },
  { name: 'avg_30d', type: 'number', required: false },
], undefined, false, 'fraud').map((f) => [f.name, f]));

function spec(overrides: Partial<OnlineFeatureSpec> = {}): OnlineFeatureSpec {
  return {
    model: 'fraud', storeName: 'default', keyField: 'card_id', keyPrefix: 'card:',
    features: ['n_1h', 'n_24h', 'avg_30d'], defaults: new Map([['n_1h', 0], ['n_24h', 0]]),
    inputs: INPUTS, dtype: 'float32', timeoutMs: 50, onError: 'fail', ...overrides,
  };
}

/** A store wrapper that counts reads and remembers the keys asked for. */
function counting(store: OnlineFeatureStore): OnlineFeatureStore & { reads: string[][] } {
  const reads: string[][] = [];
  return { reads, read: (keys, fields, options) => (reads.push([...keys]), store.read(keys, fields, options)), close: () => store.close() };
}

const failing: OnlineFeatureStore = { read: async () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')), close: async () => undefined };
const hanging: OnlineFeatureStore = { read: () => new Promise<never>(() => undefined), close: async () => undefined };

// ---- model.yaml schema ----

test('online_features: defaults filled in, durations compiled to milliseconds', () => {
  const parsed = onlineFeaturesSchema.parse({ key: 'card_id', features: ['a', 'b'], max_age: '1h', timeout: '25ms' });
  assert.deepEqual(parsed, { store: 'default', key: 'card_id', key_prefix: '', features: ['a', 'b'], max_age: 3_600_000, timeout: 25, on_error: 'fail' });
  assert.equal(onlineFeaturesSchema.parse({ key: 'k', features: ['a'] }).timeout, 50);
});

const yamlErrors: Array<[string, string, RegExp]> = [
  ['features: []', 'online_features.features', /at least one/],
  ['features: [a, b, a]', 'online_features.features[2]', /already listed at features\[0\]/],
  ['features: [a]\n  defaults: { b: 0 }', 'online_features.defaults.b', /not one of the looked-up features/],
  ['features: [a, card_id]', 'online_features.features[1]', /key field/],
  ['features: [a, _updated_at]', 'online_features.features[1]', /write timestamp/],
  ['features: [a]\n  on_error: retry', 'online_features.on_error', /fail|defaults/],
  ['features: [a]\n  max_age: soon', 'online_features.max_age', /duration/],
  ['features: [a]\n  timeout: 0ms', 'online_features.timeout', /longer than 0/],
  ['features: [a]\n  timeout: 1000h', 'online_features.timeout', /at most 2147483647ms/],
  ['features: [a]\n  ttl: 1h', 'online_features.ttl', /unknown key/],
];
for (const [body, path, message] of yamlErrors) {
  test(`model.yaml online_features error names ${path}`, () => {
    const text = `online_features:\n  key: card_id\n  ${body}\n`;
    assert.throws(() => parseModelConfig(text, 'm/model.yaml'), isError('CONFIG_INVALID', (e) => e.where.path === path && message.test(e.message) && e.message.includes('m/model.yaml')));
  });
}

test('online_features needs its key', () => {
  assert.throws(() => parseModelConfig('online_features:\n  features: [a]\n', 'model.yaml'), isError('CONFIG_INVALID', (e) => e.where.path === 'online_features.key'));
});

// ---- enrichment ----

test('the request wins; then the fresh hash; then the default; else the feature stays absent', async () => {
  const store = new MemoryFeatureStore();
  store.write('card:1', { n_1h: 3, n_24h: 9, avg_30d: 41.5 });
  store.write('card:2', { n_1h: 1 });
  const enricher = new OnlineFeatureEnricher(spec(), store);
  const records = [{ card_id: '1', n_1h: 7 }, { card_id: 2 }, { card_id: 'unknown', n_24h: null }, { card_id: '1', n_1h: 0, avg_30d: '' }];
  const { records: out, rejected } = await enricher.enrich(records);
  assert.deepEqual(rejected, []);
  assert.deepEqual(out, [
    { card_id: '1', n_1h: 7, n_24h: '9', avg_30d: '41.5' },
    { card_id: 2, n_1h: '1', n_24h: 0 },
    { card_id: 'unknown', n_24h: null, n_1h: 0 },
    { card_id: '1', n_1h: 0, avg_30d: '', n_24h: '9' },
  ]);
  assert.deepEqual(records[1], { card_id: 2 }, 'the caller\'s records are not changed');
});

test('a hash older than max_age counts as missing; a hash without a stamp is used', async () => {
  let now = 1_000_000;
  const store = new MemoryFeatureStore({ now: () => now });
  store.write('card:old', { n_1h: 5, avg_30d: 10 }, { updatedAtMs: now - 61_000 });
  store.write('card:new', { n_1h: 6, avg_30d: 11 }, { updatedAtMs: now - 59_000 });
  const unstamped: OnlineFeatureStore = { read: async (keys) => keys.map(() => ({ values: { n_1h: '8' } })), close: async () => undefined };
  const enricher = new OnlineFeatureEnricher(spec({ maxAgeMs: 60_000 }), store);
  const { records } = await enricher.enrich([{ card_id: 'old' }, { card_id: 'new' }]);
  assert.deepEqual(records, [{ card_id: 'old', n_1h: 0, n_24h: 0 }, { card_id: 'new', n_1h: '6', n_24h: 0, avg_30d: '11' }]);
  now += 2000;
  const later = await enricher.enrich([{ card_id: 'new' }]);
  assert.deepEqual(later.records, [{ card_id: 'new', n_1h: 0, n_24h: 0 }], 'the same hash goes stale as time passes');
  const noStamp = await new OnlineFeatureEnricher(spec({ maxAgeMs: 60_000 }), unstamped).enrich([{ card_id: 'x' }]);
  assert.deepEqual(noStamp.records, [{ card_id: 'x', n_1h: '8', n_24h: 0 }]);
});

test('an expired hash reads as missing (memory store TTL)', async () => {
  let now = 0;
  const store = new MemoryFeatureStore({ now: () => now });
  store.write('card:1', { n_1h: 4 }, { ttlMs: 1000 });
  const enricher = new OnlineFeatureEnricher(spec(), store);
  assert.equal((await enricher.enrich([{ card_id: '1' }])).records[0]?.n_1h, '4');
  const [hash] = await store.read(['card:1'], ['n_1h'], {});
  assert.equal((hash as FeatureHash).ttlMs, 1000);
  now = 1000;
  assert.equal((await enricher.enrich([{ card_id: '1' }])).records[0]?.n_1h, 0);
  assert.deepEqual(await store.read(['card:1'], ['n_1h'], {}), [undefined]);
});

test('a missing, blank or badly typed key fails the call naming the key field and row', async () => {
  const enricher = new OnlineFeatureEnricher(spec(), new MemoryFeatureStore());
  const opts = { firstRow: 10 };
  await assert.rejects(enricher.enrich([{ card_id: '1' }, { amount: 3 }], opts), isError('INPUT_MISSING_FEATURE', (e) => e.where.field === 'card_id' && e.where.row === 11 && /row 11: key field "card_id" is missing/.test(e.message)));
  await assert.rejects(enricher.enrich([{ card_id: null }], opts), isError('INPUT_MISSING_FEATURE', (e) => e.where.row === 10));
  await assert.rejects(enricher.enrich([{ card_id: '  ' }], opts), isError('INPUT_MISSING_FEATURE'));
  await assert.rejects(enricher.enrich([{ card_id: { id: 1 } }], opts), isError('INPUT_WRONG_TYPE', (e) => e.where.field === 'card_id' && /string or a finite number, got object/.test(e.message)));
  await assert.rejects(enricher.enrich([{ card_id: Number.NaN }], opts), isError('INPUT_WRONG_TYPE'));
});

test('no key is needed when the request gives every online feature', async () => {
  const store = counting(new MemoryFeatureStore());
  const enricher = new OnlineFeatureEnricher(spec(), store);
  const record = { n_1h: 1, n_24h: null, avg_30d: 2 };
  const { records } = await enricher.enrich([record]);
  assert.equal(records[0], record);
  assert.equal(store.reads.length, 0, 'no store round trip when nothing is looked up');
});

test('lenient: rows with an unusable key are reported, the others are filled', async () => {
  const store = new MemoryFeatureStore();
  store.write('card:1', { n_1h: 2 });
  const enricher = new OnlineFeatureEnricher(spec(), store);
  const { records, rejected } = await enricher.enrich([{ card_id: '1' }, { card_id: true }, {}], { lenient: true, firstRow: 5 });
  assert.deepEqual(rejected.map((r) => [r.row, r.error.code]), [[6, 'INPUT_WRONG_TYPE'], [7, 'INPUT_MISSING_FEATURE']]);
  assert.equal(records[0]?.n_1h, '2');
  assert.deepEqual(records[2], {});
});

test('one store read per batch, each entity key once', async () => {
  const memory = new MemoryFeatureStore();
  for (let i = 0; i < 50; i++) memory.write(`card:${i}`, { n_1h: i });
  const store = counting(memory);
  const enricher = new OnlineFeatureEnricher(spec(), store);
  const batch = Array.from({ length: 200 }, (_, i) => ({ card_id: String(i % 50) }));
  const { records } = await enricher.enrich(batch);
  assert.equal(store.reads.length, 1);
  assert.equal(store.reads[0]?.length, 50);
  records.forEach((r, i) => assert.equal(r.n_1h, String(i % 50)));
});

test('on_error fail: a store failure or timeout is a retriable FEATURE_STORE_UNAVAILABLE naming model, store and key', async () => {
  const down = new OnlineFeatureEnricher(spec(), failing);
  await assert.rejects(down.enrich([{ card_id: '1' }]), isError('FEATURE_STORE_UNAVAILABLE', (e) => e.retriable && /model "fraud"/.test(e.message) && /feature store "default"/.test(e.message) && /"card_id"/.test(e.message) && /ECONNREFUSED/.test(e.message)));
  const slow = new OnlineFeatureEnricher(spec({ timeoutMs: 30 }), hanging);
  const started = Date.now();
  await assert.rejects(slow.enrich([{ card_id: '1' }]), isError('FEATURE_STORE_UNAVAILABLE', (e) => e.retriable && /within 30ms/.test(e.message)));
  assert.ok(Date.now() - started < 1000, 'the lookup deadline holds even when the store ignores it');
});

test('on_error defaults: a failed lookup goes on with the defaults and says so', async () => {
  const fallbacks: TetraError[] = [];
  for (const store of [failing, hanging]) {
    const enricher = new OnlineFeatureEnricher(spec({ onError: 'defaults', timeoutMs: 20 }), store, (e) => fallbacks.push(e));
    const { records } = await enricher.enrich([{ card_id: '1', n_24h: 4 }]);
    assert.deepEqual(records, [{ card_id: '1', n_24h: 4, n_1h: 0 }]);
  }
  assert.deepEqual(fallbacks.map((e) => e.code), ['FEATURE_STORE_UNAVAILABLE', 'FEATURE_STORE_UNAVAILABLE']);
});

test('a caller that gives up gets CANCELLED, even with on_error defaults', async () => {
  const enricher = new OnlineFeatureEnricher(spec({ onError: 'defaults', timeoutMs: 5000 }), hanging);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 10);
  await assert.rejects(enricher.enrich([{ card_id: '1' }], { signal: controller.signal }), isError('CANCELLED'));
  await assert.rejects(enricher.enrich([{ card_id: '1' }], { signal: AbortSignal.abort() }), isError('CANCELLED'));
});

test('a store answering the wrong number of hashes is refused', async () => {
  const short: OnlineFeatureStore = { read: async () => [], close: async () => undefined };
  await assert.rejects(new OnlineFeatureEnricher(spec(), short).enrich([{ card_id: '1' }]), isError('FEATURE_STORE_UNAVAILABLE', (e) => !e.retriable && /0 hashes for 1 keys/.test(e.message)));
});

// ---- what the store gets wrong is the store's fault ----

/** Features of every kind, for stored values the encoder would refuse. */
const KINDS = new Map(compileFeatures([
  { name: 'n_1h', type: 'integer' },
  { name: 'mcc', type: 'category', levels: ['5411', '5812'] },
  { name: 'seen', type: 'boolean' },
  { name: 'avg_30d', type: 'number', required: false },
], undefined, false, 'fraud').map((f) => [f.name, f]));
const kinds = (overrides: Partial<OnlineFeatureSpec> = {}): OnlineFeatureSpec => spec({ features: [...KINDS.keys()], inputs: KINDS, defaults: new Map<string, string | number | boolean>([['n_1h', 0], ['mcc', '5411'], ['seen', false]]), ...overrides });

/** An observer that keeps every report. */
function observing(): LookupObserver & { reports: LookupReport[] } {
  const reports: LookupReport[] = [];
  return { reports, onLookup: (report) => void reports.push(report) };
}

test('a stored value the model cannot take is FEATURE_STORE_BAD_DATA naming store, entity, feature and value (on_error fail)', async () => {
  const store = new MemoryFeatureStore();
  const cases: Array<[Record<string, string | number | boolean>, RegExp]> = [
    [{ n_1h: 'abc' }, /feature "n_1h" must be an integer, got "abc"/],
    [{ n_1h: 2.5 }, /feature "n_1h" must be an integer, got "2\.5"/],
    [{ mcc: '9999' }, /feature "mcc" has unknown category "9999"/],
    [{ seen: 'maybe' }, /feature "seen" must be a boolean/],
    [{ n_1h: '' }, /feature "n_1h" is "", which means missing, and the model requires a value/],
    [{ avg_30d: '1e39' }, /beyond the float32 range/],
    [{ avg_30d: 'Infinity' }, /NaN and Infinity are not allowed/],
  ];
  for (const [i, [values, reason]] of cases.entries()) {
    store.write(`card:c${i}`, values);
    const observer = observing();
    await assert.rejects(new OnlineFeatureEnricher(kinds(), store).enrich([{ card_id: `c${i}` }], { observer }), isError('FEATURE_STORE_BAD_DATA', (e) =>
      !e.retriable && reason.test(e.message) && /model "fraud": feature store "default" holds a bad value/.test(e.message) && e.message.includes(`card_id "c${i}", store key "card:c${i}"`) && e.where.field === undefined), JSON.stringify(values));
    assert.equal(observer.reports[0]?.outcomes.error, 1);
  }
  // A blank value where the model takes a missing one is no fault.
  store.write('card:blank', { avg_30d: '' });
  assert.deepEqual((await new OnlineFeatureEnricher(kinds(), store).enrich([{ card_id: 'blank' }])).records, [{ card_id: 'blank', avg_30d: '', n_1h: 0, mcc: '5411', seen: false }]);
});

test('on_error defaults: a bad stored value gives way to that feature\'s default (or stays absent); the rest of the hash is used', async () => {
  const store = new MemoryFeatureStore();
  store.write('card:1', { n_1h: 'abc', mcc: '5812', seen: true, avg_30d: 'x' });
  store.write('card:2', { n_1h: 4 });
  const fallbacks: TetraError[] = [];
  const observer = observing();
  const enricher = new OnlineFeatureEnricher(kinds({ onError: 'defaults' }), store, (e) => fallbacks.push(e));
  const { records } = await enricher.enrich([{ card_id: '1' }, { card_id: '2' }, { card_id: '1', n_1h: 9 }], { observer });
  assert.deepEqual(records, [
    { card_id: '1', n_1h: 0, mcc: '5812', seen: 'true' },
    { card_id: '2', n_1h: '4', mcc: '5411', seen: false },
    { card_id: '1', n_1h: 9, mcc: '5812', seen: 'true' },
  ]);
  assert.deepEqual(fallbacks.map((e) => e.code), ['FEATURE_STORE_BAD_DATA'], 'told once per call');
  assert.deepEqual(observer.reports.map((r) => [r.outcomes, r.fallback?.code]), [[{ hit: 1, miss: 0, stale: 0, error: 0, fallback: 1 }, 'FEATURE_STORE_BAD_DATA']]);
  // The request overriding the bad value: nothing falls back.
  const overridden = await enricher.enrich([{ card_id: '1', n_1h: 1, avg_30d: 2 }], { observer });
  assert.deepEqual(overridden.records, [{ card_id: '1', n_1h: 1, avg_30d: 2, mcc: '5812', seen: 'true' }]);
  assert.deepEqual(observer.reports[1]?.outcomes, { hit: 1, miss: 0, stale: 0, error: 0, fallback: 0 });
  assert.equal(fallbacks.length, 1);
});

test('a key holding no usable hash (store fault) fails only its own entity', async () => {
  const faulty: OnlineFeatureStore = {
    read: async (keys) => keys.map((key): FeatureHash => (key === 'card:bad' ? { values: {}, fault: 'WRONGTYPE Operation against a key holding the wrong kind of value' } : { values: { n_1h: '3' } })),
    close: async () => undefined,
  };
  await assert.rejects(new OnlineFeatureEnricher(kinds(), faulty).enrich([{ card_id: 'ok' }, { card_id: 'bad' }]), isError('FEATURE_STORE_BAD_DATA', (e) => /holds no usable hash: WRONGTYPE/.test(e.message) && e.message.includes('card_id "bad"')));
  const observer = observing();
  const { records } = await new OnlineFeatureEnricher(kinds({ onError: 'defaults' }), faulty).enrich([{ card_id: 'ok' }, { card_id: 'bad' }], { observer });
  assert.deepEqual(records.map((r) => r.n_1h), ['3', 0]);
  assert.deepEqual(observer.reports[0]?.outcomes, { hit: 1, miss: 0, stale: 0, error: 0, fallback: 1 });
});

test('on_error defaults: a required feature without a default cannot fall back, so the store\'s failure stands', async () => {
  const enricher = new OnlineFeatureEnricher(kinds({ onError: 'defaults', defaults: new Map<string, string | boolean>([['mcc', '5411'], ['seen', false]]) }), failing);
  const observer = observing();
  await assert.rejects(enricher.enrich([{ card_id: '1' }, { card_id: '2' }], { observer }), isError('FEATURE_STORE_UNAVAILABLE', (e) => e.retriable && /ECONNREFUSED/.test(e.message) && /feature "n_1h" has no default/.test(e.message)));
  assert.deepEqual(observer.reports.map((r) => [r.outcomes.error, r.fallback]), [[2, undefined]], 'the call failed: every entity is an error, nothing fell back');
  // avg_30d is not required: no default needed.
  const ok = await enricher.enrich([{ card_id: '1', n_1h: 1 }], { observer });
  assert.deepEqual(ok.records, [{ card_id: '1', n_1h: 1, mcc: '5411', seen: false }]);
});

test('the observer gets outcomes per entity and the round trip time; none when nothing is looked up', async () => {
  const now = 10_000_000;
  const store = new MemoryFeatureStore({ now: () => now });
  store.write('card:a', { n_1h: 1 });
  store.write('card:old', { n_1h: 1 }, { updatedAtMs: now - 120_000 });
  const observer = observing();
  const enricher = new OnlineFeatureEnricher(spec({ maxAgeMs: 60_000 }), store);
  await enricher.enrich([{ card_id: 'a' }, { card_id: 'a' }, { card_id: 'old' }, { card_id: 'none' }], { observer });
  await enricher.enrich([{ n_1h: 1, n_24h: 1, avg_30d: 1 }], { observer });
  assert.equal(observer.reports.length, 1);
  const [report] = observer.reports;
  assert.deepEqual([report?.model, report?.store, report?.outcomes], ['fraud', 'default', { hit: 1, miss: 1, stale: 1, error: 0, fallback: 0 }]);
  assert.ok(report?.seconds !== undefined && report.seconds >= 0 && report.seconds < 1);
  await assert.rejects(new OnlineFeatureEnricher(spec(), failing).enrich([{ card_id: 'a' }], { observer }), isError('FEATURE_STORE_UNAVAILABLE'));
  assert.deepEqual(observer.reports[1]?.outcomes, { hit: 0, miss: 0, stale: 0, error: 1, fallback: 0 });
});

test('the caller\'s budget running out during the lookup is DEADLINE_EXCEEDED, not the store\'s failure', async () => {
  const store = counting(hanging);
  const enricher = new OnlineFeatureEnricher(spec({ onError: 'defaults', timeoutMs: 1000 }), store);
  const observer = observing();
  await assert.rejects(enricher.enrich([{ card_id: '1' }], { timeoutMs: 0, observer }), isError('DEADLINE_EXCEEDED', (e) => /no time was left/.test(e.message)));
  assert.equal(store.reads.length, 0, 'no round trip once the deadline has passed');
  await assert.rejects(enricher.enrich([{ card_id: '1' }], { timeoutMs: 20, observer }), isError('DEADLINE_EXCEEDED', (e) => /20ms were left/.test(e.message) && /feature store "default"/.test(e.message)));
  assert.deepEqual(observer.reports, [], 'neither a store error nor a fallback');
  // The configured timeout, when it is the shorter, is the store's.
  const short = new OnlineFeatureEnricher(spec({ timeoutMs: 20 }), hanging);
  await assert.rejects(short.enrich([{ card_id: '1' }], { timeoutMs: 5000 }), isError('FEATURE_STORE_UNAVAILABLE', (e) => /within 20ms/.test(e.message)));
});

// ---- compiling against the model ----

const declared: FeatureConfig[] = [
  { name: 'amount', type: 'number' },
  { name: 'n_1h', type: 'integer' },
  { name: 'seen', type: 'boolean', required: false },
];
const schema: ModelSchema = {
  encoder: new RecordEncoder(compileFeatures(declared, undefined, false, 'm'), 'float64'),
  inputTensor: 'x',
  outputs: { task: 'other', threshold: 0.5, probabilityField: 'p', probabilitiesField: 'ps', labelField: 'l', valueField: 'v' },
};
const stores = new Map([['default', new MemoryFeatureStore()]]);
const config = (extra: object) => onlineFeaturesSchema.parse({ key: 'card_id', features: ['n_1h', 'seen'], ...extra });

test('compiling checks the store, the features and the defaults against the model', () => {
  const ok = compileOnlineFeatures(config({ defaults: { n_1h: 0, seen: false } }), { model: 'm', schema, stores, where: 'm/model.yaml' });
  assert.deepEqual(ok.spec.features, ['n_1h', 'seen']);
  const cases: Array<[object, ReadonlyMap<string, MemoryFeatureStore> | undefined, ModelSchema, string, RegExp]> = [
    [{ store: 'redis-eu' }, stores, schema, 'online_features.store', /"redis-eu" is not a configured feature store \(configured: default\)/],
    [{}, undefined, schema, 'online_features.store', /configured: none/],
    [{ features: ['n_1h', 'n_7d'] }, stores, schema, 'online_features.features[1]', /"n_7d" is not an input of the model/],
    [{ defaults: { n_1h: 'many' } }, stores, schema, 'online_features.defaults.n_1h', /must be an integer|must be a number/],
    [{ defaults: { seen: 'NA' } }, stores, schema, 'online_features.defaults.seen', /missing/],
    [{}, stores, { outputs: schema.outputs }, 'online_features', /takes tensors/],
  ];
  for (const [extra, s, sch, path, message] of cases) {
    assert.throws(() => compileOnlineFeatures(config(extra), { model: 'm', schema: sch, stores: s, where: 'm/model.yaml' }), isError('CONFIG_INVALID', (e) => e.where.path === path && message.test(e.message)), path);
  }
});

test('lenient encoding around rejected rows keeps the caller\'s row numbers', () => {
  const encoder = schema.encoder as RecordEncoder;
  const records: InputRecord[] = [{ amount: 1, n_1h: 1 }, { amount: 2 }, { amount: 'x', n_1h: 1 }, { amount: 4, n_1h: 4 }, { amount: 5, n_1h: 5 }];
  const skipped = [{ row: 101, error: new TetraError('INPUT_MISSING_FEATURE', 'row 101: key') }, { row: 103, error: new TetraError('INPUT_WRONG_TYPE', 'row 103: key') }];
  const out = encodeLenientSkipping(encoder, records, 100, skipped);
  assert.deepEqual(out.rows, [100, 104]);
  assert.deepEqual(out.tensor.shape, [2, 3]);
  assert.deepEqual([...out.tensor.data].filter((v) => !Number.isNaN(v)), [1, 1, 5, 5]);
  assert.deepEqual(out.rejected.map((r) => r.row), [101, 102, 103]);
  assert.match(out.rejected[1]?.error.message ?? '', /^row 102:/);
});

// ---- through the inference service (memory store, no sockets) ----

test('service: looked-up features score like the same values sent; keepGoing rejects a keyless row; tensors pass untouched', async () => {
  const store = new MemoryFeatureStore();
  store.write('card:C00037', { txn_count_1h: 4, txn_count_24h: 11, amount_sum_24h: 2310.5, avg_amount_30d: 62.25 });
  const counted = counting(store);
  const { service, repository } = await fraudOnlineService(counted, onlineFeaturesYaml('card:'));
  try {
    const explicit = { ...TRANSACTION, txn_count_1h: 4, txn_count_24h: 11, amount_sum_24h: 2310.5, avg_amount_30d: 62.25 };
    const [looked, given] = await Promise.all([service.infer({ model: 'fraud-xgb', records: [TRANSACTION] }), service.infer({ model: 'fraud-xgb', records: [explicit] })]);
    assert.deepEqual(looked.predictions, given.predictions);
    const { card_id: _, ...keyless } = TRANSACTION;
    const batch = await service.infer({ model: 'fraud-xgb', records: [TRANSACTION, keyless, { ...TRANSACTION, amount: 'lots' }, TRANSACTION], keepGoing: true, firstRow: 1 });
    assert.deepEqual(batch.rows, [1, 4]);
    assert.deepEqual(batch.rejected?.map((r) => [r.row, r.error.code, r.error.where.field]), [[2, 'INPUT_MISSING_FEATURE', 'card_id'], [3, 'INPUT_WRONG_TYPE', 'amount']]);
    assert.deepEqual(batch.predictions?.[0], looked.predictions?.[0]);
    const reads = counted.reads.length;
    const width = CARD_FEATURES.length + 8;
    const tensors = await service.infer({ model: 'fraud-xgb', tensors: { [repository.resolve('fraud-xgb').schema.inputTensor as string]: { dtype: 'float32', shape: [1, width], data: new Float32Array(width) } } });
    assert.ok(tensors.tensors);
    assert.equal(counted.reads.length, reads, 'a tensor call looks nothing up');
  } finally {
    await repository.close();
  }
});

test('service: a model whose online_features names an unconfigured store fails to load, naming online_features.store', async () => {
  const others = new Map([['eu', new MemoryFeatureStore()]]);
  await assert.rejects(fraudOnlineService(others, onlineFeaturesYaml('card:')), isError('CONFIG_INVALID', (e) => e.where.path === 'online_features.store' && /fraud-xgb\/model\.yaml/.test(e.message) && /configured: eu/.test(e.message)));
});
