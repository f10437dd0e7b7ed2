import type { FastifyRequest } from 'fastify';
import { headerTimeoutMs, routeKey } from './request-options.ts';

/** What every inference route passes to the data plane besides the payload. */
export interface CallContext {
  readonly timeoutMs?: number;
  readonly routeKey?: string;
  readonly mode: 'online';
}

/**
 * The caller's time budget and route key from the headers. A client that
 * disconnects is not tracked per request (an AbortController per call
 * costs more than the work it would save at millisecond latencies); a call
 * with a timeout is dropped from the queue once it expires.
 */
export function callContext(request: FastifyRequest): CallContext {
  // One object of one shape, absent options left undefined (the data plane reads them so).
  return { mode: 'online', timeoutMs: headerTimeoutMs(request), routeKey: routeKey(request) };
}
