import type { FastifyInstance } from 'fastify';

/** Browser access for the listed origins (`*` for any); off when the list is empty. */
export function cors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const any = origins.includes('*');
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin || !(any || origins.includes(origin))) return;
    reply
      .header('access-control-allow-origin', any ? '*' : origin)
      .header('vary', 'Origin')
      .header('access-control-expose-headers', 'inference-header-content-length, retry-after, x-request-id, tetra-model, tetra-model-version');
    if (request.method !== 'OPTIONS') return;
    return reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST, OPTIONS')
      .header('access-control-allow-headers', 'authorization, content-type, inference-header-content-length, tetra-timeout, tetra-route-key')
      .header('access-control-max-age', '600')
      .send();
  });
}
