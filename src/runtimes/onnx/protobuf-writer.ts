/**
 * The encoding half of the wire format, for the few messages Tetra writes
 * itself (an edited graph, small models built in tests). Messages are built
 * as byte arrays and nested by wrapping them in length-delimited fields.
 */

const encoder = new TextEncoder();

export function encodeVarint(value: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function tag(field: number, wireType: number): Uint8Array {
  return encodeVarint(field * 8 + wireType);
}

export function varintField(field: number, value: number | bigint): Uint8Array {
  return concatBytes([tag(field, 0), encodeVarint(value)]);
}

export function bytesField(field: number, payload: Uint8Array): Uint8Array {
  return concatBytes([tag(field, 2), encodeVarint(payload.length), payload]);
}

export function stringField(field: number, value: string): Uint8Array {
  return bytesField(field, encoder.encode(value));
}

/** A nested message: its fields concatenated, wrapped as one length-delimited field. */
export function messageField(field: number, ...fields: Uint8Array[]): Uint8Array {
  return bytesField(field, concatBytes(fields));
}

export function float32Field(field: number, value: number): Uint8Array {
  const payload = new Uint8Array(4);
  new DataView(payload.buffer).setFloat32(0, value, true);
  return concatBytes([tag(field, 5), payload]);
}

/** Repeated floats, packed. */
export function packedFloat32Field(field: number, values: readonly number[]): Uint8Array {
  const payload = new Uint8Array(values.length * 4);
  const view = new DataView(payload.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return bytesField(field, payload);
}

/** Repeated varints, packed. */
export function packedVarintField(field: number, values: readonly (number | bigint)[]): Uint8Array {
  return bytesField(field, concatBytes(values.map((v) => encodeVarint(v))));
}
