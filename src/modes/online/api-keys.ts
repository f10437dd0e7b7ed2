import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { OPEN_PATHS } from './routes/health-routes.ts';

/**
 * With API keys configured, every route but the health checks needs
 * `Authorization: Bearer <key>`; 401 otherwise. Keys are compared in
 * constant time.
 */
export function apiKeys(app: FastifyInstance, keys: readonly string[]): void {
  if (keys.length === 0) return;
  const accepted = keys.map((k) => Buffer.from(k));
  app.addHook('onRequest', async (request, reply) => {
    if (OPEN_PATHS.has(request.url.split('?')[0] as string)) return;
    const header = request.headers.authorization;
    const presented = header?.startsWith('Bearer ') ? Buffer.from(header.slice(7).trim()) : undefined;
    if (presented && accepted.some((k) => k.length === presented.length && timingSafeEqual(k, presented))) return;
    const error = header === undefined ? 'an API key is required: send "Authorization: Bearer <key>"' : 'the API key is not valid';
    return reply.code(401).header('www-authenticate', 'Bearer').send({ error, code: 'UNAUTHORIZED' });
  });
}
