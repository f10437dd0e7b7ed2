import type { FastifyInstance } from 'fastify';
import type { Telemetry } from '../../../core/telemetry/index.ts';
import { openApiDocument } from '../openapi.ts';

/** Prometheus metrics and the OpenAPI document. */
export function opsRoutes(app: FastifyInstance, telemetry: Telemetry): void {
  app.get('/metrics', async (_request, reply) => reply.header('content-type', telemetry.registry.contentType).send(await telemetry.registry.metrics()));
  const document = openApiDocument();
  app.get('/openapi.json', async () => document);
}
