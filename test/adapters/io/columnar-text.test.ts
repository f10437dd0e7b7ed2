import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnarOf, type OutputColumn } from '../../../src/core/index.ts';
import { csvFormat, jsonlFormat, type RowFormat } from '../../../src/adapters/io/text-row-format.ts';
import { seededRandom } from '../../helpers/seeded-random.ts';

// Every kind of value a column may hold, with the text that needs quoting or escaping.
const TEXTS = ['plain', '', 'a,b', 'tab\there', 'semi;colon', 'pipe|x', 'say "hi"', 'line\nbreak', 'cr\rlf', 'back\\slash', 'ctl\u0001', 'unit\u001f', 'São Paulo', '東京', '🙂', 'sep\u2028', 'del\u007f', '§', 'x§y', 'long text past the short copy, '.repeat(4), `long "quoted" ${'x'.repeat(80)}`];
const NUMBERS = [0, -0, 1, -1.5, 0.1 + 0.2, 1e21, 1e-7, 123456789012, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_VALUE];
const OTHERS = [true, false, 12n, { a: [1, 'x'] }, ['q', null], 'lone \ud800 surrogate'];

function rowsFor(random: () => number, count: number): unknown[][] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  return Array.from({ length: count }, () => [
    random() < 0.2 ? null : pick(TEXTS),
    random() < 0.2 ? null : pick(NUMBERS),
    pick(TEXTS),
    pick(NUMBERS),
    random() < 0.3 ? null : pick([...TEXTS, ...NUMBERS, ...OTHERS]),
  ]);
}

const COLUMNS: OutputColumn[] = [
  { name: 'id', type: 'string' },
  { name: 'amount', type: 'float64' },
  { name: 'city "quoted", here', type: 'string' },
  { name: 'score', type: 'float64' },
  { name: 'mixed', type: 'json' },
];

function check(format: RowFormat, columns: readonly OutputColumn[], label: string): void {
  const random = seededRandom(7);
  for (let trial = 0; trial < 20; trial++) {
    // Parts of different sizes, as chunks arrive; the kinds columnarOf picks differ from part to part.
    const parts = [rowsFor(random, 1 + Math.floor(random() * 40)), rowsFor(random, 1), rowsFor(random, Math.floor(random() * 60))];
    const rows = parts.flat();
    const expected = format.rows(columns, rows);
    const actual = format.columnar(columns, parts.filter((p) => p.length > 0).map((p) => columnarOf(p, columns.length)));
    assert.equal(actual.toString('utf8'), expected.toString('utf8'), `${label}, trial ${trial}`);
    assert.ok(actual.equals(expected), `${label}, trial ${trial}: same bytes`);
  }
}

test('CSV written from columns is byte for byte the CSV written from rows, for every delimiter', () => {
  for (const delimiter of [',', '\t', ';', '|', '§']) check(csvFormat(delimiter), COLUMNS, `delimiter ${JSON.stringify(delimiter)}`);
});

test('JSON Lines written from columns is byte for byte the JSON Lines written from rows, keys in any order JSON gives them', () => {
  check(jsonlFormat, COLUMNS, 'plain keys');
  // An index-like key goes first in a JSON object whatever its column's place; __proto__ is no key at all.
  check(jsonlFormat, [...COLUMNS.slice(0, 4), { name: '7', type: 'json' }], 'an index key');
  check(jsonlFormat, [...COLUMNS.slice(0, 4), { name: '__proto__', type: 'json' }], 'a __proto__ column');
  // A column kept twice (--keep-columns id,id) is one key of a record.
  check(jsonlFormat, [...COLUMNS.slice(0, 4), { name: 'id', type: 'json' }], 'a name twice');
});

test('the kinds the fast path copies are really among the columns compared', () => {
  const parts = columnarOf(rowsFor(seededRandom(3), 50), COLUMNS.length);
  assert.deepEqual(parts.columns.map((c) => c.kind), ['utf8', 'float64', 'utf8', 'float64', 'any']);
});

test('many rows cross the output blocks whole', () => {
  const rows = Array.from({ length: 20_000 }, (_, i) => [`id-${i}-${'é'.repeat(i % 9)}`, i / 3]);
  const columns: OutputColumn[] = [{ name: 'id', type: 'string' }, { name: 'p', type: 'float64' }];
  const parts = [rows.slice(0, 4096), rows.slice(4096)].map((p) => columnarOf(p, 2));
  assert.ok(csvFormat().columnar(columns, parts).equals(csvFormat().rows(columns, rows)));
  assert.ok(jsonlFormat.columnar(columns, parts).equals(jsonlFormat.rows(columns, rows)));
});
