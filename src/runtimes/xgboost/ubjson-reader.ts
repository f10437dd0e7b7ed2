import { DocumentSyntaxError, MAX_NESTING } from './document-error.ts';

/**
 * Decodes Universal Binary JSON (draft 12, big-endian) as XGBoost writes it.
 * Strongly typed containers (`[$d#<count>`) of numbers become typed arrays
 * read straight from the bytes, so a model's node arrays never pass through
 * one boxed number per element. `L` (int64) values become JS numbers.
 */
export function readUbjson(bytes: Uint8Array): unknown {
  const reader = new UbjReader(bytes);
  const value = reader.value(0);
  if (reader.pos !== bytes.length) reader.fail(`${bytes.length - reader.pos} bytes after the top-level value`);
  return value;
}

type NumericArray = Int8Array | Uint8Array | Int16Array | Int32Array | Float32Array | Float64Array;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Element size of the fixed-size scalar markers. */
const SIZES: Record<string, number> = { i: 1, U: 1, I: 2, l: 4, L: 8, d: 4, D: 8, C: 1 };

class UbjReader {
  pos = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(message: string, at = this.pos): never {
    const where = at >= this.bytes.length ? `end of data at byte ${at} (truncated?)` : `byte ${at}`;
    throw new DocumentSyntaxError(`invalid UBJSON at ${where}: ${message}`, at);
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) this.fail(`needs ${n} more bytes but the data ends`, this.bytes.length);
  }

  private marker(): string {
    this.need(1);
    return String.fromCharCode(this.bytes[this.pos++] as number);
  }

  value(depth: number): unknown {
    let m = this.marker();
    while (m === 'N') m = this.marker();
    return this.typed(m, depth);
  }

  private typed(m: string, depth: number): unknown {
    switch (m) {
      case '{': return this.object(depth + 1);
      case '[': return this.array(depth + 1);
      case 'S': return this.string();
      case 'H': return this.highPrecision();
      case 'C': return String.fromCharCode(this.scalar('U'));
      case 'Z': return null;
      case 'T': return true;
      case 'F': return false;
      default:
        if (SIZES[m] === undefined) this.fail(`unknown type marker ${JSON.stringify(m)}`, this.pos - 1);
        return this.scalar(m);
    }
  }

  private scalar(m: string): number {
    const v = this.view;
    const p = this.pos;
    this.need(SIZES[m] as number);
    this.pos += SIZES[m] as number;
    switch (m) {
      case 'i': return v.getInt8(p);
      case 'U': return v.getUint8(p);
      case 'I': return v.getInt16(p, false);
      case 'l': return v.getInt32(p, false);
      case 'L': return Number(v.getBigInt64(p, false));
      case 'd': return v.getFloat32(p, false);
      default: return v.getFloat64(p, false);
    }
  }

  /** A length or count: an integer-typed value that must be a non-negative whole number. */
  private length(what: string): number {
    const at = this.pos;
    const m = this.marker();
    if (!'iUIlL'.includes(m)) this.fail(`${what} must be an integer, found marker ${JSON.stringify(m)}`, at);
    const n = this.scalar(m);
    if (n < 0 || !Number.isSafeInteger(n)) this.fail(`${what} ${n} is not a valid size`, at);
    return n;
  }

  private string(): string {
    const n = this.length('string length');
    this.need(n);
    const start = this.pos;
    this.pos += n;
    try {
      return UTF8.decode(this.bytes.subarray(start, start + n));
    } catch {
      return this.fail('string is not valid UTF-8', start);
    }
  }

  private highPrecision(): number {
    const at = this.pos;
    const text = this.string();
    const n = Number(text);
    if (text.trim() === '' || Number.isNaN(n)) this.fail(`high-precision number ${JSON.stringify(text)} is not a number`, at);
    return n;
  }

  /** Reads the optional `$type` and `#count` that follow `[` or `{`. */
  private header(): { type?: string; count?: number } {
    let type: string | undefined;
    if (this.bytes[this.pos] === 0x24) {
      this.pos++;
      type = this.marker();
      if (type === 'N' || (SIZES[type] === undefined && !'{[SHTFZ'.includes(type))) this.fail(`invalid container type ${JSON.stringify(type)}`, this.pos - 1);
      if (this.bytes[this.pos] !== 0x23) this.fail('a typed container must give a count (#)');
    }
    if (this.bytes[this.pos] === 0x23) {
      this.pos++;
      return { type, count: this.length('container count') };
    }
    return { type };
  }

  private array(depth: number): unknown[] | NumericArray {
    if (depth > MAX_NESTING) this.fail(`nesting deeper than ${MAX_NESTING} levels`);
    const { type, count } = this.header();
    if (count === undefined) {
      const out: unknown[] = [];
      for (;;) {
        this.need(1);
        if (this.bytes[this.pos] === 0x5d) break;
        out.push(this.value(depth));
      }
      this.pos++;
      return out;
    }
    if (type !== undefined && SIZES[type] !== undefined && type !== 'C') return this.numericArray(type, count);
    // Elements take at least a byte each (payload-free types are never written
    // in bulk), so a count beyond the remaining bytes means damage, not a big array.
    this.need(count);
    const out = new Array<unknown>(count);
    for (let i = 0; i < count; i++) out[i] = type === undefined ? this.value(depth) : this.typed(type, depth);
    return out;
  }

  private numericArray(type: string, count: number): NumericArray {
    const size = SIZES[type] as number;
    this.need(count * size);
    const v = this.view;
    const p = this.pos;
    this.pos += count * size;
    switch (type) {
      case 'i': return new Int8Array(this.bytes.slice(p, p + count).buffer);
      case 'U': return this.bytes.slice(p, p + count);
      case 'I': return fill(new Int16Array(count), (i) => v.getInt16(p + 2 * i, false));
      case 'l': return fill(new Int32Array(count), (i) => v.getInt32(p + 4 * i, false));
      case 'L': return fill(new Float64Array(count), (i) => Number(v.getBigInt64(p + 8 * i, false)));
      case 'd': return fill(new Float32Array(count), (i) => v.getFloat32(p + 4 * i, false));
      default: return fill(new Float64Array(count), (i) => v.getFloat64(p + 8 * i, false));
    }
  }

  private object(depth: number): Record<string, unknown> {
    if (depth > MAX_NESTING) this.fail(`nesting deeper than ${MAX_NESTING} levels`);
    const { type, count } = this.header();
    const out: Record<string, unknown> = {};
    for (let i = 0; count === undefined || i < count; i++) {
      if (count === undefined) {
        this.need(1);
        while (this.bytes[this.pos] === 0x4e) this.pos++;
        this.need(1);
        if (this.bytes[this.pos] === 0x7d) {
          this.pos++;
          break;
        }
      }
      const key = this.string();
      const value = type === undefined ? this.value(depth) : this.typed(type, depth);
      // A plain assignment of "__proto__" would replace the prototype instead of adding a key.
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
    }
    return out;
  }
}

function fill<T extends { length: number; [i: number]: number }>(out: T, read: (i: number) => number): T {
  for (let i = 0; i < out.length; i++) out[i] = read(i);
  return out;
}
