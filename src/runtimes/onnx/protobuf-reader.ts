/**
 * A small reader for the protobuf wire format: enough to walk ONNX messages
 * without a schema compiler or a dependency. Values are kept as views into
 * the original bytes, so reading a large model copies nothing.
 */

/** Wire types ONNX uses. Groups (3, 4) are obsolete and treated as corruption. */
export type WireType = 0 | 1 | 2 | 5;

/** One field of a message, with where it sits in the message bytes (tag included). */
export interface ProtoField {
  readonly number: number;
  readonly wireType: WireType;
  /** Varint value (wire type 0), unsigned 64-bit. */
  readonly varint: bigint;
  /** Payload for wire types 1, 2 and 5 (8, n and 4 bytes). Empty for varints. */
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
}

/** Raised when bytes are not a well-formed protobuf message. */
export class ProtobufError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = 'ProtobufError';
    this.offset = offset;
  }
}

const EMPTY = new Uint8Array(0);
const decoder = new TextDecoder('utf-8');

/** Cursor over one message's bytes. `base` is the message's offset in the whole file, for error positions. */
export class ProtoReader {
  pos: number;
  private readonly buf: Uint8Array;
  private readonly base: number;

  constructor(buf: Uint8Array, base = 0) {
    // A plain view: Node's Buffer.slice shares memory, and pooled Buffers would leak into copies.
    this.buf = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    this.base = base;
    this.pos = 0;
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** A varint as an unsigned 64-bit bigint. */
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const byte = this.byte();
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw this.error('varint longer than 10 bytes');
  }

  /** A varint used as a size or tag: must fit a safe integer. */
  size(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const byte = this.byte();
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw this.error('length or tag too large');
  }

  take(length: number): Uint8Array {
    if (length > this.buf.length - this.pos) {
      throw this.error(`field needs ${length} bytes but only ${this.buf.length - this.pos} remain (truncated)`);
    }
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  field(): ProtoField {
    const start = this.pos;
    const tag = this.size();
    const number = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (number === 0) throw this.error('field number 0', start);
    switch (wireType) {
      case 0: return { number, wireType: 0, varint: this.varint(), bytes: EMPTY, start, end: this.pos };
      case 1: return { number, wireType: 1, varint: 0n, bytes: this.take(8), start, end: this.pos };
      case 2: return { number, wireType: 2, varint: 0n, bytes: this.take(this.size()), start, end: this.pos };
      case 5: return { number, wireType: 5, varint: 0n, bytes: this.take(4), start, end: this.pos };
      default: throw this.error(`unsupported wire type ${wireType} for field ${number}`, start);
    }
  }

  error(message: string, at = this.pos): ProtobufError {
    return new ProtobufError(message, this.base + at);
  }

  private byte(): number {
    if (this.pos >= this.buf.length) throw this.error('message ends inside a varint (truncated)');
    return this.buf[this.pos++] as number;
  }
}

/**
 * All fields of a message in order. `base` is the message's offset within the
 * file so errors point at the right byte.
 */
export function readFields(buf: Uint8Array, base = 0): ProtoField[] {
  const reader = new ProtoReader(buf, base);
  const fields: ProtoField[] = [];
  while (!reader.done) fields.push(reader.field());
  return fields;
}

/** File offset of a length-delimited field's payload, given its message's offset. */
export function payloadOffset(field: ProtoField, base: number): number {
  return base + field.end - field.bytes.length;
}

export function asString(field: ProtoField): string {
  return decoder.decode(field.bytes);
}

export function asInt64(field: ProtoField): bigint {
  return BigInt.asIntN(64, field.varint);
}

/** A varint field read as a JavaScript number (enums, counts, small ints). */
export function asNumber(field: ProtoField): number {
  return Number(asInt64(field));
}

export function asFloat32(field: ProtoField): number {
  return new DataView(field.bytes.buffer, field.bytes.byteOffset, 4).getFloat32(0, true);
}

/** Repeated varints: one unpacked value or a packed run, as proto3 allows either. */
export function varints(field: ProtoField): bigint[] {
  if (field.wireType === 0) return [field.varint];
  const reader = new ProtoReader(field.bytes);
  const out: bigint[] = [];
  while (!reader.done) out.push(reader.varint());
  return out;
}

/** Repeated fixed-width values (float, double): one unpacked value or a packed run. */
export function fixedValues(field: ProtoField, width: 4 | 8): number[] {
  const view = new DataView(field.bytes.buffer, field.bytes.byteOffset, field.bytes.byteLength);
  if (field.bytes.byteLength % width !== 0) {
    throw new ProtobufError(`packed field ${field.number} has ${field.bytes.byteLength} bytes, not a multiple of ${width}`, field.start);
  }
  const out: number[] = [];
  for (let i = 0; i < field.bytes.byteLength; i += width) {
    out.push(width === 4 ? view.getFloat32(i, true) : view.getFloat64(i, true));
  }
  return out;
}
