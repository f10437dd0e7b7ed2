/**
 * A small UBJSON encoder for tests, writing what XGBoost writes: int64
 * lengths, typed arrays as `[$<type>#L<count>` containers, other arrays as
 * counted untyped containers, objects with a closing brace.
 */
export function encodeUbjson(value: unknown): Uint8Array {
  const parts: number[] = [];
  write(value, parts);
  return Uint8Array.from(parts);
}

const TYPED: [new (n: number) => ArrayBufferView, string, number, (v: DataView, i: number, x: number) => void][] = [
  [Float32Array, 'd', 4, (v, i, x) => v.setFloat32(i, x, false)],
  [Float64Array, 'D', 8, (v, i, x) => v.setFloat64(i, x, false)],
  [Int32Array, 'l', 4, (v, i, x) => v.setInt32(i, x, false)],
  [Int16Array, 'I', 2, (v, i, x) => v.setInt16(i, x, false)],
  [Int8Array, 'i', 1, (v, i, x) => v.setInt8(i, x)],
  [Uint8Array, 'U', 1, (v, i, x) => v.setUint8(i, x)],
];

function write(value: unknown, out: number[]): void {
  if (value === null) out.push(ch('Z'));
  else if (value === true) out.push(ch('T'));
  else if (value === false) out.push(ch('F'));
  else if (typeof value === 'number') writeNumber(value, out);
  else if (typeof value === 'string') {
    out.push(ch('S'));
    writeString(value, out);
  } else if (ArrayBuffer.isView(value)) writeTyped(value, out);
  else if (Array.isArray(value)) {
    out.push(ch('['), ch('#'));
    writeNumber(value.length, out, 'L');
    for (const v of value) write(v, out);
  } else {
    out.push(ch('{'));
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      writeString(k, out);
      write(v, out);
    }
    out.push(ch('}'));
  }
}

function writeNumber(n: number, out: number[], forced?: string): void {
  const marker = forced ?? (Number.isInteger(n) && Math.abs(n) < 2 ** 31 ? 'l' : 'D');
  const bytes = new DataView(new ArrayBuffer(8));
  if (marker === 'L') bytes.setBigInt64(0, BigInt(n), false);
  else if (marker === 'l') bytes.setInt32(0, n, false);
  else bytes.setFloat64(0, n, false);
  out.push(ch(marker));
  for (let i = 0; i < (marker === 'l' ? 4 : 8); i++) out.push(bytes.getUint8(i));
}

function writeString(s: string, out: number[]): void {
  const bytes = new TextEncoder().encode(s);
  writeNumber(bytes.length, out, 'L');
  out.push(...bytes);
}

function writeTyped(value: ArrayBufferView, out: number[]): void {
  const entry = TYPED.find(([ctor]) => value instanceof ctor);
  if (!entry) throw new Error('unsupported typed array');
  const [, marker, size, set] = entry;
  const items = value as unknown as ArrayLike<number>;
  out.push(ch('['), ch('$'), ch(marker), ch('#'));
  writeNumber(items.length, out, 'L');
  const view = new DataView(new ArrayBuffer(items.length * size));
  for (let i = 0; i < items.length; i++) set(view, i * size, items[i] as number);
  for (let i = 0; i < view.byteLength; i++) out.push(view.getUint8(i));
}

function ch(c: string): number {
  return c.charCodeAt(0);
}
