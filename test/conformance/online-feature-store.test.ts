import { Redis } from 'ioredis';
import { RedisFeatureStore, writeOnlineFeatures } from '../../src/adapters/state/index.ts';
import { MemoryFeatureStore } from '../../src/core/index.ts';
import { SERVICES, needs } from '../helpers/services.ts';
import { onlineFeatureStoreConformance } from './online-feature-store.suite.ts';

onlineFeatureStoreConformance('memory store', async () => {
  const store = new MemoryFeatureStore();
  return { store, prefix: 'k:', write: async (key, values, options) => store.write(key, values, options), close: () => store.close() };
});

const url = `redis://${SERVICES.redis.host}:${SERVICES.redis.port}`;
onlineFeatureStoreConformance('redis store', async () => {
  const writer = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const store = new RedisFeatureStore({ url });
  const prefix = `tetra-conformance:${process.pid}:${Date.now()}:`;
  return {
    store,
    prefix,
    write: (key, values, options) => writeOnlineFeatures(writer, key, values, options),
    writeNonHash: async (key) => void (await writer.set(key, 'not a hash')),
    close: async () => {
      const keys = await writer.keys(`${prefix}*`);
      if (keys.length > 0) await writer.del(...keys);
      await writer.quit();
      await store.close();
    },
  };
}, await needs('redis'));
