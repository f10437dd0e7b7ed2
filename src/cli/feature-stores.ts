import { RedisFeatureStore } from '../adapters/state/index.ts';
import type { OnlineFeatureStore, TetraConfig } from '../core/index.ts';

/** The online feature stores tetra.yaml declares, by name (connections open lazily). */
export function openFeatureStores(declared: TetraConfig['feature_stores']): Map<string, OnlineFeatureStore> {
  return new Map(Object.entries(declared).map(([name, store]) => [name, new RedisFeatureStore({ url: store.url })]));
}
