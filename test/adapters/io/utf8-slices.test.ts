import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvRecords } from '../../../src/adapters/io/csv-records.ts';
import { jsonlRecords } from '../../../src/adapters/io/jsonl-records.ts';
import { TextDatasetReader } from '../../../src/adapters/io/text-dataset-reader.ts';
import { decodeTextPiece } from '../../../src/adapters/io/text-piece-decoder.ts';
import { PieceBuffers } from '../../../src/adapters/io/text-pieces.ts';
import { csvFormat, jsonlFormat } from '../../../src/adapters/io/text-row-format.ts';
import { DECODE_SLICE_BYTES, ENCODE_SLICE_CHARS } from '../../../src/adapters/io/utf8-slices.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

// Cells of 1-, 2-, 3- and 4-byte characters; rows of varied lengths put some character across every slice boundary.
const CITIES = ['São Paulo', 'Zürich', '東京', 'Kraków 🏦', '🙂🙃', 'Ñuñoa'];
const ROWS = 20_000;

function cityOf(i: number): string {
  return `${CITIES[i % CITIES.length]}${'é'.repeat(i % 7)}`;
}

function csvText(): string {
  let text = 'id,city\n';
  for (let i = 0; i < ROWS; i++) text += `${i},${cityOf(i)}\n`;
  return text;
}

/** The slice boundaries that fall inside a multi-byte character: the cases the decoder must carry over. */
function cutCharacters(bytes: Buffer): number {
  let cut = 0;
  for (let at = DECODE_SLICE_BYTES; at < bytes.length; at += DECODE_SLICE_BYTES) if (((bytes[at] as number) & 0xc0) === 0x80) cut++;
  return cut;
}

test('CSV bytes longer than a decode slice keep every character that straddles a slice boundary', async () => {
  const bytes = Buffer.from(csvText());
  assert.ok(bytes.length > 4 * DECODE_SLICE_BYTES);
  assert.ok(cutCharacters(bytes) >= 2, `the input cuts characters at ${cutCharacters(bytes)} slice boundaries; the test needs some`);
  const cities: string[] = [];
  for await (const batch of csvRecords([bytes], { batchSize: 4096 })) for (const r of batch.records) cities.push(r.city as string);
  assert.equal(cities.length, ROWS);
  cities.forEach((city, i) => assert.equal(city, cityOf(i), `row ${i}`));
});

test('JSON Lines bytes longer than a decode slice keep every character that straddles a slice boundary', async () => {
  let text = '';
  for (let i = 0; i < ROWS; i++) text += `${JSON.stringify({ id: i, city: cityOf(i) })}\n`;
  const bytes = Buffer.from(text);
  assert.ok(cutCharacters(bytes) >= 2, `the input cuts characters at ${cutCharacters(bytes)} slice boundaries; the test needs some`);
  const cities: string[] = [];
  for await (const batch of jsonlRecords([bytes], { batchSize: 4096 })) for (const r of batch.records) cities.push(r.city as string);
  assert.deepEqual(cities, Array.from({ length: ROWS }, (_, i) => cityOf(i)));
});

test('pieces cut for worker threads own their buffers and decode to the file\'s text, across slice boundaries', async () => {
  const dir = tempDir();
  const path = join(dir, 'cities.csv');
  writeFileSync(path, csvText());
  const reader = new TextDatasetReader([path], { format: 'csv' });
  const buffers = new Set<ArrayBufferLike>();
  const cities: string[] = [];
  // Rows are ~20 bytes: pieces of 15,000 rows and of the last 5,000 are both longer than a decode slice.
  for await (const piece of reader.pieces({ chunkRows: 15_000 })) {
    assert.ok(piece.bytes.byteLength > DECODE_SLICE_BYTES);
    assert.equal(piece.bytes.byteLength, piece.bytes.buffer.byteLength, 'a piece is its buffer, whole');
    assert.ok(!buffers.has(piece.bytes.buffer), 'no two pieces share a buffer');
    buffers.add(piece.bytes.buffer);
    const chunk = await decodeTextPiece(piece, {});
    for (const r of chunk.records) cities.push(r.city as string);
  }
  assert.deepEqual(cities, Array.from({ length: ROWS }, (_, i) => cityOf(i)));
});

test('small pieces own their buffers too (not a shared pool), so a worker can be handed them', async () => {
  const dir = tempDir();
  const path = join(dir, 'small.csv');
  writeFileSync(path, 'id,city\n1,Zürich\n2,東京\n3,Ñuñoa\n');
  const pieces = [];
  for await (const piece of new TextDatasetReader([path], { format: 'csv' }).pieces({ chunkRows: 2 })) pieces.push(piece);
  assert.deepEqual(pieces.map((p) => p.rows), [2, 1]);
  for (const piece of pieces) {
    assert.equal(piece.bytes.byteLength, piece.bytes.buffer.byteLength);
    structuredClone(piece.bytes, { transfer: [piece.bytes.buffer as ArrayBuffer] });
    assert.equal(piece.bytes.byteLength, 0, 'the buffer moved');
  }
});

