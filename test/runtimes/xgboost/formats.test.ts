import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentSyntaxError } from '../../../src/runtimes/xgboost/document-error.ts';
import { parseJson, parseJsonTolerant } from '../../../src/runtimes/xgboost/tolerant-json.ts';
import { readUbjson } from '../../../src/runtimes/xgboost/ubjson-reader.ts';
import { encodeUbjson } from './ubjson-writer.ts';

function syntaxError(fn: () => unknown): DocumentSyntaxError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof DocumentSyntaxError, `expected a DocumentSyntaxError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a syntax error');
}

test('tolerant JSON accepts the bare NaN, Infinity and -Infinity tokens old XGBoost writes', () => {
  const doc = parseJson('{"split_conditions":[NaN, -Infinity, Infinity, -1.5E-3, 2], "ok": true}') as { split_conditions: number[]; ok: boolean };
  assert.ok(Number.isNaN(doc.split_conditions[0]));
  assert.deepEqual(doc.split_conditions.slice(1), [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, -0.0015, 2]);
  assert.equal(doc.ok, true);
});

test('tolerant JSON reads what JSON.parse reads, escapes included', () => {
  const text = '{"a": [1, -0.5, 1e3, {"b": null}], "s": "x\\"y\\\\z\\n\\u00e9", "__proto__": {"p": 1}, "t": [true, false]}';
  assert.deepEqual(parseJsonTolerant(text), JSON.parse(text));
});

test('tolerant JSON reports the character offset of the damage', () => {
  assert.equal(syntaxError(() => parseJsonTolerant('{"a": [1, 2,]}')).offset, 12);
  assert.equal(syntaxError(() => parseJsonTolerant('{"a": tru}')).offset, 6);
  assert.equal(syntaxError(() => parseJsonTolerant('{"a": 1.2.3}')).offset, 6);
  const cut = syntaxError(() => parseJsonTolerant('{"a": [1, 2'));
  assert.equal(cut.offset, 11);
  assert.match(cut.message, /truncated/);
  assert.equal(syntaxError(() => parseJsonTolerant('{"a": 1} x')).offset, 9);
  assert.equal(syntaxError(() => parseJsonTolerant('{"a": "open')).offset, 11);
});

test('tolerant JSON refuses absurd nesting instead of overflowing the stack', () => {
  assert.match(syntaxError(() => parseJsonTolerant('['.repeat(100000))).message, /nesting/);
});

test('UBJSON: scalars of every type, strings, high-precision numbers, no-ops', () => {
  const bytes = Uint8Array.from([
    0x7b, // {
    ...key('i'), 0x69, 0xfe, // int8 -2
    ...key('U'), 0x55, 0xfe, // uint8 254
    ...key('I'), 0x49, 0x80, 0x00, // int16 -32768
    ...key('l'), 0x6c, 0x00, 0x01, 0x00, 0x00, // int32 65536
    ...key('L'), 0x4c, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, // int64 2^32
    ...key('d'), 0x64, 0x3f, 0xc0, 0x00, 0x00, // float32 1.5
    ...key('D'), 0x44, 0xbf, 0xf8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // float64 -1.5
    ...key('H'), 0x48, 0x55, 0x04, ...ascii('1e-3'), // high precision
    ...key('C'), 0x43, 0x41, // char 'A'
    ...key('S'), 0x53, 0x55, 0x02, 0xc3, 0xa9, // "é"
    ...key('b'), 0x4e, 0x54, // no-op then true
    ...key('z'), 0x5a, // null
    0x7d, // }
  ]);
  assert.deepEqual(readUbjson(bytes), { i: -2, U: 254, I: -32768, l: 65536, L: 2 ** 32, d: 1.5, D: -1.5, H: 0.001, C: 'A', S: 'é', b: true, z: null });
});

test('UBJSON: typed containers decode straight to typed arrays', () => {
  const doc = {
    f: Float32Array.of(0.1, -2.5, Number.NaN),
    g: Float64Array.of(1e300, -0.1),
    n: Int32Array.of(-1, 2147483647),
    s: Int16Array.of(-300, 300),
    b: Int8Array.of(-128, 127),
    u: Uint8Array.of(0, 1, 255),
    mixed: [1, 'two', [3.5, null], { k: false }],
    empty: new Float32Array(0),
  };
  const back = readUbjson(encodeUbjson(doc)) as typeof doc;
  assert.ok(back.f instanceof Float32Array && back.n instanceof Int32Array && back.u instanceof Uint8Array && back.b instanceof Int8Array);
  assert.deepEqual(back, doc);
});

test('UBJSON: uncounted arrays and typed, counted objects', () => {
  const bytes = Uint8Array.from([
    0x5b, 0x55, 0x01, 0x4e, 0x55, 0x02, 0x5d, // [U1 N U2]
  ]);
  assert.deepEqual(readUbjson(bytes), [1, 2]);
  const obj = Uint8Array.from([0x7b, 0x24, 0x55, 0x23, 0x55, 0x02, ...key('a'), 0x07, ...key('b'), 0x08]);
  assert.deepEqual(readUbjson(obj), { a: 7, b: 8 });
});

test('UBJSON: damage is reported at its byte offset', () => {
  const good = encodeUbjson({ trees: [{ split_conditions: Float32Array.of(1, 2, 3) }] });
  const cut = syntaxError(() => readUbjson(good.subarray(0, good.length - 5)));
  assert.match(cut.message, /truncated/);
  const bad = Uint8Array.from(good);
  bad[0] = 0x71; // 'q'
  assert.equal(syntaxError(() => readUbjson(bad)).offset, 0);
  assert.match(syntaxError(() => readUbjson(Uint8Array.of(0x5b, 0x24, 0x64, 0x23, 0x4c, 0xff, 0, 0, 0, 0, 0, 0, 1))).message, /not a valid size/);
  assert.match(syntaxError(() => readUbjson(Uint8Array.of(0x5b, 0x23, 0x55, 0xff))).message, /truncated/);
  assert.match(syntaxError(() => readUbjson(Uint8Array.of(0x55, 0x01, 0x55))).message, /after the top-level value/);
  assert.match(syntaxError(() => readUbjson(new Uint8Array(100000).fill(0x5b))).message, /nesting/);
});

function key(name: string): number[] {
  return [0x55, name.length, ...ascii(name)];
}

function ascii(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}
