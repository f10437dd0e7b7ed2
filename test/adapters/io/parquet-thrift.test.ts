import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js';
import { CompactWriter } from '../../../src/adapters/io/parquet-thrift.ts';

function decode(bytes: Uint8Array): Record<string, unknown> {
  return deserializeTCompactProtocol({ view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 }) as Record<string, unknown>;
}

const text = (value: unknown): string => new TextDecoder().decode(value as Uint8Array);

test('fields read back with an independent compact-protocol reader: short and long field ids, signs, 64-bit sizes, UTF-8', () => {
  const bytes = new CompactWriter()
    .i32(1, 7)
    .i32(2, -300)
    .i64(3, 2 ** 53 - 1)
    .string(4, 'score é✓')
    .i16(20, 5) // a jump of 16 ids takes the long field header
    .i32(21, 0)
    .end();
  const decoded = decode(bytes);
  assert.equal(decoded.field_1, 7);
  assert.equal(decoded.field_2, -300);
  assert.equal(decoded.field_3, 2n ** 53n - 1n);
  assert.equal(text(decoded.field_4), 'score é✓');
  assert.equal(decoded.field_20, 5);
  assert.equal(decoded.field_21, 0);
});

test('lists of every length (short and long headers) and nested structs keep their own field numbering', () => {
  const names = Array.from({ length: 20 }, (_, i) => `c${i}`);
  const w = new CompactWriter().i32List(1, [0, 3, -1]).stringList(2, names).beginStruct(3).i32(5, 1).beginStruct(12).endStruct().endStruct();
  w.beginStructList(4, 16);
  for (let i = 0; i < 16; i++) w.beginElement().i64(2, i * 1000).endStruct();
  const decoded = decode(w.i32(5, 9).end());
  assert.deepEqual(decoded.field_1, [0, 3, -1]);
  assert.deepEqual((decoded.field_2 as unknown[]).map(text), names);
  assert.deepEqual(decoded.field_3, { field_5: 1, field_12: {} });
  assert.deepEqual(
    (decoded.field_4 as Record<string, unknown>[]).map((e) => e.field_2),
    Array.from({ length: 16 }, (_, i) => BigInt(i * 1000)),
  );
  assert.equal(decoded.field_5, 9);
});
