import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvParser } from '../../../src/adapters/io/csv-parser.ts';
import { RowScanner } from '../../../src/adapters/io/row-scanner.ts';
import { seededRandom } from '../../helpers/seeded-random.ts';


const BREAKS = ['\n', '\r\n', '\r'];

/** Valid CSV mixing long plain stretches with quoted fields holding delimiters, quotes and every kind of line break. */
function csvText(next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const rows: string[] = [];
  const plainRun = next() < 0.5;
  for (let r = 0; r < 200; r++) {
    if (next() < 0.05) rows.push(pick(BREAKS)); // a blank line
    const cells = Array.from({ length: 1 + Math.floor(next() * 4) }, () => {
      if (plainRun || next() < 0.7) return pick(['', 'a', 'bc', '12.5', 'x y', 'long-text-'.repeat(3)]);
      return `"${pick(['', 'q', ',', '""', '\n', '\r\n', '\r', 'a""b,c\nd'])}"`;
    });
    rows.push(cells.join(',') + (r === 199 && next() < 0.5 ? '' : pick(plainRun ? ['\n'] : BREAKS)));
  }
  return rows.join('');
}

/** The rows CsvParser finds, with the line each starts on. */
function parsed(text: string): number[] {
  const parser = new CsvParser();
  const lines: number[] = [];
  parser.push(text, lines);
  parser.end(lines);
  return lines;
}

/**
 * The rows the scanner finds, one scan call per row, with the text fed in
 * buffers of `size` bytes: each row's bytes (from the previous row's end,
 * blank lines included) are parsed alone, as a worker parses a piece, and
 * must hold exactly one row; its line is counted from the scanner's line.
 */
function scanned(text: string, size: number): number[] {
  const bytes = Buffer.from(text);
  const scanner = new RowScanner('csv');
  const lines: number[] = [];
  let rowStart = 0;
  let startLine = 1;
  const take = (rowEnd: number): void => {
    const piece: number[] = [];
    const parser = new CsvParser();
    const rows = [...parser.push(bytes.subarray(rowStart, rowEnd).toString(), piece), ...parser.end(piece)];
    assert.equal(rows.length, 1, `bytes ${rowStart}-${rowEnd} hold one row`);
    lines.push(startLine + (piece[0] as number) - 1);
    rowStart = rowEnd;
    startLine = scanner.pendingLine;
  };
  for (let at = 0; at < bytes.length; at += size) {
    const buffer = bytes.subarray(at, Math.min(bytes.length, at + size));
    let from = 0;
    for (;;) {
      const { start, end, rows } = scanner.scan(buffer, from, 1);
      // The LF of a CRLF split across buffers belongs to the row before: a row's bytes start after it.
      if (rowStart === at + from) rowStart = at + start;
      if (rows === 0) break;
      take(at + end);
      from = end;
    }
  }
  if (scanner.finish() === 1) take(bytes.length);
  return lines;
}

test('the scanner ends rows where the parser does, on the same lines, whatever the buffer boundaries', () => {
  for (let seed = 1; seed <= 60; seed++) {
    const text = csvText(seededRandom(seed));
    const expected = parsed(text);
    for (const size of [1, 7, 64, 4096, text.length]) assert.deepEqual(scanned(text, size), expected, `seed ${seed}, buffers of ${size} bytes`);
  }
});

test('many rows asked of one scan: it stops after that many, just past a line break', () => {
  const text = 'a,b\n1,2\n"x\ny",3\n\n4,5\r\n6,7\r8,9\n';
  const bytes = Buffer.from(text);
  const scanner = new RowScanner('csv');
  const first = scanner.scan(bytes, 0, 3);
  assert.deepEqual(first, { start: 0, rows: 3, end: text.indexOf('\n\n') + 1 });
  const rest = scanner.scan(bytes, first.end, 100);
  assert.deepEqual(rest, { start: first.end, rows: 3, end: bytes.length });
  assert.equal(scanner.line, 9);
});

test('a CRLF split between two buffers: the next rows start after the LF, on the right line', () => {
  assert.deepEqual(scanned('a\r\nb\n"c\r\nd"\r\ne', 2), [1, 2, 3, 5]);
});

