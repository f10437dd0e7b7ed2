import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvParser } from '../../src/adapters/io/csv-parser.ts';
import { TetraError } from '../../src/core/errors/index.ts';

function parseInPieces(text: string, size: number): { rows: string[][]; lines: number[] } {
  const parser = new CsvParser();
  const rows: string[][] = [];
  const lines: number[] = [];
  for (let i = 0; i < text.length; i += size) rows.push(...parser.push(text.slice(i, i + size), lines));
  rows.push(...parser.end(lines));
  return { rows, lines };
}

const SAMPLE = 'a,b,c\r\n1,"x, ""y""",\r\n\r\n"multi\nline",2,3\n"",,\nlast,row,"end"';
const EXPECTED = [['a', 'b', 'c'], ['1', 'x, "y"', ''], ['multi\nline', '2', '3'], ['', '', ''], ['last', 'row', 'end']];

test('quotes, doubled quotes, CRLF, newlines in quotes, blank lines and a last row without a line break', () => {
  assert.deepEqual(parseInPieces(SAMPLE, SAMPLE.length).rows, EXPECTED);
});

test('the same rows whatever the piece boundaries (inside quotes, between CR and LF)', () => {
  for (let size = 1; size <= 12; size++) assert.deepEqual(parseInPieces(SAMPLE, size).rows, EXPECTED, `pieces of ${size}`);
});

test('each row reports the line it starts on', () => {
  assert.deepEqual(parseInPieces(SAMPLE, 5).lines, [1, 2, 4, 6, 7]);
});

test('a one-column row holding "" is a row; a blank line is not', () => {
  assert.deepEqual(parseInPieces('x\n1\n""\n\n3\n', 2).rows, [['x'], ['1'], [''], ['3']]);
});

test('a byte order mark before the header is dropped', () => {
  assert.deepEqual(parseInPieces('\uFEFF"id",v\n1,2\n', 3).rows, [['id', 'v'], ['1', '2']]);
});

test('an unclosed quote and text after a closing quote are INPUT_MALFORMED naming the line', () => {
  const bad = (text: string, line: number): void => {
    assert.throws(() => parseInPieces(text, 4), (e: unknown) => TetraError.is(e) && e.code === 'INPUT_MALFORMED' && e.where.line === line);
  };
  bad('a,b\n1,"open\n2,3\n', 2);
  bad('a,b\n1,2\n"x"y,3\n', 3);
});

test('a long quoted field arriving in many pieces comes out whole', () => {
  const parser = new CsvParser();
  assert.deepEqual(parser.push('a\n"'), [['a']]);
  const piece = 'x'.repeat(64 * 1024);
  for (let i = 0; i < 64; i++) assert.deepEqual(parser.push(piece), []);
  const rows = [...parser.push('",b\n'), ...parser.end()];
  assert.equal(rows[0]?.[0]?.length, 64 * piece.length);
  assert.equal(rows[0]?.[1], 'b');
});
