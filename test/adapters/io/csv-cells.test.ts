import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvParser } from '../../../src/adapters/io/csv-parser.ts';
import { csvRecords } from '../../../src/adapters/io/csv-records.ts';
import { CellKind, plainCell, type CsvCell } from '../../../src/adapters/io/plain-cell.ts';
import { compileFeatures } from '../../../src/core/codec/compile-features.ts';
import { RecordEncoder } from '../../../src/core/codec/record-encoder.ts';
import { parseModelConfig } from '../../../src/core/config/load-model-config.ts';
import type { InputRecord, PlainKind } from '../../../src/core/index.ts';
import { seededRandom } from '../../helpers/seeded-random.ts';


function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

/**
 * RFC 4180 read one character at a time, as the parser's rules say: the
 * reference the parser's native searches must agree with.
 */
function referenceRows(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let i = 0;
  while (i < text.length) {
    const row: string[] = [];
    let quoted = false;
    for (;;) {
      let cell = '';
      if (text[i] === '"') {
        quoted = true;
        i++;
        for (;;) {
          if (text[i] === '"' && text[i + 1] === '"') { cell += '"'; i += 2; continue; }
          if (text[i] === '"') { i++; break; }
          cell += text[i++];
        }
      } else {
        while (i < text.length && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') cell += text[i++];
      }
      row.push(cell);
      if (text[i] === delimiter) { i++; continue; }
      if (text[i] === '\r') i += text[i + 1] === '\n' ? 2 : 1;
      else if (text[i] === '\n') i++;
      break;
    }
    if (quoted || row.length > 1 || row[0] !== '') rows.push(row);
  }
  return rows;
}

/** Valid CSV with long and short cells, quoted delimiters and line breaks, quotes inside plain cells, and every line ending. */
function csvText(next: () => number, delimiter: string): string {
  const rows: string[] = [];
  const width = 1 + Math.floor(next() * 5);
  for (let r = 0; r < 120; r++) {
    if (next() < 0.05) rows.push(pick(next, ['\n', '\r\n', '\r']));
    const cells = Array.from({ length: next() < 0.1 ? 1 + Math.floor(next() * 6) : width }, () => {
      if (next() < 0.75) return pick(next, ['', '7', '-0.25', 'a', 'x y', 'it"s', 'long-text-'.repeat(1 + Math.floor(next() * 30))]);
      return `"${pick(next, ['', 'q', delimiter, '""', '\n', '\r\n', '\r', `a""b${delimiter}c\nd`])}"`;
    });
    rows.push(cells.join(delimiter) + (r === 119 && next() < 0.5 ? '' : pick(next, ['\n', '\r\n', '\r'])));
  }
  return rows.join('');
}

test('the parser finds the cells a character-by-character reading finds, for any delimiter and any piece boundaries', () => {
  for (let seed = 1; seed <= 150; seed++) {
    const next = seededRandom(seed);
    const delimiter = pick(next, [',', ';', '\t', '|']);
    const text = csvText(next, delimiter);
    const parser = new CsvParser({ delimiter });
    const rows: string[][] = [];
    for (let at = 0; at < text.length;) {
      const size = 1 + Math.floor(next() * (next() < 0.3 ? 8 : 4000));
      rows.push(...parser.push(text.slice(at, at + size)));
      at += size;
    }
    rows.push(...parser.end());
    assert.deepEqual(rows, referenceRows(text, delimiter), `seed ${seed}`);
  }
});

test('a file with no delimiter at all (one column) is read row by row', () => {
  const text = `${'abcdef\n'.repeat(50_000)}last`;
  const rows = new CsvParser().push(text);
  assert.equal(rows.length, 50_000);
  assert.deepEqual(rows[49_999], ['abcdef']);
});

const NUMBERS = ['0', '-0', '7', '-12', '12.5', '-0.25', '007', '0.1', '0.3', '123456789012345', '99999.9999999999', '1.00000000000001',
  '1234567890123456', '0.1234567890123456', '1e5', '1E-3', '+1', '.5', '5.', '-', '', ' 1', '1 ', '0x1F', '0b1', '1,5', '1.2.3', 'NaN', 'Infinity', '--1', '1-', '٣'];

test('plain numbers are read exactly as Number() reads them; anything else stays text', () => {
  const plain = ['0', '-0', '7', '-12', '12.5', '-0.25', '007', '0.1', '0.3', '123456789012345', '99999.9999999999', '1.00000000000001'];
  for (const text of NUMBERS) {
    const value = plainCell(`,${text},`, 1, text.length + 1, CellKind.Number);
    if (plain.includes(text)) assert.ok(Object.is(value, Number(text)), `${text} -> ${String(value)}`);
    else assert.equal(value, undefined, `${JSON.stringify(text)} is not plain`);
    const integer = plainCell(text, 0, text.length, CellKind.Integer);
    assert.equal(integer, plain.includes(text) && !text.includes('.') ? Number(text) : undefined, `${text} as an integer`);
  }
  for (let seed = 1; seed <= 20_000; seed++) {
    const next = seededRandom(seed);
    const digits = () => String(Math.floor(next() * 10 ** (1 + Math.floor(next() * 8)))).padStart(1 + Math.floor(next() * 3), '0');
    const text = `${next() < 0.3 ? '-' : ''}${digits()}${next() < 0.7 ? `.${digits()}` : ''}`;
    const value = plainCell(text, 0, text.length, CellKind.Number);
    assert.ok(value === undefined ? text.replace(/[-.]/g, '').length > 15 : Object.is(value, Number(text)), `${text} -> ${String(value)}`);
  }
});

test('plain booleans are exactly true, false, 1 and 0', () => {
  const expected = new Map<string, boolean | undefined>([['true', true], ['false', false], ['1', true], ['0', false], ['True', undefined], ['TRUE', undefined], [' true', undefined], ['yes', undefined], ['', undefined], ['10', undefined], ['truex', undefined]]);
  for (const [text, value] of expected) assert.equal(plainCell(`x${text}y`, 1, text.length + 1, CellKind.Boolean), value, JSON.stringify(text));
});

const MODEL = `
inputs:
  - name: amount
    type: number
    required: false
    min: -100
    max: 1000000
  - name: hour
    type: integer
    min: 0
    max: 23
  - name: foreign
    type: boolean
  - name: count
    type: integer
    default: 0
`;
const KINDS: Record<string, PlainKind> = { amount: 'number', hour: 'integer', foreign: 'boolean', count: 'integer' };

/** Every row's encoded features, or the code and message of its reject. */
async function encoded(text: string, plainKinds?: Record<string, PlainKind>, missingValues?: string[]): Promise<{ records: InputRecord[]; results: unknown[] }> {
  const encoder = new RecordEncoder(compileFeatures(parseModelConfig(MODEL, 'model.yaml').inputs, undefined, false, 'model.yaml'), 'float64');
  const records: InputRecord[] = [];
  for await (const batch of csvRecords([text], { plainKinds, missingValues })) records.push(...batch.records);
  const { tensor, rows, rejected } = encoder.encodeLenient(records);
  const results: unknown[] = records.map(() => undefined);
  rows.forEach((row, k) => { results[row] = [...tensor.data.subarray(k * 4, k * 4 + 4)]; });
  for (const { row, error } of rejected) results[row] = `${error.code}: ${error.message}`;
  return { records, results };
}

test('cells read as plain values give the model the same features and the same rejects as their text', async () => {
  const cells = {
    amount: ['12.5', '-0.25', '007', '1e3', '.5', ' 3', '"42"', '', 'NA', 'abc', '-101', '1000001', '0x10', '123456789012345678', 'true', 'Infinity'],
    hour: ['0', '23', '3.0', '3.5', '24', '-1', '"7"', '', 'NA', 'x', '1e1'],
    foreign: ['true', 'false', '1', '0', 'TRUE', ' false', '2', '', 'yes', '"true"'],
    count: ['5', '', '-3', '2.5', 'NA'],
  };
  const next = seededRandom(7);
  const lines = ['amount,hour,foreign,count,id'];
  for (let r = 0; r < 400; r++) lines.push(`${pick(next, cells.amount)},${pick(next, cells.hour)},${pick(next, cells.foreign)},${pick(next, cells.count)},row${r}`);
  const text = `${lines.join('\n')}\n`;
  const asText = await encoded(text);
  const asValues = await encoded(text, KINDS);
  assert.deepEqual(asValues.results, asText.results);
  // The plain path was taken: plain cells arrived as values, the others as text.
  const first = lines[1]?.split(',') ?? [];
  const record = asValues.records[0] as Record<string, unknown>;
  assert.equal(typeof record.id, 'string');
  assert.equal(typeof record.amount, plainCell(first[0] ?? '', 0, (first[0] ?? '').length, CellKind.Number) === undefined ? (first[0] === '' ? 'object' : 'string') : 'number');
  const kinds = new Set(asValues.records.map((r) => typeof r.amount));
  assert.ok(kinds.has('number') && kinds.has('string'), `amount cells came as ${[...kinds].join(', ')}`);
  assert.ok(asValues.records.some((r) => r.foreign === true) && asValues.records.some((r) => r.foreign === 'TRUE'));
});

test('no cell becomes a value when a missing-value marker reads as one', async () => {
  const text = 'amount,hour,foreign,count\n0,0,0,0\n5,1,true,2\n';
  const { records, results } = await encoded(text, KINDS, ['', '0']);
  assert.deepEqual(records.map((r) => r.hour), [null, '1']);
  assert.equal((results[0] as string).startsWith('INPUT_MISSING_FEATURE'), true);
  const { records: plain } = await encoded(text, KINDS, ['', 'NA']);
  assert.deepEqual(plain.map((r) => r.hour), [0, 1]);
});

test('values are made after the header, from the next row on; cells past the listed kinds, and quoted cells, stay text', () => {
  const parser = new CsvParser<CsvCell>({ cellKinds: () => [CellKind.Number, CellKind.Boolean] });
  assert.deepEqual(parser.push('1,true\n1.5,true,2.5\n"1.5","true"\n'), [['1', 'true'], [1.5, true, '2.5'], ['1.5', 'true']]);
});

test('an empty cell is never a number, also when the delimiter is a minus sign', () => {
  assert.equal(plainCell('a-b', 1, 1, CellKind.Number), undefined);
  const parser = new CsvParser<CsvCell>({ delimiter: '-', cellKinds: () => [CellKind.Number, CellKind.Integer] });
  assert.deepEqual(parser.push('a-b\n-5\n2.5-\n'), [['a', 'b'], ['', 5], [2.5, '']]);
});
