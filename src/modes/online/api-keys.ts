import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { OPEN_PATHS } from './routes/health-routes.ts';

/**
 * With API keys configured, every route but the health checks needs
 * `Authorization: Bearer <key>`; 401 otherwise. Keys are compared in
 * constant time.
 */
export function apiKeys(app: FastifyInstance, keys: readonly string[]): void {
  if (keys.length === 0) return;
  // Digests have one length, so comparing them tells nothing about a key's length.
  const accepted = keys.map(digest);
  app.addHook('onRequest', async (request, reply) => {
    if (OPEN_PATHS.has(request.url.split('?')[0] as string)) return;
    const header = request.headers.authorization;
    const scheme = /^bearer\s+/i.exec(header ?? '');
    const presented = scheme && header ? digest(header.slice(scheme[0].length).trim()) : undefined;
    let valid = false;
    for (const k of accepted) if (presented && timingSafeEqual(k, presented)) valid = true;
    if (valid) return;
    const error = header === undefined ? 'an API key is required: send "Authorization: Bearer <key>"' : 'the API key is not valid';
    return reply.code(401).header('www-authenticate', 'Bearer').send({ error, code: 'UNAUTHORIZED' });
  });
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
