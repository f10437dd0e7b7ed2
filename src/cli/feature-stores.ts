import type { OnlineFeatureStore, TetraConfig } from '../core/index.ts';

/**
 * The online feature stores tetra.yaml declares, by name (connections open
 * lazily). The Redis client loads only when a store is declared: a server,
 * or a Lambda cold start, without online features does not pay for it.
 */
export async function openFeatureStores(declared: TetraConfig['feature_stores']): Promise<Map<string, OnlineFeatureStore>> {
  const entries = Object.entries(declared);
  if (entries.length === 0) return new Map();
  const { RedisFeatureStore } = await import('../adapters/state/redis-feature-store.ts');
  return new Map(entries.map(([name, store]) => [name, new RedisFeatureStore({ url: store.url })]));
}
