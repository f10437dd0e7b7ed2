export type { FeatureHash, FeatureReadOptions, FeatureValue, FeatureWriteOptions, OnlineFeatureStore } from './online-feature-store.ts';
export { OnlineFeatureEnricher, type OnlineFeatureSpec, type EnrichOptions, type EnrichedBatch } from './online-feature-enricher.ts';
export { compileOnlineFeatures, type CompileOnlineFeaturesOptions } from './compile-online-features.ts';
export { MemoryFeatureStore } from './memory-feature-store.ts';
export { badStoredData, storeUnavailable, withDeadline } from './store-errors.ts';
export { LOOKUP_OUTCOMES, type LookupObserver, type LookupOutcome, type LookupReport } from './lookup-observer.ts';
export { FallbackWarnings, FALLBACK_WARNING_INTERVAL_MS } from './fallback-warnings.ts';
export { UPDATED_AT_FIELD, ageOfStamp } from './updated-at.ts';
export { encodeLenientSkipping } from './encode-lenient-skipping.ts';