test('output rows encoded a slice at a time are the bytes of their text encoded whole', () => {
  const rows = Array.from({ length: ROWS }, (_, i) => [i, cityOf(i), i % 3 === 0 ? null : i / 7]);
  const columns = [{ name: 'id', type: 'int64' }, { name: 'city', type: 'string' }, { name: 'score', type: 'float64' }] as const;
  const csv = csvFormat().rows(columns, rows);
  const expectedCsv = rows.map((r) => `${r[0]},${r[1]},${r[2] ?? ''}\n`).join('');
  assert.ok(expectedCsv.length > 4 * ENCODE_SLICE_CHARS);
  assert.equal(csv.toString('utf8'), expectedCsv);
  assert.equal(csv.length, Buffer.byteLength(expectedCsv));
  const jsonl = jsonlFormat.rows(columns, rows);
  assert.equal(jsonl.toString('utf8'), rows.map((r) => `${JSON.stringify({ id: r[0], city: r[1], score: r[2] })}\n`).join(''));
  assert.equal(csvFormat().rows(columns, []).length, 0);
});

test('piece buffers given back are handed out again, one piece at a time, only when large enough', () => {
  const buffers = new PieceBuffers(2);
  const a = buffers.allocate(1000);
  const b = buffers.allocate(1000);
  assert.equal(a.byteLength, 1000);
  assert.notEqual(a.buffer, b.buffer, 'two pieces in flight never share a buffer');
  // Shared memory crosses to a worker and back without being transferred (detached), which would slow the thread's typed-array code.
  assert.ok(a.buffer instanceof SharedArrayBuffer && b.buffer instanceof SharedArrayBuffer);
  buffers.giveBack(a.buffer);
  const c = buffers.allocate(1100);
  assert.equal(c.buffer, a.buffer, 'a buffer given back is reused when the piece fits (with room to spare)');
  assert.equal(c.byteLength, 1100);
  assert.notEqual(buffers.allocate(1000).buffer, a.buffer, 'and not handed out twice');
  buffers.giveBack(b.buffer);
  assert.notEqual(buffers.allocate(5000).buffer, b.buffer, 'a piece larger than every spare gets a new buffer');
  const capped = new PieceBuffers(2);
  const spares = [new ArrayBuffer(10), new ArrayBuffer(10), new ArrayBuffer(10)];
  for (const spare of spares) capped.giveBack(spare);
  const taken = [capped.allocate(10), capped.allocate(10), capped.allocate(10)].map((piece) => piece.buffer);
  assert.equal(taken.filter((buffer) => spares.includes(buffer as ArrayBuffer)).length, 2, 'at most `keep` buffers wait for reuse');
});

test('rows longer than many decode slices, and a CR line end at a slice boundary, read whole and in order', async () => {
  const header = 'a,b\r';
  // Row 1 ends with a CR that is the last byte of the first slice; row 2 then runs over several slices with no line break.
  const row1 = `x,${'y'.repeat(DECODE_SLICE_BYTES - header.length - 3)}\r`;
  const long = 'w'.repeat(5 * DECODE_SLICE_BYTES + 123);
  const text = `${header}${row1}z,${long}\rq,"quoted ""${long}"""\nlast,1`;
  assert.equal(Buffer.byteLength(header + row1), DECODE_SLICE_BYTES);
  const rows: unknown[] = [];
  const lines: number[] = [];
  for await (const batch of csvRecords([Buffer.from(text)], { batchSize: 10 })) {
    rows.push(...batch.records.map((r) => [r.a, r.b]));
    lines.push(...batch.lines);
  }
  assert.deepEqual(rows, [['x', 'y'.repeat(DECODE_SLICE_BYTES - header.length - 3)], ['z', long], ['q', `quoted "${long}"`], ['last', '1']]);
  assert.deepEqual(lines, [2, 3, 4, 5]);

  const jsonl = `{"id":1}\n{"long":"${long}"}\n{"id":3}`;
  const records: unknown[] = [];
  for await (const batch of jsonlRecords([Buffer.from(jsonl)], { batchSize: 10 })) records.push(...batch.records);
  assert.deepEqual(records, [{ id: 1 }, { long }, { id: 3 }]);
});

test('piece buffers kept for reuse are the largest given back', () => {
  const buffers = new PieceBuffers(2);
  const big = [new ArrayBuffer(1000), new ArrayBuffer(1000)];
  for (const buffer of big) buffers.giveBack(buffer);
  buffers.giveBack(new ArrayBuffer(0));
  buffers.giveBack(new ArrayBuffer(10));
  assert.ok(big.includes(buffers.allocate(900).buffer as ArrayBuffer) && big.includes(buffers.allocate(900).buffer as ArrayBuffer), 'small buffers never push out the large ones');
  const small = new PieceBuffers(1);
  small.giveBack(new ArrayBuffer(10));
  const larger = new ArrayBuffer(2000);
  small.giveBack(larger);
  assert.equal(small.allocate(1500).buffer, larger, 'a larger buffer takes the place of the smallest');
});

test('the rows that end the input after a cut character keep their own line numbers', async () => {
  // The decoder holds the cut character to the end; the row it ends and the row after the CR each have their line.
  const bytes = Buffer.concat([Buffer.from('a,b\n1,2\r3,x'), Buffer.from('é').subarray(0, 1)]);
  const rows: unknown[] = [];
  const lines: number[] = [];
  for await (const batch of csvRecords([bytes], { keepMalformed: true })) {
    rows.push(...batch.records.map((r) => [r.a, r.b]));
    lines.push(...batch.lines);
  }
  assert.deepEqual(rows, [['1', '2'], ['3', 'x\ufffd']]);
  assert.deepEqual(lines, [2, 3]);
});
