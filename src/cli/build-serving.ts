import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import { CsvParser } from '../adapters/io/csv-parser.ts';
import { InferenceService, ModelRepository, batcherOptionsFrom, type OnlineFeatureStore, type TetraConfig } from '../core/index.ts';
import { Telemetry } from '../core/telemetry/index.ts';
import { createOnlineServer, type OnlineServer } from '../modes/online/online-server.ts';
import { openFeatureStores } from './feature-stores.ts';
import { allRuntimes } from './runtimes.ts';

/** Everything the online mode runs on, wired from one configuration. */
export interface Serving {
  readonly logger: Logger;
  readonly telemetry: Telemetry;
  readonly repository: ModelRepository;
  readonly service: InferenceService;
  readonly featureStores: ReadonlyMap<string, OnlineFeatureStore>;
  readonly server: OnlineServer;
  /** Reads the repository and loads (and warms) every model; readiness stays false until it is done. */
  load(): Promise<void>;
  /** Stops the server (drain) and closes the feature stores. */
  close(): Promise<void>;
}

/**
 * Builds the repository and the HTTP server (not started, models not yet
 * loaded): a server can listen first, answering liveness while the models
 * load, and turn ready once `load()` is done.
 */
export async function buildServing(config: TetraConfig): Promise<Serving> {
  const logger = pino({ name: 'tetra', level: config.logging.level });
  const telemetry = new Telemetry({ logger });
  const featureStores = await openFeatureStores(config.feature_stores);
  const root = resolve(config.repository);
  const useRoot = existsSync(root) || Object.keys(config.models).length === 0;
  const b = config.batching;
  const repository = new ModelRepository({
    runtimes: allRuntimes(),
    ...(useRoot ? { root } : {}),
    batching: batcherOptionsFrom(b),
    ...(b.timeout !== undefined ? { defaultTimeoutMs: b.timeout } : {}),
    onBatch: telemetry.onBatch,
    featureStores,
    warmUp: true,
  });
  for (const [name, path] of Object.entries(config.models)) repository.addFile(name, resolve(path));
  const service = new InferenceService(repository, telemetry);
  const load = async (): Promise<void> => {
    await repository.scan();
    await repository.loadAll();
    reportModels(repository, logger);
  };
  const server = createOnlineServer({ service, repository, telemetry, server: config.server, sagemaker: config.sagemaker, logger, csvRows });
  const close = async (): Promise<void> => {
    await server.stop();
    await Promise.all([...featureStores.values()].map((s) => s.close()));
  };
  return { logger, telemetry, repository, service, featureStores, server, load, close };
}

function reportModels(repository: ModelRepository, logger: Logger): void {
  for (const m of repository.list()) {
    const problem = m.error ?? m.versions.find((v) => v.error)?.error;
    if (problem) logger.error({ model: m.name, code: problem.code }, `model ${m.name} is not served: ${problem.message}`);
    else logger.info({ model: m.name, versions: m.versions.map((v) => v.version) }, `model ${m.name} ready`);
  }
}

function csvRows(text: string): string[][] {
  const parser = new CsvParser({ source: 'request body' });
  return [...parser.push(text), ...parser.end()];
}
