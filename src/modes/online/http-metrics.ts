import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * HTTP-level metrics: requests by route and status, duration, requests in
 * flight. Hooks are callback-style and label children are cached: this runs
 * for every request.
 */
export function httpMetrics(app: FastifyInstance, registry: Registry): void {
  const registers = [registry];
  const requests = new Counter({ name: 'tetra_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers });
  const seconds = new Histogram({ name: 'tetra_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route'], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5], registers });
  const inFlight = new Gauge({ name: 'tetra_http_in_flight', help: 'HTTP requests being served', registers });
  const counters = new Map<string, ReturnType<typeof requests.labels>>();
  const timers = new Map<string, ReturnType<typeof seconds.labels>>();
  app.addHook('onRequest', (request, reply, done) => {
    inFlight.inc();
    reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    inFlight.dec();
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${route}`;
    let timer = timers.get(key);
    if (!timer) timers.set(key, (timer = seconds.labels({ method: request.method, route })));
    timer.observe(reply.elapsedTime / 1000);
    const statusKey = `${key} ${reply.statusCode}`;
    let counter = counters.get(statusKey);
    if (!counter) counters.set(statusKey, (counter = requests.labels({ method: request.method, route, status: String(reply.statusCode) })));
    counter.inc();
    done();
  });
}
