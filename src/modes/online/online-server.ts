import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { TetraError, type InferenceService, type ModelRepository, type TetraConfig } from '../../core/index.ts';
import type { Telemetry } from '../../core/telemetry/index.ts';
import { AccessLog } from './access-log.ts';
import { apiKeys } from './api-keys.ts';
import { cors } from './cors.ts';
import { httpErrorReply, type HttpErrorOptions } from './http-error.ts';
import { httpMetrics } from './http-metrics.ts';
import { newRequestId } from './request-id.ts';
import { healthRoutes, OPEN_PATHS } from './routes/health-routes.ts';
import { opsRoutes } from './routes/ops-routes.ts';
import { oipRoutes } from './routes/oip-routes.ts';
import { recordsRoutes } from './routes/records-routes.ts';
import { sagemakerBatchSettings } from './routes/sagemaker-batch.ts';
import { sagemakerRoutes, type CsvRows } from './routes/sagemaker-routes.ts';

export interface OnlineServerOptions {
  readonly service: InferenceService;
  readonly repository: ModelRepository;
  readonly telemetry: Telemetry;
  readonly server: TetraConfig['server'];
  /** The SageMaker Batch Transform settings (tetra.yaml `sagemaker`). */
  readonly sagemaker: TetraConfig['sagemaker'];
  readonly logger: Logger;
  /** CSV parsing for SageMaker `text/csv` invocations (an adapter, injected). */
  readonly csvRows: CsvRows;
}

/** The online mode: an HTTP server in front of the inference service. */
export interface OnlineServer {
  readonly app: FastifyInstance;
  /** True when every model is loaded and warm, and the server is not stopping. */
  ready(): boolean;
  listen(): Promise<string>;
  /** Readiness goes false, new connections are refused, in-flight requests finish, models drain. */
  stop(): Promise<void>;
}

export function createOnlineServer(options: OnlineServerOptions): OnlineServer {
  const { service, repository, telemetry, server, logger } = options;
  let stopping = false;
  const ready = (): boolean => !stopping && service.ready();
  const app: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new AccessLog(),
    bodyLimit: server.body_limit,
    requestIdHeader: 'x-request-id',
    genReqId: newRequestId,
    // No child logger per request (it costs on every call): error logs name the request id themselves.
    childLoggerFactory: (logger) => logger,
    forceCloseConnections: 'idle',
    requestTimeout: server.request_timeout,
    // Requests on connections opened before stop() get Tetra's own answers (see refuseWhileStopping).
    return503OnClosing: false,
  });
  const errors: HttpErrorOptions = { overloadStatus: server.overload_status, retryAfterSeconds: Math.max(1, Math.ceil(server.retry_after / 1000)) };
  acceptRawBodies(app);
  app.setErrorHandler((error, request, reply) => {
    const answer = httpErrorReply(error, errors);
    const log = answer.status >= 500 ? request.log.error.bind(request.log) : request.log.info.bind(request.log);
    log({ reqId: request.id, code: answer.body.code, status: answer.status, err: answer.status >= 500 ? error : undefined }, answer.body.error);
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });
  const metrics = httpMetrics(app, telemetry.registry);
  app.setNotFoundHandler((request, reply) => {
    metrics.notFound(request.method);
    return reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}`, code: 'ROUTE_NOT_FOUND' });
  });
  refuseWhileStopping(app, () => stopping);
  cors(app, server.cors_origins);
  apiKeys(app, server.api_keys);
  healthRoutes(app, ready);
  oipRoutes(app, service, repository);
  recordsRoutes(app, service, repository);
  sagemakerRoutes(app, service, repository, options.csvRows, sagemakerBatchSettings(options.sagemaker));
  opsRoutes(app, telemetry);
  return {
    app,
    ready,
    listen: () => app.listen({ host: server.host, port: server.port }),
    stop: async () => {
      stopping = true;
      await app.close();
      await repository.close();
    },
  };
}

/**
 * While stopping, the listener is closed but connections opened before may
 * still carry requests: health checks answer (readiness says false), other
 * new requests get 503 SHUTTING_DOWN with Retry-After, and every response,
 * in-flight ones included, says `Connection: close`, so clients neither
 * reuse a connection about to close nor keep the server waiting on idle
 * keep-alive connections until they time out.
 */
function refuseWhileStopping(app: FastifyInstance, stopping: () => boolean): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (!stopping() || OPEN_PATHS.has(request.url.split('?')[0] as string)) return done();
    done(new TetraError('SHUTTING_DOWN', 'the server is shutting down and takes no new requests; retry on another instance'));
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (stopping()) reply.header('connection', 'close');
    done(null, payload);
  });
}

/** Bodies arrive as Buffers: the routes parse JSON themselves (clear errors) and need raw bytes for binary tensors and CSV. */
function acceptRawBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const raw = (_request: unknown, body: Buffer | string, done: (error: null, body: Buffer | string) => void): void => done(null, body);
  // The same parser, named for JSON too: fastify caches the parser of a named type, while
  // the catch-all is looked up again (content type parsed, lists searched) on every request.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, raw);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, raw);
}
