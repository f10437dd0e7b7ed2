import { appendFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceService, ModelRepository, type OnlineFeatureStore } from '../../src/core/index.ts';
import { allRuntimes } from '../../src/cli/runtimes.ts';
import { PROJECT_ROOT } from './fixtures.ts';
import { tempDir } from './temp-dir.ts';

/** The card-activity features of the fraud example, which a feature store can supply. */
export const CARD_FEATURES = ['txn_count_1h', 'txn_count_24h', 'amount_sum_24h', 'avg_amount_30d'] as const;

/** A transaction of the fraud example without its card-activity features. */
export const TRANSACTION = {
  card_id: 'C00037', amount: 56.88, mcc: '5411', hour: 20, is_foreign: false, card_age_days: 78,
  distance_from_home_km: 5.6, device_changed: false, is_online: false,
};

export const onlineFeaturesYaml = (keyPrefix: string, extra = ''): string => `
online_features:
  key: card_id
  key_prefix: "${keyPrefix}"
  features: [${CARD_FEATURES.join(', ')}]
  defaults: { txn_count_1h: 0, txn_count_24h: 0, amount_sum_24h: 0, avg_amount_30d: 0 }
  timeout: 500ms
${extra}`;

/**
 * A repository holding a copy of the fraud example's fraud-xgb whose
 * model.yaml gains `yaml` (an online_features block), served with `store`
 * as the "default" feature store (or with `stores` as they are).
 */
export async function fraudOnlineService(store: OnlineFeatureStore | ReadonlyMap<string, OnlineFeatureStore>, yaml: string): Promise<{ service: InferenceService; repository: ModelRepository }> {
  const root = tempDir('tetra-online-');
  cpSync(join(PROJECT_ROOT, 'examples', 'fraud', 'models', 'fraud-xgb'), join(root, 'fraud-xgb'), { recursive: true });
  appendFileSync(join(root, 'fraud-xgb', 'model.yaml'), yaml);
  const featureStores = store instanceof Map ? store : new Map([['default', store as OnlineFeatureStore]]);
  const repository = new ModelRepository({ runtimes: allRuntimes(), root, featureStores });
  await repository.scan();
  await repository.load('fraud-xgb');
  return { service: new InferenceService(repository), repository };
}
