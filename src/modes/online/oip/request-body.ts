import { TetraError } from '../../../core/index.ts';

/** The HTTP header that gives the JSON part's length when binary tensor data follows it. */
export const HEADER_LENGTH_HEADER = 'Inference-Header-Content-Length';

export interface RequestBodyOptions {
  /** The Inference-Header-Content-Length header, when present: bytes of JSON before the binary section. */
  readonly headerLength?: number;
  /** The largest body accepted, in bytes. */
  readonly maxBytes?: number;
}

/** A request body split into its parsed JSON part and its binary section. */
export interface RequestBody {
  readonly json: unknown;
  /** Length of the JSON part in bytes. */
  readonly jsonBytes: number;
  /** The bytes after the JSON part; undefined when the request has no binary section. */
  readonly binary?: Uint8Array;
}

/** Checks the size, splits at the header length and parses the JSON part. */
export function splitRequestBody(body: Buffer, options: RequestBodyOptions): RequestBody {
  if (options.maxBytes !== undefined && body.length > options.maxBytes) {
    throw new TetraError('INPUT_TOO_LARGE', `the request body is ${body.length} bytes, more than the ${options.maxBytes} allowed`);
  }
  const end = jsonEnd(body, options.headerLength);
  const json = parseJson(body, end);
  if (options.headerLength === undefined) return { json, jsonBytes: end };
  return { json, jsonBytes: end, binary: body.subarray(end) };
}

function jsonEnd(body: Buffer, headerLength: number | undefined): number {
  if (headerLength === undefined) return body.length;
  if (!Number.isSafeInteger(headerLength) || headerLength < 0 || headerLength > body.length) {
    throw new TetraError(
      'INPUT_MALFORMED',
      `${HEADER_LENGTH_HEADER} is ${headerLength} but must be a whole number of bytes between 0 and the body length ${body.length}`,
      { field: HEADER_LENGTH_HEADER },
    );
  }
  return headerLength;
}

function parseJson(body: Buffer, end: number): unknown {
  if (end === 0) throw new TetraError('INPUT_MALFORMED', 'the request body has no JSON inference request (it is empty)', { offset: 0 });
  const text = body.toString('utf8', 0, end);
  try {
    return JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const offset = errorOffset(reason, text, end);
    const at = offset === undefined ? '' : ` (at byte ${offset})`;
    throw new TetraError('INPUT_MALFORMED', `the request body is not valid JSON${at}: ${reason}`, { cause, ...(offset === undefined ? {} : { offset }) });
  }
}

/** JSON.parse reports a character position for some errors; the caller wants bytes. */
function errorOffset(reason: string, text: string, end: number): number | undefined {
  if (/unexpected end of json input/i.test(reason)) return end;
  const match = /at position (\d+)/.exec(reason);
  if (!match) return undefined;
  return Buffer.byteLength(text.slice(0, Number(match[1])), 'utf8');
}
