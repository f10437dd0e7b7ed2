export { RedisFeatureStore, type RedisFeatureStoreOptions } from './redis-feature-store.ts';
export { writeOnlineFeatures, type RedisFeatureWriteOptions } from './write-online-features.ts';
