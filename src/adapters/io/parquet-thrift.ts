/**
 * The Thrift compact protocol, write side only: enough to encode Parquet's
 * page headers and file footer. Field ids are written as deltas from the
 * previous field of the same struct, so nested structs keep their own "last
 * field" on a stack.
 */

const BINARY = 8;
const I16 = 4;
const I32 = 5;
const I64 = 6;
const LIST = 9;
const STRUCT = 12;

const utf8 = new TextEncoder();

export class CompactWriter {
  private buffer = new Uint8Array(256);
  private length = 0;
  private lastField = 0;
  private readonly outer: number[] = [];

  i16(id: number, value: number): this {
    this.fieldHeader(id, I16);
    this.varint(zigzag32(value));
    return this;
  }

  i32(id: number, value: number): this {
    this.fieldHeader(id, I32);
    this.varint(zigzag32(value));
    return this;
  }

  /** Parquet's i64 fields hold sizes, offsets and counts: safe integers, written exactly. */
  i64(id: number, value: number): this {
    this.fieldHeader(id, I64);
    this.varint64(zigzag64(BigInt(value)));
    return this;
  }

  string(id: number, value: string): this {
    this.fieldHeader(id, BINARY);
    this.binaryValue(utf8.encode(value));
    return this;
  }

  i32List(id: number, values: readonly number[]): this {
    this.fieldHeader(id, LIST);
    this.listHeader(values.length, I32);
    for (const value of values) this.varint(zigzag32(value));
    return this;
  }

  stringList(id: number, values: readonly string[]): this {
    this.fieldHeader(id, LIST);
    this.listHeader(values.length, BINARY);
    for (const value of values) this.binaryValue(utf8.encode(value));
    return this;
  }

  /** A struct-valued field; close it with `endStruct`. */
  beginStruct(id: number): this {
    this.fieldHeader(id, STRUCT);
    return this.enter();
  }

  endStruct(): this {
    this.byte(0);
    this.lastField = this.outer.pop() ?? 0;
    return this;
  }

  /** A list of structs: call `beginElement`/`endStruct` around each of the `size` elements. */
  beginStructList(id: number, size: number): this {
    this.fieldHeader(id, LIST);
    this.listHeader(size, STRUCT);
    return this;
  }

  beginElement(): this {
    return this.enter();
  }

  /** Ends the top-level struct and returns its bytes. */
  end(): Uint8Array {
    this.byte(0);
    return this.buffer.subarray(0, this.length);
  }

  private enter(): this {
    this.outer.push(this.lastField);
    this.lastField = 0;
    return this;
  }

  private fieldHeader(id: number, type: number): void {
    const delta = id - this.lastField;
    if (delta > 0 && delta <= 15) {
      this.byte((delta << 4) | type);
    } else {
      this.byte(type);
      this.varint(zigzag32(id));
    }
    this.lastField = id;
  }

  private listHeader(size: number, type: number): void {
    if (size < 15) {
      this.byte((size << 4) | type);
    } else {
      this.byte(0xf0 | type);
      this.varint(size);
    }
  }

  private binaryValue(bytes: Uint8Array): void {
    this.varint(bytes.length);
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Unsigned varint of a value below 2^32. */
  private varint(value: number): void {
    let rest = value >>> 0;
    while (rest >= 0x80) {
      this.byte((rest & 0x7f) | 0x80);
      rest >>>= 7;
    }
    this.byte(rest);
  }

  private varint64(value: bigint): void {
    let rest = value;
    while (rest >= 0x80n) {
      this.byte(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    this.byte(Number(rest));
  }

  private byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + bytes));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}

function zigzag32(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0;
}

function zigzag64(value: bigint): bigint {
  return BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
}
