import type { Logger } from 'pino';
import { TetraError, loadTetraConfig, type ModelRepository } from '../../core/index.ts';
import { buildServing } from '../build-serving.ts';

export interface ServeOptions {
  readonly config?: string;
  readonly repo?: string;
  readonly host?: string;
  readonly port?: number;
  /** `NAME=PATH` pairs: bare model files to serve. */
  readonly models: readonly string[];
}

/** `tetra serve`: loads and warms the models, serves HTTP until SIGTERM/SIGINT, then drains and exits. */
export async function serveCommand(options: ServeOptions): Promise<void> {
  const config = await loadTetraConfig({ file: options.config, flags: flagSettings(options) });
  const serving = await buildServing(config);
  const { logger, server, repository } = serving;
  const address = await server.listen();
  logger.info({ address }, `tetra listening on ${address}; loading models`);
  await serving.load();
  logger.info({ address, models: repository.names() }, `tetra serving on ${address}`);
  const reload = startReloading(repository, config.server.reload_interval, logger);
  await untilSignal();
  logger.info('stopping: readiness off, draining in-flight requests');
  clearInterval(reload);
  const forced = setTimeout(() => {
    logger.error(`in-flight requests did not finish within ${config.server.shutdown_grace} ms; exiting anyway`);
    process.exit(1);
  }, config.server.shutdown_grace).unref();
  await serving.close();
  clearTimeout(forced);
  logger.info('stopped');
}

function flagSettings(options: ServeOptions): Record<string, unknown> {
  const server: Record<string, unknown> = {};
  if (options.host !== undefined) server.host = options.host;
  if (options.port !== undefined) server.port = options.port;
  const models = Object.fromEntries(options.models.map(parseModelFlag));
  return {
    ...(options.repo !== undefined ? { repository: options.repo } : {}),
    ...(Object.keys(server).length > 0 ? { server } : {}),
    ...(options.models.length > 0 ? { models } : {}),
  };
}

function parseModelFlag(pair: string): [string, string] {
  const eq = pair.indexOf('=');
  if (eq <= 0 || eq === pair.length - 1) throw new TetraError('CONFIG_INVALID', `--model expects NAME=PATH, got "${pair}"`, { path: 'models' });
  return [pair.slice(0, eq), pair.slice(eq + 1)];
}

/** Polls the repository for new, changed or removed versions; a failed poll is logged and tried again next time. */
function startReloading(repository: ModelRepository, intervalMs: number, logger: Logger): NodeJS.Timeout | undefined {
  if (intervalMs <= 0) return undefined;
  let running = false;
  return setInterval(() => {
    if (running) return;
    running = true;
    repository
      .refresh()
      .catch((error: unknown) => logger.warn({ err: error }, 'model repository refresh failed'))
      .finally(() => (running = false));
  }, intervalMs).unref();
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
