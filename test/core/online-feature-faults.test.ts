import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Telemetry } from '../../src/core/telemetry/index.ts';
import {
  InferenceService,
  MemoryFeatureStore,
  TetraError,
  httpStatusOf,
  type ErrorCode,
  type InferRequest,
  type ModelRepository,
  type OnlineFeatureStore,
} from '../../src/core/index.ts';
import { TRANSACTION, fraudOnlineService, onlineFeaturesYaml } from '../helpers/fraud-online-repo.ts';
import { metricValue } from '../helpers/metrics-text.ts';

// A bad value in the feature store is the store's fault, not the caller's;
// falling back to the defaults is logged (rate-limited) and counted.

const isError = (code: ErrorCode, check: (e: TetraError) => boolean = () => true) => (e: unknown): boolean => TetraError.is(e) && e.code === code && check(e);

const failing: OnlineFeatureStore = { read: async () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')), close: async () => undefined };
const hanging: OnlineFeatureStore = { read: () => new Promise<never>(() => undefined), close: async () => undefined };

const ACTIVITY = { txn_count_1h: 2, txn_count_24h: 5, amount_sum_24h: 310.5, avg_amount_30d: 48.25 };
const CARD = TRANSACTION.card_id;

interface Harness {
  readonly service: InferenceService;
  readonly repository: ModelRepository;
  readonly telemetry: Telemetry;
  /** The warnings logged, parsed. */
  readonly warnings: Array<Record<string, unknown>>;
  /** Moves the telemetry's clock. */
  advance(ms: number): void;
  metric(name: string, labels: Record<string, string>): Promise<number | undefined>;
}

/** fraud-xgb with `online_features` over `store`, served with a telemetry whose logs and clock the test holds. */
async function harness(store: OnlineFeatureStore, yaml: string): Promise<Harness> {
  const warnings: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as Record<string, unknown>) });
  let now = 1_000_000;
  const telemetry = new Telemetry({ logger, now: () => now });
  const { repository } = await fraudOnlineService(store, yaml);
  const service = new InferenceService(repository, telemetry);
  return {
    service, repository, telemetry, warnings,
    advance: (ms) => void (now += ms),
    metric: async (name, labels) => metricValue(await telemetry.registry.metrics(), name, labels),
  };
}

const lookups = (outcome: string): Record<string, string> => ({ model: 'fraud-xgb', store: 'default', outcome });
const LOOKUPS = 'tetra_online_feature_lookups_total';

test('a bad stored value fails the call as the store\'s fault (on_error fail), naming store, entity, feature and value', async () => {
  const store = new MemoryFeatureStore();
  store.write(`card:${CARD}`, { ...ACTIVITY, txn_count_1h: 'abc' });
  const h = await harness(store, onlineFeaturesYaml('card:'));
  try {
    const bad = (e: TetraError): boolean =>
      httpStatusOf(e.code) >= 500 && !e.retriable &&
      /feature store "default"/.test(e.message) && e.message.includes(`"${CARD}"`) && /"txn_count_1h"/.test(e.message) && /"abc"/.test(e.message);
    await assert.rejects(h.service.infer({ model: 'fraud-xgb', records: [TRANSACTION] }), isError('FEATURE_STORE_BAD_DATA', bad));
    // Batch mode's keepGoing rejects rows for the caller's mistakes only: the store's fault fails the call.
    await assert.rejects(h.service.infer({ model: 'fraud-xgb', records: [TRANSACTION, TRANSACTION], keepGoing: true }), isError('FEATURE_STORE_BAD_DATA', bad));
    // The same bad value sent by the caller is still the caller's 400.
    await assert.rejects(h.service.infer({ model: 'fraud-xgb', records: [{ ...TRANSACTION, ...ACTIVITY, txn_count_1h: 'abc' }] }), isError('INPUT_WRONG_TYPE', (e) => httpStatusOf(e.code) === 400));
    // A request that gives the feature itself never uses the bad stored value.
    const overridden = await h.service.infer({ model: 'fraud-xgb', records: [{ ...TRANSACTION, txn_count_1h: 2 }] });
    const sent = await h.service.infer({ model: 'fraud-xgb', records: [{ ...TRANSACTION, ...ACTIVITY }] });
    assert.deepEqual(overridden.predictions, sent.predictions);
    assert.equal(await h.metric(LOOKUPS, lookups('error')), 2);
    assert.equal(await h.metric(LOOKUPS, lookups('hit')), 1);
  } finally {
    await h.repository.close();
  }
});

test('on_error defaults: a bad stored value is replaced by that feature\'s default, the other stored values are kept; logged and counted', async () => {
  const store = new MemoryFeatureStore();
  store.write(`card:${CARD}`, { ...ACTIVITY, txn_count_24h: '12.5' });
  const h = await harness(store, onlineFeaturesYaml('card:', '  on_error: defaults\n'));
  try {
    const looked = await h.service.infer({ model: 'fraud-xgb', records: [TRANSACTION] });
    const expected = await h.service.infer({ model: 'fraud-xgb', records: [{ ...TRANSACTION, ...ACTIVITY, txn_count_24h: 0 }] });
    assert.deepEqual(looked.predictions, expected.predictions);
    assert.equal(await h.metric(LOOKUPS, lookups('fallback')), 1);
    assert.equal(h.warnings.length, 1);
    const [warning] = h.warnings;
    assert.equal(warning?.model, 'fraud-xgb');
    assert.equal(warning?.store, 'default');
    assert.equal(warning?.code, 'FEATURE_STORE_BAD_DATA');
    assert.match(String(warning?.msg), /defaults/);
    assert.match(String(warning?.msg), /"txn_count_24h"/);
    assert.match(String(warning?.msg), /"12\.5"/);
    assert.ok(String(warning?.msg).includes(CARD));
  } finally {
    await h.repository.close();
  }
});

