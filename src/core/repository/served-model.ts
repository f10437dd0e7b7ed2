import { Batcher } from '../batching/batcher.ts';
import type { BatchEvent, BatcherOptions } from '../batching/batch-work.ts';
import { tensorBatchWork, type TensorCall } from '../batching/tensor-batch-work.ts';
import { describeFeatures } from '../codec/compile-features.ts';
import { compileModelSchema, type ModelSchema } from '../codec/model-schema.ts';
import type { ModelConfigFile } from '../config/model-config.ts';
import { compileOnlineFeatures } from '../enrich/compile-online-features.ts';
import type { OnlineFeatureEnricher } from '../enrich/online-feature-enricher.ts';
import type { OnlineFeatureStore } from '../enrich/online-feature-store.ts';
import { TetraError } from '../errors/index.ts';
import type { LoadContext, LoadedModel } from '../model/model-runtime.ts';
import type { RuntimeName } from '../model/runtime-name.ts';
import type { TensorMap } from '../tensor.ts';
import { findArtifact, type ModelSource } from './model-folder.ts';
import { warmUp } from './warm-up.ts';
import type { RuntimeRegistry } from './runtime-registry.ts';

/** One version of a model, loaded and ready to answer: the model, its records schema and its batcher. */
export interface ServedModel {
  readonly name: string;
  readonly version: string;
  readonly runtime: RuntimeName;
  readonly artifact: string;
  readonly config?: ModelConfigFile;
  readonly model: LoadedModel;
  readonly schema: ModelSchema;
  readonly batcher: Batcher<TensorCall, TensorMap>;
  /** model.yaml `batching.timeout`: how long a call may wait when the caller sets no timeout. */
  readonly defaultTimeoutMs?: number;
  /** model.yaml `online_features`: fills looked-up features into records before they are encoded. */
  readonly enricher?: OnlineFeatureEnricher;
}

export interface LoadVersionOptions {
  readonly runtimes: RuntimeRegistry;
  readonly batching?: Partial<BatcherOptions>;
  readonly onBatch?: (model: ServedModel, event: BatchEvent) => void;
  /** Timeout for calls that set none, when model.yaml sets none either (tetra.yaml `batching.timeout`). */
  readonly defaultTimeoutMs?: number;
  /** Runs each version once before it serves, so the first call is not slow. */
  readonly warmUp?: boolean;
  /** Lets a model call other models (see LoadContext.infer). */
  readonly infer?: LoadContext['infer'];
  /** Online feature stores by name, for models that declare `online_features`. */
  readonly featureStores?: ReadonlyMap<string, OnlineFeatureStore>;
  /** Batcher settings that win over model.yaml's: a batch job sets how many of its chunks run at once, which a serving queue limit must not refuse. */
  readonly batchingOverride?: Partial<BatcherOptions>;
  /** Wraps each model as it loads, before anything runs it: where its runs are carried out (e.g. worker threads holding copies). */
  readonly wrapModel?: (model: LoadedModel, name: string, version: string) => LoadedModel;
}

/** Loads one version of a model source and wraps it for serving. */
export async function loadServedModel(source: ModelSource, version: string, options: LoadVersionOptions): Promise<ServedModel> {
  const location = source.versions.get(version);
  if (location === undefined) throw new TetraError('MODEL_VERSION_NOT_FOUND', `model "${source.name}" has no version ${version}`, { model: source.name });
  const config = source.config;
  const artifact = source.bare ? location : await findArtifact(location, config, options.runtimes);
  const runtime = config?.runtime ? options.runtimes.get(config.runtime) : await options.runtimes.detect(artifact);
  const features = config?.inputs ? describeFeatures(config.inputs) : undefined;
  const context: LoadContext = { ...(features ? { features } : {}), ...(options.infer ? { infer: options.infer } : {}) };
  let model = await runtime.load({ path: artifact }, config?.runtime_options, context);
  try {
    if (options.wrapModel) model = options.wrapModel(model, source.name, version);
    const where = source.dir ? `${source.dir}/model.yaml` : artifact;
    const schema = compileModelSchema(config, model, where);
    const online = config?.online_features;
    const enricher = online ? compileOnlineFeatures(online, { model: source.name, schema, stores: options.featureStores, where }) : undefined;
    const batching = { ...options.batching, ...batcherOptionsFrom(config?.batching), ...options.batchingOverride };
    let served: ServedModel;
    const batcher = new Batcher(tensorBatchWork(model), batching, (event) => options.onBatch?.(served, event));
    const defaultTimeoutMs = config?.batching?.timeout ?? options.defaultTimeoutMs;
    served = { name: source.name, version, runtime: runtime.name, artifact, config, model, schema, batcher, ...(defaultTimeoutMs !== undefined ? { defaultTimeoutMs } : {}), ...(enricher ? { enricher } : {}) };
    if (options.warmUp) await warmUp(model);
    return served;
  } catch (error) {
    await model.unload();
    throw error;
  }
}

/** The `batching` section of tetra.yaml or model.yaml (durations already in ms) as Batcher options; absent keys stay absent. */
export function batcherOptionsFrom(b: { max_batch_size?: number; max_queue?: number; max_wait?: number } | undefined): Partial<BatcherOptions> {
  if (!b) return {};
  return {
    ...(b.max_batch_size !== undefined ? { maxBatchSize: b.max_batch_size } : {}),
    ...(b.max_queue !== undefined ? { maxQueueRows: b.max_queue } : {}),
    ...(b.max_wait !== undefined ? { maxWaitMs: b.max_wait } : {}),
  };
}

/** Drains a served model's queue, then frees it. */
export async function unloadServedModel(served: ServedModel): Promise<void> {
  await served.batcher.close();
  await served.model.unload();
}
