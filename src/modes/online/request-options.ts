import type { FastifyRequest } from 'fastify';
import { TetraError, parseDurationMs } from '../../core/index.ts';

/** Header carrying the caller's time budget: a duration (`250ms`, `2s`) or milliseconds. */
export const TIMEOUT_HEADER = 'tetra-timeout';
/** Header carrying the key that keeps an entity on one side of a canary split. */
export const ROUTE_KEY_HEADER = 'tetra-route-key';

/** The caller's timeout in milliseconds from the timeout header, if any. */
export function headerTimeoutMs(request: FastifyRequest): number | undefined {
  const raw = request.headers[TIMEOUT_HEADER];
  if (raw === undefined) return undefined;
  const text = Array.isArray(raw) ? raw[0] : raw;
  const ms = text === undefined ? undefined : parseDurationMs(/^\d+(\.\d+)?$/.test(text) ? Number(text) : text);
  if (ms === undefined || ms <= 0) {
    throw new TetraError('INPUT_MALFORMED', `header ${TIMEOUT_HEADER} must be a positive duration such as "250ms" or a number of milliseconds, got ${JSON.stringify(text)}`, { field: TIMEOUT_HEADER });
  }
  return ms;
}

export function routeKey(request: FastifyRequest): string | undefined {
  const raw = request.headers[ROUTE_KEY_HEADER];
  return Array.isArray(raw) ? raw[0] : raw;
}

/** Parses a JSON body, naming the offset of a syntax error. */
export function parseJsonBody(body: unknown): unknown {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : undefined;
  if (text === undefined) return body;
  if (text.trim() === '') throw new TetraError('INPUT_MALFORMED', 'the request body is empty; expected JSON');
  try {
    return JSON.parse(text);
  } catch (error) {
    const offset = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new TetraError('INPUT_MALFORMED', `the request body is not valid JSON: ${(error as Error).message}`, { ...(offset ? { offset: Number(offset) } : {}), cause: error });
  }
}