test('on_error defaults: a down store is logged at most once per model per 10 s, with the count held back; every fallback is counted', async () => {
  const h = await harness(failing, onlineFeaturesYaml('card:', '  on_error: defaults\n'));
  try {
    for (let i = 0; i < 20; i++) await h.service.infer({ model: 'fraud-xgb', records: [TRANSACTION] });
    assert.equal(h.warnings.length, 1, 'one line for the first fallback, the rest held back');
    assert.equal(h.warnings[0]?.code, 'FEATURE_STORE_UNAVAILABLE');
    assert.match(String(h.warnings[0]?.msg), /ECONNREFUSED/);
    h.advance(9_000);
    await h.service.infer({ model: 'fraud-xgb', records: [TRANSACTION] });
    assert.equal(h.warnings.length, 1);
    h.advance(1_000);
    await h.service.infer({ model: 'fraud-xgb', records: [TRANSACTION] });
    assert.equal(h.warnings.length, 2);
    assert.equal(h.warnings[1]?.suppressed, 20);
    assert.equal(await h.metric(LOOKUPS, lookups('fallback')), 22);
  } finally {
    await h.repository.close();
  }
});

test('on_error defaults with no default for a required feature: a down store is the store\'s 503, not the caller\'s missing feature', async () => {
  const yaml = `
online_features:
  key: card_id
  key_prefix: "card:"
  features: [txn_count_1h, txn_count_24h, amount_sum_24h, avg_amount_30d]
  defaults: { txn_count_24h: 0, amount_sum_24h: 0, avg_amount_30d: 0 }
  on_error: defaults
`;
  const h = await harness(failing, yaml);
  try {
    await assert.rejects(h.service.infer({ model: 'fraud-xgb', records: [TRANSACTION] }), isError('FEATURE_STORE_UNAVAILABLE', (e) => e.retriable && /txn_count_1h/.test(e.message) && /no default/.test(e.message)));
    // Given in the request, the feature needs no default: the call goes on with the others' defaults.
    const given = await h.service.infer({ model: 'fraud-xgb', records: [{ ...TRANSACTION, txn_count_1h: 1 }] });
    assert.equal(given.predictions?.length, 1);
    assert.equal(await h.metric(LOOKUPS, lookups('error')), 1);
    assert.equal(await h.metric(LOOKUPS, lookups('fallback')), 1);
  } finally {
    await h.repository.close();
  }
});

test('lookups are counted by outcome (hit, miss, stale, error) and timed per model', async () => {
  const store = new MemoryFeatureStore();
  store.write('card:fresh', ACTIVITY);
  store.write('card:old', ACTIVITY, { updatedAtMs: Date.now() - 2 * 3_600_000 });
  const h = await harness(store, onlineFeaturesYaml('card:', '  max_age: 1h\n'));
  try {
    const records = ['fresh', 'fresh', 'old', 'nobody'].map((card_id) => ({ ...TRANSACTION, card_id }));
    await h.service.infer({ model: 'fraud-xgb', records });
    await h.service.infer({ model: 'fraud-xgb', records: [{ ...TRANSACTION, card_id: 'fresh' }] });
    // Every card feature given: nothing looked up, nothing counted.
    await h.service.infer({ model: 'fraud-xgb', records: [{ ...TRANSACTION, ...ACTIVITY }] });
    assert.equal(await h.metric(LOOKUPS, lookups('hit')), 2, 'per entity, each entity once per call');
    assert.equal(await h.metric(LOOKUPS, lookups('miss')), 1);
    assert.equal(await h.metric(LOOKUPS, lookups('stale')), 1);
    assert.equal(await h.metric('tetra_online_feature_lookup_duration_seconds_count', { model: 'fraud-xgb' }), 2, 'one store round trip per call');
    assert.equal(h.warnings.length, 0, 'misses and stale hashes are normal: no warning');
    await store.close();
    await assert.rejects(h.service.infer({ model: 'fraud-xgb', records: [TRANSACTION] }), isError('FEATURE_STORE_UNAVAILABLE'));
    assert.equal(await h.metric(LOOKUPS, lookups('error')), 1);
    const text = await h.telemetry.registry.metrics();
    assert.match(text, /tetra_inference_requests_total\{model="fraud-xgb",version="1",mode="online",outcome="FEATURE_STORE_UNAVAILABLE"\} 1/, 'existing metrics stay');
  } finally {
    await h.repository.close();
  }
});

test('a caller budget that runs out during the lookup is the caller\'s deadline, not a store failure or a fallback', async () => {
  const h = await harness(hanging, onlineFeaturesYaml('card:', '  on_error: defaults\n'));
  try {
    const request: InferRequest = { model: 'fraud-xgb', records: [TRANSACTION], timeoutMs: 30 };
    await assert.rejects(h.service.infer(request), isError('DEADLINE_EXCEEDED', (e) => /online feature lookup/.test(e.message)));
    assert.equal(h.warnings.length, 0);
    assert.equal(await h.metric(LOOKUPS, lookups('fallback')), undefined);
    // The configured lookup timeout (shorter than the caller's budget) is still the store's fault.
    const slow = await harness(hanging, onlineFeaturesYaml('card:', '  on_error: fail\n').replace('timeout: 500ms', 'timeout: 20ms'));
    try {
      await assert.rejects(slow.service.infer({ ...request, timeoutMs: 5000 }), isError('FEATURE_STORE_UNAVAILABLE', (e) => /within 20ms/.test(e.message)));
    } finally {
      await slow.repository.close();
    }
  } finally {
    await h.repository.close();
  }
});
