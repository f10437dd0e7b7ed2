import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvParser } from '../../../src/adapters/io/csv-parser.ts';
import { CellKind, type CsvCell } from '../../../src/adapters/io/plain-cell.ts';
import { csvRecords } from '../../../src/adapters/io/csv-records.ts';
import { MALFORMED_ROW, TetraError, type InputRecord } from '../../../src/core/index.ts';

async function readAll(text: string, options: Parameters<typeof csvRecords>[1] = {}): Promise<{ records: InputRecord[]; lines: number[] }> {
  const records: InputRecord[] = [];
  const lines: number[] = [];
  for await (const batch of csvRecords([text], { batchSize: 2, ...options })) {
    records.push(...batch.records);
    lines.push(...batch.lines);
  }
  return { records, lines };
}

const TEXT = 'id,a,b,c\n1,10,"x,y",\n2,,"multi\nline",30\n3,NA,z,31\n';

test('records hold only the named fields, with the values a full read gives them', async () => {
  const full = await readAll(TEXT);
  const some = await readAll(TEXT, { fields: ['c', 'id', 'no-such-column'] });
  assert.deepEqual(some.records.map((r) => Object.keys(r)), [['id', 'c'], ['id', 'c'], ['id', 'c']]);
  assert.deepEqual(some.records.map((r) => ({ ...r })), full.records.map((r) => ({ id: r.id, c: r.c })));
  assert.deepEqual(some.records.map((r) => r.c), [null, '30', '31']);
  assert.deepEqual(some.lines, full.lines);
});

test('missing values other than the empty cell become null in projected records too', async () => {
  const { records } = await readAll(TEXT, { fields: ['a'], missingValues: ['', 'NA'] });
  assert.deepEqual(records.map((r) => r.a), ['10', null, null]);
});

test('any column name is a plain own field: __proto__, constructor, quotes, backslashes, line breaks, digits', async () => {
  const names = ['__proto__', 'constructor', 'toString', 'say "hi"', 'back\\slash', 'line\nbreak', '7', '"]; globalThis.tetraInjected = 1; //'];
  const header = names.map((n) => `"${n.replaceAll('"', '""')}"`).join(',');
  const { records } = await readAll(`${header}\n${names.map((_, i) => `v${i}`).join(',')}\n`);
  const record = records[0] as Record<string, unknown>;
  assert.deepEqual(Object.keys(record).sort(), [...names].sort());
  names.forEach((name, i) => assert.ok(Object.hasOwn(record, name) && record[name] === `v${i}`, name));
  assert.equal(Object.getPrototypeOf(Object.getPrototypeOf(record)), null, 'no Object.prototype behind a record');
  assert.equal((globalThis as Record<string, unknown>).tetraInjected, undefined);
  const { records: narrow } = await readAll(`${header}\nv0,v1,v2,v3,v4,v5,v6,v7\n`, { fields: ['7'] });
  assert.equal((narrow[0] as Record<string, unknown>).constructor, undefined, 'a column left out reads as absent, not as an inherited value');
});

test('a row of the wrong width is still found and marked, holding only the named fields', async () => {
  const { records } = await readAll('id,a,b\n1,2,3\n4,5\n6,7,8\n', { fields: ['b'], keepMalformed: true });
  assert.deepEqual(records.map((r) => Object.fromEntries(Object.entries(r))), [{ b: '3' }, { b: null }, { b: '8' }]);
  const error = (records[1] as Record<symbol, unknown>)[MALFORMED_ROW];
  assert.ok(TetraError.is(error));
  assert.match(error.message, /line 3: 2 cells but the header has 3 columns/);
  await assert.rejects(readAll('id,a,b\n1,2,3\n4,5\n', { fields: ['b'] }), /line 3: 2 cells but the header has 3 columns/);
});

test('a one-column file whose column is left out still counts its rows and skips blank lines', async () => {
  const { records, lines } = await readAll('x\n1\n\n2\n', { fields: ['y'] });
  assert.equal(records.length, 2);
  assert.deepEqual(lines, [2, 4]);
});

test('the parser gives unwanted cells back empty but counted, and still decodes quoted ones', () => {
  const headers: (readonly string[])[] = [];
  const parser = new CsvParser<CsvCell>({ cellKinds: (header) => (headers.push(header), [CellKind.Text, CellKind.Skip, CellKind.Text]) });
  assert.deepEqual(parser.push('h1,h2,h3\na,b,c\nd,"e\n,f",g\nh,i\n'), [['h1', 'h2', 'h3'], ['a', '', 'c'], ['d', 'e\n,f', 'g'], ['h', '']]);
  assert.deepEqual(parser.push('j,k,l\n'), [['j', '', 'l']]);
  assert.deepEqual(headers, [['h1', 'h2', 'h3']]);
});
