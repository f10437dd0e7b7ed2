import assert from 'node:assert/strict';
import { TetraError, type ErrorCode } from '../../../../src/core/index.ts';

/** A request body from a JSON object. */
export function jsonBody(request: unknown): Buffer {
  return Buffer.from(JSON.stringify(request), 'utf8');
}

/** A binary-extension request: the JSON header, then the chunks; returns the body and the header length. */
export function binaryBody(header: unknown, chunks: readonly Uint8Array[]): { body: Buffer; headerLength: number } {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  return { body: Buffer.concat([json, ...chunks]), headerLength: json.length };
}

/** Little-endian bytes of values, written element by element with DataView (independent of the codec). */
export function leBytes(datatype: string, values: readonly unknown[]): Uint8Array {
  if (datatype === 'BYTES') return bytesElements(values as string[]);
  const width = WIDTH[datatype] as number;
  const out = new Uint8Array(values.length * width);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => WRITE[datatype]?.(view, i * width, v));
  return out;
}

function bytesElements(values: readonly string[]): Uint8Array {
  const parts = values.map((s) => Buffer.from(s, 'utf8'));
  const out = Buffer.alloc(parts.reduce((n, p) => n + 4 + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.writeUInt32LE(p.length, at);
    p.copy(out, at + 4);
    at += 4 + p.length;
  }
  return out;
}

const WIDTH: Record<string, number> = {
  BOOL: 1, UINT8: 1, INT8: 1, UINT16: 2, INT16: 2, FP16: 2, UINT32: 4, INT32: 4, FP32: 4, UINT64: 8, INT64: 8, FP64: 8,
};

const WRITE: Record<string, (v: DataView, at: number, x: unknown) => void> = {
  BOOL: (v, at, x) => v.setUint8(at, x ? 1 : 0),
  UINT8: (v, at, x) => v.setUint8(at, x as number),
  INT8: (v, at, x) => v.setInt8(at, x as number),
  UINT16: (v, at, x) => v.setUint16(at, x as number, true),
  FP16: (v, at, x) => v.setUint16(at, x as number, true),
  INT16: (v, at, x) => v.setInt16(at, x as number, true),
  UINT32: (v, at, x) => v.setUint32(at, x as number, true),
  INT32: (v, at, x) => v.setInt32(at, x as number, true),
  FP32: (v, at, x) => v.setFloat32(at, x as number, true),
  FP64: (v, at, x) => v.setFloat64(at, x as number, true),
  UINT64: (v, at, x) => v.setBigUint64(at, x as bigint, true),
  INT64: (v, at, x) => v.setBigInt64(at, x as bigint, true),
};

const READ: Record<string, (v: DataView, at: number) => unknown> = {
  BOOL: (v, at) => v.getUint8(at) === 1,
  UINT8: (v, at) => v.getUint8(at),
  INT8: (v, at) => v.getInt8(at),
  UINT16: (v, at) => v.getUint16(at, true),
  FP16: (v, at) => v.getUint16(at, true),
  INT16: (v, at) => v.getInt16(at, true),
  UINT32: (v, at) => v.getUint32(at, true),
  INT32: (v, at) => v.getInt32(at, true),
  FP32: (v, at) => v.getFloat32(at, true),
  FP64: (v, at) => v.getFloat64(at, true),
  UINT64: (v, at) => v.getBigUint64(at, true),
  INT64: (v, at) => v.getBigInt64(at, true),
};

export interface ParsedOutput {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: Record<string, unknown>;
  /** Values as read: numbers (FP16 as raw bits when binary), bigint for 64-bit ints, booleans, strings. */
  values: unknown[];
  binary: boolean;
}

export interface ParsedResponse {
  header: Record<string, unknown>;
  outputs: ParsedOutput[];
}

/**
 * Reads an encoded response the way a client would: split at
 * inference-header-content-length, parse the JSON (keeping long integers
 * exact), then take each binary output's bytes in order.
 */
export function parseResponse(body: Buffer, headers: Record<string, string>): ParsedResponse {
  const lengthHeader = headers['inference-header-content-length'];
  const jsonLength = lengthHeader === undefined ? body.length : Number(lengthHeader);
  const text = body.toString('utf8', 0, jsonLength);
  // Quote integers too long for a double before parsing, so they stay exact.
  const header = JSON.parse(text.replace(/(?<=[[,])(-?\d{16,})(?=[,\]])/g, '"$1"')) as Record<string, unknown>;
  let at = jsonLength;
  const outputs = (header.outputs as Record<string, unknown>[]).map((o) => {
    const size = (o.parameters as Record<string, unknown> | undefined)?.binary_data_size as number | undefined;
    const base = { name: o.name as string, datatype: o.datatype as string, shape: o.shape as number[], ...(o.parameters ? { parameters: o.parameters as Record<string, unknown> } : {}) };
    if (size === undefined) return { ...base, values: jsonValues(o.datatype as string, o.data as unknown[]), binary: false };
    const values = binaryValues(o.datatype as string, body.subarray(at, at + size));
    at += size;
    return { ...base, values, binary: true };
  });
  assert.equal(at, body.length, 'the binary section holds exactly the outputs\' bytes');
  return { header, outputs };
}

function jsonValues(datatype: string, data: unknown[]): unknown[] {
  if (datatype === 'INT64' || datatype === 'UINT64') return data.map((v) => BigInt(v as number | string));
  if (datatype.startsWith('FP')) return data.map((v) => (typeof v === 'string' ? Number(v) : v));
  return data;
}

function binaryValues(datatype: string, bytes: Uint8Array): unknown[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: unknown[] = [];
  if (datatype === 'BYTES') {
    for (let at = 0; at < bytes.length;) {
      const n = view.getUint32(at, true);
      out.push(Buffer.from(bytes.subarray(at + 4, at + 4 + n)).toString('utf8'));
      at += 4 + n;
    }
    return out;
  }
  const width = WIDTH[datatype] as number;
  for (let at = 0; at < bytes.length; at += width) out.push(READ[datatype]?.(view, at));
  return out;
}

/** Runs fn, asserts it throws a TetraError with the code, and returns it. */
export function expectTetraError(fn: () => unknown, code: ErrorCode): TetraError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown !== undefined, `expected a ${code} error, but nothing was thrown`);
  assert.ok(TetraError.is(thrown), `expected a TetraError, got ${String(thrown)}`);
  assert.equal(thrown.code, code, `code for: ${thrown.message}`);
  return thrown;
}

/** Half precision bits to a number, written independently of the codec. */
export function halfValue(bits: number): number {
  const exp = (bits >> 10) & 31;
  const frac = bits & 1023;
  const sign = bits >> 15 ? -1 : 1;
  if (exp === 31) return frac === 0 ? sign * Infinity : Number.NaN;
  return exp === 0 ? sign * 2 ** -14 * (frac / 1024) : sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
