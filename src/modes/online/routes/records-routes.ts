import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TetraError, type InferenceService, type InputRecord, type ModelRepository } from '../../../core/index.ts';
import { callContext } from '../call-context.ts';
import { parseJsonBody } from '../request-options.ts';

/**
 * The records API for application developers:
 * `POST /v1/models/{name}:predict` with `{"instances": [{...}, ...]}` ->
 * `{"predictions": [{...}, ...]}`, and model listings under `/v1/models`.
 */
export function recordsRoutes(app: FastifyInstance, service: InferenceService, repository: ModelRepository): void {
  const predict = async (request: FastifyRequest<{ Params: { name: string; version?: string } }>, reply: FastifyReply) => {
    const { name, version } = request.params;
    const records = instancesOf(parseJsonBody(request.body));
    const { mode, timeoutMs, routeKey } = callContext(request);
    const result = await service.infer({ model: name, version, records, mode, timeoutMs, routeKey });
    return reply.header('tetra-model', result.model).header('tetra-model-version', result.version).send({ predictions: result.predictions ?? [] });
  };
  app.post('/v1/models/:name(^[^:/]+)::predict', predict);
  app.post('/v1/models/:name/versions/:version(^[^:/]+)::predict', predict);
  app.get('/v1/models', async () => ({
    models: repository.list().map((m) => ({ name: m.name, versions: m.versions.filter((v) => v.state === 'ready').map((v) => v.version), ready: repository.isLoaded(m.name) })),
  }));
  app.get<{ Params: { name: string } }>('/v1/models/:name', async (request) => {
    const meta = service.metadata(request.params.name);
    return { ...meta, ready: true };
  });
}

function instancesOf(body: unknown): InputRecord[] {
  const instances = (body as { instances?: unknown } | null)?.instances;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray(instances)) {
    throw new TetraError('INPUT_MALFORMED', 'expected a JSON object {"instances": [{feature: value, ...}, ...]}', { field: 'instances' });
  }
  return instances as InputRecord[];
}
