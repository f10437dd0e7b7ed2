import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvRecords } from '../../../src/adapters/io/csv-records.ts';
import { jsonlRecords } from '../../../src/adapters/io/jsonl-records.ts';
import { textPieces } from '../../../src/adapters/io/text-pieces.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

// A quote that is never closed makes the rest of the file one row: without a
// bound on a row's size, both readers would hold the whole file in memory
// before failing (a 10 GB file: out of memory, not an error naming the line).
// The limit is small here; the files span more than one 1 MiB read.
const LIMIT = 4096;
const rowsOf = (n: number): string => Array.from({ length: n }, (_, i) => `${i},${'x'.repeat(40)}`).join('\n') + '\n';

/** The file's bytes as the sequential reader reads them (1 MiB reads). */
const fileChunks = (path: string): AsyncIterable<Buffer> => createReadStream(path, { highWaterMark: 1 << 20 });

async function drain(batches: AsyncIterable<{ records: unknown[] } | { rows: number }>): Promise<number> {
  let rows = 0;
  for await (const b of batches) rows += 'rows' in b ? b.rows : b.records.length;
  return rows;
}

test('CSV: a row that runs on past the row size limit fails naming the line it starts on, in both readers', async () => {
  const path = join(tempDir(), 'in.csv');
  writeFileSync(path, 'id,name\n1,a\n\n2,"never closed\n' + rowsOf(40_000));
  const message = new RegExp(`${path} line 4: a row runs on for more than 4096 bytes`);
  await assert.rejects(drain(csvRecords(fileChunks(path), { source: path, maxRowBytes: LIMIT })), message);
  await assert.rejects(drain(textPieces([path], { format: 'csv', chunkRows: 2, maxRowBytes: LIMIT })), message);
});

test('JSON Lines: a line longer than the limit fails naming it, in both readers', async () => {
  const path = join(tempDir(), 'in.jsonl');
  writeFileSync(path, '{"a":1}\n{"a":"' + 'y'.repeat(1_500_000) + '"}\n{"a":3}\n');
  const message = new RegExp(`${path} line 2: a row runs on for more than 4096 bytes`);
  await assert.rejects(drain(jsonlRecords(fileChunks(path), { source: path, maxRowBytes: LIMIT })), message);
  await assert.rejects(drain(textPieces([path], { format: 'jsonl', chunkRows: 2, maxRowBytes: LIMIT })), message);
});

test('rows under the limit, many of them in one chunk and across reads, are read as before', async () => {
  const path = join(tempDir(), 'in.csv');
  writeFileSync(path, 'id,name\n' + rowsOf(40_000));
  assert.equal(await drain(csvRecords(fileChunks(path), { source: path, maxRowBytes: LIMIT, batchSize: 100_000 })), 40_000);
  assert.equal(await drain(textPieces([path], { format: 'csv', chunkRows: 100_000, maxRowBytes: LIMIT })), 40_000);
});
