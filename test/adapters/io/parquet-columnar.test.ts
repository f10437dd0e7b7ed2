import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeColumnarChunk } from '../../../src/adapters/io/parquet-columnar.ts';
import { encodeColumnChunk } from '../../../src/adapters/io/parquet-page.ts';
import { columnarOf, rowsOf, type ColumnType, type ColumnarRows, type OutputColumn } from '../../../src/core/index.ts';

const ORIGIN = { file: 'out.parquet', firstRow: 0 };

/** Rows cut into runs, as workers send them, then encoded column by column: the bytes must be the rows' own. */
function bothWays(column: OutputColumn, values: readonly unknown[], runs: readonly number[], pageRows: number): { rows: Uint8Array | Error; columnar: Uint8Array | Error } {
  const parts: ColumnarRows[] = [];
  let at = 0;
  for (const size of runs) {
    parts.push(columnarOf(values.slice(at, at + size).map((v) => [v]), 1));
    at += size;
  }
  const attempt = (encode: () => Uint8Array): Uint8Array | Error => {
    try {
      return encode();
    } catch (error) {
      return error as Error;
    }
  };
  return {
    rows: attempt(() => encodeColumnChunk(column, values, ORIGIN, pageRows)),
    columnar: attempt(() => encodeColumnarChunk(column, parts, 0, ORIGIN, pageRows)),
  };
}

const CASES: [string, ColumnType, unknown[]][] = [
  ['doubles with nulls, NaN, -0 and infinities', 'float64', [1.5, null, Number.NaN, -0, Infinity, -Infinity, 1e-300, null, 42]],
  ['doubles without nulls', 'float64', [0.25, 0.5, 0.75, 1, 2, 3, 4, 5, 6]],
  ['text: ASCII, accents, emoji, a lone surrogate, empty and null', 'string', ['T0001', 'ação', '😀 ok', 'bad \ud800 half', '', null, 'x'.repeat(200), 'y', null]],
  ['integers in an int64 column: small, negative, word edges, beyond 2^53, the int64 limits', 'int64', [1, 2, null, -5, 2 ** 40, -(2 ** 32), -(2 ** 32) - 1, 2 ** 32 - 1, 2 ** 60 + 2 ** 20, -(2 ** 63), 2 ** 63 - 1024, -0, 0, null]],
  ['a fraction in an int64 column fails alike', 'int64', [1, 2, null, 3.5, 4, 5, 6, 7, 8]],
  ['2^63 in an int64 column fails alike', 'int64', [1, 2, null, 2 ** 63, 4, 5, 6, 7, 8]],
  ['NaN in an int64 column fails alike', 'int64', [1, 2, null, 4, 5, Number.NaN, 6, 7, 8]],
  ['text in an int64 column takes the checked path', 'int64', [1, '9007199254740993', null, 4, 5, 6, 7, 8, 9]],
  ['booleans', 'boolean', [true, false, null, true, true, false, false, true, null]],
  ['mixed values in a text column fail alike', 'string', ['a', 'b', 3, 'd', 'e', 'f', 'g', 'h', 'i']],
  ['objects in a JSON column', 'json', [{ a: 1 }, [1, 2], null, 'text', 4, { b: null }, true, null, { c: 'd' }]],
  ['text with lone surrogates in a JSON column keeps its escapes', 'json', [null, 'n\ud800a', 'b\udc00', 'plain', 'x\ud83d', null, 'é', 'z', 'q\udfff']],
];

test('rows sent column by column encode to the bytes the rows encode to, or fail with the same error', () => {
  for (const [label, type, values] of CASES) {
    const n = values.length;
    for (const runs of [[n], [4, n - 4], [1, 3, 2, n - 6], [0, n]]) {
      for (const pageRows of [2, 4, 64]) {
        const { rows, columnar } = bothWays({ name: 'c', type }, values, runs, pageRows);
        const where = `${label}, runs ${runs.join('+')}, pages of ${pageRows}`;
        if (rows instanceof Error) assert.equal(columnar instanceof Error && columnar.message, rows.message, where);
        else assert.deepEqual(Buffer.from(columnar as Uint8Array), Buffer.from(rows), where);
      }
    }
  }
});

test('rows turned column by column and back are the same rows', () => {
  const rows = [['a', 1, true, null, { k: 1 }], [null, null, false, 'x', null], ['ü', 2.5, null, 'y', [1]]];
  const columnar = columnarOf(rows, 5);
  assert.deepEqual(columnar.columns.map((c) => c.kind), ['utf8', 'float64', 'any', 'utf8', 'any']);
  assert.deepEqual(rowsOf(columnar), rows);
});
