import type { FastifyInstance } from 'fastify';

/** The parts of an API Gateway HTTP API (payload 2.0) / Function URL event Tetra reads. */
export interface HttpApiEvent {
  readonly version?: string;
  readonly rawPath: string;
  readonly rawQueryString?: string;
  readonly headers?: Record<string, string | undefined>;
  readonly cookies?: readonly string[];
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly requestContext: { readonly http: { readonly method: string }; readonly stage?: string; readonly requestId?: string; readonly domainName?: string };
}

export interface HttpApiResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/**
 * The default execute-api URL carries a named stage in the path
 * (`/prod/v1/...`); a custom domain or Function URL does not, and a route
 * that merely starts like the stage name must be left alone.
 */
function withoutStage(event: HttpApiEvent): string {
  const { stage, domainName } = event.requestContext;
  const onExecuteApi = domainName === undefined || domainName.includes('.execute-api.');
  if (!stage || stage === '$default' || !onExecuteApi) return event.rawPath;
  if (event.rawPath === `/${stage}`) return '/';
  return event.rawPath.startsWith(`/${stage}/`) ? event.rawPath.slice(stage.length + 1) : event.rawPath;
}

const TEXT_TYPES = /^(application\/(json|jsonlines|x-ndjson)|text\/)/;
/** Connection-level headers mean nothing to API Gateway: it owns the connection. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);

/**
 * Answers a Lambda HTTP event with the same routes the server has, without
 * a socket: the event becomes an in-process request. A stage prefix in the
 * path (`/prod/v1/...`) is dropped.
 */
export async function answerHttpApiEvent(app: FastifyInstance, event: HttpApiEvent): Promise<HttpApiResult> {
  if (typeof event?.rawPath !== 'string' || typeof event.requestContext?.http?.method !== 'string') {
    const error = 'not an HTTP API (payload 2.0) or Function URL event: rawPath and requestContext.http.method are required';
    return { statusCode: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error, code: 'INPUT_MALFORMED' }), isBase64Encoded: false };
  }
  const path = withoutStage(event);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  if (event.cookies?.length) headers.cookie = event.cookies.join('; ');
  if (event.requestContext.requestId && !headers['x-request-id']) headers['x-request-id'] = event.requestContext.requestId;
  const payload = event.body === undefined ? undefined : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  const response = await app.inject({
    method: event.requestContext.http.method as 'GET',
    url: event.rawQueryString ? `${path}?${event.rawQueryString}` : path,
    headers,
    ...(payload !== undefined ? { payload } : {}),
  });
  const type = String(response.headers['content-type'] ?? '');
  const text = TEXT_TYPES.test(type);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(response.headers)) {
    if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return { statusCode: response.statusCode, headers: out, body: text ? response.payload : response.rawPayload.toString('base64'), isBase64Encoded: !text };
}
