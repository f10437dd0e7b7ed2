import type { FeatureSpec } from '../codec/feature-spec.ts';
import type { ModelSchema } from '../codec/model-schema.ts';
import { MISSING, encodeValue } from '../codec/parse-value.ts';
import type { OnlineFeaturesConfig } from '../config/online-features-config.ts';
import { TetraError } from '../errors/index.ts';
import { OnlineFeatureEnricher, type OnlineFeatureSpec } from './online-feature-enricher.ts';
import type { FeatureValue, OnlineFeatureStore } from './online-feature-store.ts';

export interface CompileOnlineFeaturesOptions {
  readonly model: string;
  readonly schema: ModelSchema;
  /** The configured stores by name. */
  readonly stores: ReadonlyMap<string, OnlineFeatureStore> | undefined;
  /** The model.yaml, for messages. */
  readonly where: string;
  readonly onFallback?: (error: TetraError) => void;
}

/**
 * Checks `online_features` against the loaded model (the store exists, each
 * feature is a model input, each default is a valid value of its feature)
 * so mistakes fail the load with their path instead of every request.
 */
export function compileOnlineFeatures(config: OnlineFeaturesConfig, options: CompileOnlineFeaturesOptions): OnlineFeatureEnricher {
  const { model, schema, stores, where } = options;
  const encoder = schema.encoder;
  if (!encoder) throw invalid(where, 'online_features', 'the model takes tensors, not records, so there are no record features to fill; remove online_features');
  const store = stores?.get(config.store);
  if (!store) {
    const known = stores && stores.size > 0 ? [...stores.keys()].join(', ') : 'none';
    throw invalid(where, 'online_features.store', `"${config.store}" is not a configured feature store (configured: ${known})`);
  }
  const inputs = new Map(encoder.features.map((f) => [f.name, f]));
  config.features.forEach((name, i) => {
    if (!inputs.has(name)) throw invalid(where, `online_features.features[${i}]`, `"${name}" is not an input of the model (inputs: ${[...inputs.keys()].join(', ')})`);
  });
  const defaults = new Map(Object.entries(config.defaults ?? {}));
  for (const [name, value] of defaults) checkDefault(inputs.get(name) as FeatureSpec, value, where);
  const spec: OnlineFeatureSpec = {
    model,
    storeName: config.store,
    keyField: config.key,
    keyPrefix: config.key_prefix,
    features: config.features,
    defaults,
    inputs: new Map(config.features.map((name) => [name, inputs.get(name) as FeatureSpec])),
    dtype: encoder.dtype,
    ...(config.max_age !== undefined ? { maxAgeMs: config.max_age } : {}),
    timeoutMs: config.timeout,
    onError: config.on_error,
  };
  return new OnlineFeatureEnricher(spec, store, options.onFallback);
}

/** A default goes through the encoder like a request value; a bad one would fail every request that needs it. */
function checkDefault(feature: FeatureSpec, value: FeatureValue, where: string): void {
  const path = `online_features.defaults.${feature.name}`;
  let encoded: number | typeof MISSING;
  try {
    encoded = encodeValue(feature, value, 0);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^row 0: /, '') : String(error);
    throw invalid(where, path, reason, error);
  }
  if (encoded === MISSING) throw invalid(where, path, `${JSON.stringify(value)} means "missing"; leave the default out instead`);
}

function invalid(where: string, path: string, reason: string, cause?: unknown): TetraError {
  return new TetraError('CONFIG_INVALID', `${where}: ${path}: ${reason}`, { path, cause });
}
