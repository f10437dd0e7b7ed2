import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * Per-request log lines at debug level (with the request id), so a busy
 * server at info level writes only what matters: errors, start, stop.
 */
export class AccessLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (debugging(request)) request.log.debug({ method: request.method, url: request.url }, 'request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (!debugging(request)) return;
    request.log.debug({ status: reply.statusCode, ms: reply.elapsedTime, ...(error ? { err: error } : {}) }, 'response');
  }
}

/** pino's level check (the logger is pino's); building the log object is skipped when debug is off. */
function debugging(request: FastifyRequest): boolean {
  const log = request.log as FastifyRequest['log'] & { isLevelEnabled?: (level: string) => boolean };
  return log.isLevelEnabled?.('debug') ?? false;
}
