import type { FastifyInstance, onResponseHookHandler } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import { HotCounter, HotHistogram, type CounterChild } from '../../core/telemetry/index.ts';

/**
 * HTTP-level metrics: requests by route and status, duration, requests in
 * flight. The hooks are attached per route as routes are added, with their
 * label children made then, so no request reads the route's options (a
 * getter that builds an object) or checks and hashes labels: the counter and
 * histogram are Tetra's hot ones, and requests in flight are a plain number
 * the gauge reads when scraped. Call before adding routes; `notFound`
 * counts requests that match no route.
 */
export function httpMetrics(app: FastifyInstance, registry: Registry): { notFound(method: string): void } {
  const registers = [registry];
  const requests = new HotCounter({ name: 'tetra_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers });
  const seconds = new HotHistogram({ name: 'tetra_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route'], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5], registers });
  let inFlight = 0;
  new Gauge({
    name: 'tetra_http_in_flight', help: 'HTTP requests being served', registers,
    collect() {
      this.set(inFlight);
    },
  });
  // Global, so every request is counted in and out, also those refused before routing (401, 404).
  app.addHook('onRequest', (request, reply, done) => {
    inFlight++;
    reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onResponse', (_request, _reply, done) => {
    inFlight--;
    done();
  });
  app.addHook('onRoute', (route) => {
    const label = routeLabel(route.url);
    for (const method of [route.method].flat()) {
      const timer = seconds.labels({ method, route: label });
      const byStatus = new Map<number, CounterChild>();
      const onResponse: onResponseHookHandler = (_request, reply, done) => {
        timer.observe(reply.elapsedTime / 1000);
        let counter = byStatus.get(reply.statusCode);
        if (!counter) byStatus.set(reply.statusCode, (counter = requests.labels({ method, route: label, status: String(reply.statusCode) })));
        counter.inc();
        done();
      };
      route.onResponse = [...[route.onResponse ?? []].flat(), onResponse];
    }
  });
  return { notFound: (method) => requests.inc({ method, route: 'unmatched', status: '404' }) };
}

/** The route as people write it: `/v1/models/:name:predict`, without the router's regex and escapes. */
function routeLabel(url: string): string {
  return url.replace(/\(\^[^)]*\)/g, '').replace(/::/g, ':');
}
