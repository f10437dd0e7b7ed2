import type { FastifyInstance } from 'fastify';

/** Liveness and readiness: open without an API key, cheap, never touching a model. */
export function healthRoutes(app: FastifyInstance, isReady: () => boolean): void {
  const ready = async (_request: unknown, reply: { code(n: number): { send(b: unknown): unknown } }) =>
    isReady() ? reply.code(200).send({ ready: true }) : reply.code(503).send({ ready: false });
  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', ready);
  // The SageMaker container contract: 200 once the container can serve.
  app.get('/ping', ready);
}

/** Paths that never need an API key (load balancers and orchestrators probe them). */
export const OPEN_PATHS = new Set(['/v2/health/live', '/v2/health/ready', '/ping']);
