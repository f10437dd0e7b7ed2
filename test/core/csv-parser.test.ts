import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvParser } from '../../src/adapters/io/csv-parser.ts';
import { CellKind, type CsvCell } from '../../src/adapters/io/plain-cell.ts';
import { TetraError } from '../../src/core/errors/index.ts';
import { seededRandom } from '../helpers/seeded-random.ts';

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

test('text with no quote and no CR (cut by the plain path) parses as the same text does where a quote sends it down the quoted path', () => {
  const random = seededRandom(11);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const CELLS = ['', '1', '-2.5', '007', 'abc', ' spaced ', 'ação', '🙂', 'true', 'NA', '12345678901234567', '3.'];
  const kinds = (header: readonly string[]): CellKind[] => header.map((_, i) => (i === 0 ? CellKind.Text : pick([CellKind.Skip, CellKind.Text, CellKind.Number, CellKind.Integer, CellKind.Boolean])));
  for (let trial = 0; trial < 200; trial++) {
    const delimiter = pick([',', ';', '\t', '|']);
    const width = 1 + Math.floor(random() * 5);
    const lines = [Array.from({ length: width }, (_, i) => `c${i}`).join(delimiter)];
    for (let r = Math.floor(random() * 30); r > 0; r--) {
      // Blank lines, short and long rows among the rest.
      const cells = random() < 0.1 ? 0 : Math.max(1, width + (random() < 0.1 ? pick([-1, 1]) : 0));
      lines.push(Array.from({ length: cells }, () => pick(CELLS)).join(delimiter));
    }
    const text = lines.join('\n') + (random() < 0.5 ? '\n' : '');
    const seeded = seededRandom(trial);
    const chosen: CellKind[][] = [];
    const parse = (input: string, size: number): { rows: CsvCell[][]; lines: number[] } => {
      const parser = new CsvParser<CsvCell>({ delimiter, cellKinds: (header) => (chosen[0] ??= kinds(header)) });
      const rows: CsvCell[][] = [];
      const at: number[] = [];
      for (let i = 0; i < input.length; i += size) rows.push(...parser.push(input.slice(i, i + size), at));
      rows.push(...parser.end(at));
      return { rows, lines: at };
    };
    // One quoted row at the end sends the whole text down the quoted path when it is pushed at once.
    const quoted = parse(`${text}${text.endsWith('\n') ? '' : '\n'}"q"\n`, Number.MAX_SAFE_INTEGER);
    quoted.rows.pop();
    quoted.lines.pop();
    for (const size of [Number.MAX_SAFE_INTEGER, 1 + Math.floor(seeded() * 20), 7]) {
      assert.deepEqual(parse(text, size), quoted, `trial ${trial}, pieces of ${size}: ${JSON.stringify(text)}`);
    }
  }
});

test('a one-column file without a delimiter in it reads each line as a row', () => {
  assert.deepEqual(parseInPieces(`x\n${Array.from({ length: 500 }, (_, i) => String(i)).join('\n')}`, 64).rows, [['x'], ...Array.from({ length: 500 }, (_, i) => [String(i)])]);
});

test('rows and their line numbers do not depend on where the pieces end, also when a piece ends a carried row inside quotes', () => {
  const next = seededRandom(11);
  const cells = ['1', 'ab', '"q\nr"', '"x,""y"""', '', '"\r\n"'];
  const text = Array.from({ length: 400 }, () => Array.from({ length: 3 }, () => cells[Math.floor(next() * cells.length)]).join(',')).join(next() < 0.5 ? '\n' : '\r\n');
  const whole = parseInPieces(text, text.length);
  for (const size of [2, 3, 17, 64, 333]) assert.deepEqual(parseInPieces(text, size), whole, `pieces of ${size}`);
});
