import type { FastifyReply, FastifyRequest } from 'fastify';
import { headerTimeoutMs, routeKey } from './request-options.ts';

/** What every inference route passes to the data plane besides the payload. */
export interface CallContext {
  readonly timeoutMs?: number;
  readonly routeKey?: string;
  /** Aborted when the client goes away, so its queued work is dropped. */
  readonly signal: AbortSignal;
  readonly mode: 'online';
}

export function callContext(request: FastifyRequest, reply: FastifyReply): CallContext {
  const controller = new AbortController();
  // A closed response before we answered means the client left.
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  const timeoutMs = headerTimeoutMs(request);
  const key = routeKey(request);
  return { signal: controller.signal, mode: 'online', ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(key !== undefined ? { routeKey: key } : {}) };
}
