import { TetraError, asTetraError, httpStatusOf } from '../../core/index.ts';

/** How the server answers an error: status, `{"error": message}` body, extra headers. */
export interface HttpErrorReply {
  readonly status: number;
  readonly body: { error: string; code: string };
  readonly headers: Record<string, string>;
}

export interface HttpErrorOptions {
  /** Status for OVERLOADED: 503 (default) or 429. */
  readonly overloadStatus: 503 | 429;
  /** Seconds for Retry-After on overload and not-ready answers. */
  readonly retryAfterSeconds: number;
}

/** Fastify's own errors (body too large, bad content type...) by their codes. */
const FASTIFY_CODES: Record<string, TetraError['code']> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'INPUT_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'INPUT_MALFORMED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INPUT_MALFORMED',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INPUT_MALFORMED',
};

/**
 * The one table from error codes to HTTP answers: every route uses it, so a
 * code always gets the same status. The body follows the Open Inference
 * Protocol (`{"error": "..."}`) and adds the stable code.
 */
export function httpErrorReply(error: unknown, options: HttpErrorOptions): HttpErrorReply {
  const e = fromFastify(error) ?? asTetraError(error);
  let status = httpStatusOf(e.code);
  const headers: Record<string, string> = {};
  if (e.code === 'OVERLOADED') status = options.overloadStatus;
  // Anything worth retrying on this server says when.
  if (e.retriable && status === 503) headers['retry-after'] = String(options.retryAfterSeconds);
  if (e.code === 'OVERLOADED') headers['retry-after'] = String(options.retryAfterSeconds);
  return { status, body: { error: e.message, code: e.code }, headers };
}

function fromFastify(error: unknown): TetraError | undefined {
  const code = (error as { code?: string } | null)?.code;
  const mapped = code ? FASTIFY_CODES[code] : undefined;
  if (!mapped) return undefined;
  const message = mapped === 'INPUT_TOO_LARGE' ? 'the request body is larger than the server accepts' : (error as Error).message;
  return new TetraError(mapped, message, { cause: error });
}
