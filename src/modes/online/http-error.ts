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
  const framework = frameworkClientError(error);
  if (framework) return framework;
  const e = fromFastify(error) ?? asTetraError(error);
  // An unexpected failure's own message (a JS error) says nothing to the caller and may say too much.
  if (!TetraError.is(error) && !fromFastify(error) && httpStatusOf(e.code) >= 500) {
    return { status: 500, body: { error: 'internal error; the server log has the details', code: 'INTERNAL' }, headers: {} };
  }
  let status = httpStatusOf(e.code);
  const headers: Record<string, string> = {};
  if (e.code === 'OVERLOADED') status = options.overloadStatus;
  // Anything worth retrying on this server says when.
  if (e.retriable && status === 503) headers['retry-after'] = String(options.retryAfterSeconds);
  if (e.code === 'OVERLOADED') headers['retry-after'] = String(options.retryAfterSeconds);
  return { status, body: { error: e.message, code: e.code }, headers };
}

/** Other client errors the HTTP stack raises (bad URL encoding, URI too long...): their own status, our body. */
function frameworkClientError(error: unknown): HttpErrorReply | undefined {
  if (TetraError.is(error)) return undefined;
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500 || fromFastify(error)) return undefined;
  return { status, body: { error: (error as Error).message, code: 'INPUT_MALFORMED' }, headers: {} };
}

function fromFastify(error: unknown): TetraError | undefined {
  const code = (error as { code?: string } | null)?.code;
  const mapped = code ? FASTIFY_CODES[code] : undefined;
  if (!mapped) return undefined;
  const message = mapped === 'INPUT_TOO_LARGE' ? 'the request body is larger than the server accepts' : (error as Error).message;
  return new TetraError(mapped, message, { cause: error });
}
