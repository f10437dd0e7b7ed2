/**
 * The HTTP floor for the online benchmark: the same HTTP stack (fastify,
 * body read and JSON-parsed) answering every POST with a fixed JSON body of
 * the size Tetra's answer has. No model, no batching: what serving costs
 * before any inference.
 *
 *   node --import tsx bench/online/floor-server.ts <port> <response-bytes>
 */
import Fastify from 'fastify';

const [port, bytes] = process.argv.slice(2).map(Number);
const padding = 'x'.repeat(Math.max(0, (bytes ?? 64) - 20));
const body = JSON.stringify({ predictions: [{ p: padding }] });
const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });
app.post('/*', async (request, reply) => {
  if (typeof request.body !== 'object') throw new Error('expected a JSON body');
  return reply.header('content-type', 'application/json').send(body);
});
const address = await app.listen({ host: '127.0.0.1', port: port ?? 0 });
process.stdout.write(`${JSON.stringify({ address })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
