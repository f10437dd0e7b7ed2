import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParquetFileWriter, type ParquetWriterState } from '../../../src/adapters/io/parquet-writer.ts';
import { ParquetReader } from '../../../src/adapters/io/parquet-reader.ts';
import { manifestPathFor, partialPathFor } from '../../../src/adapters/io/job-files.ts';
import { TetraError, type JobManifest, type OutputColumn } from '../../../src/core/index.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { manifestFor, plain, query, readAll, sqlPath } from './parquet-helpers.ts';

const COLUMNS: readonly OutputColumn[] = [
  { name: 'id', type: 'int64' },
  { name: 'score', type: 'float64' },
  { name: 'label', type: 'string' },
  { name: 'flagged', type: 'boolean' },
  { name: 'detail', type: 'json' },
];

/** Output row `i`: every column null now and then, text with quotes and non-ASCII. */
function row(i: number): unknown[] {
  return [
    i % 11 === 3 ? null : i === 7 ? '9007199254740993' : i * 1000 - 5000,
    i % 13 === 4 ? null : i / 8 - 3.25,
    i % 5 === 2 ? null : `row "${i}" é✓`,
    i % 7 === 1 ? null : i % 2 === 0,
    i % 9 === 0 ? null : { i, tags: ['a', i % 3] },
  ];
}

/** Chunk sizes that give row groups of different sizes, including a one-row group. */
const CHUNKS = [40, 1, 25, 60, 17, 33];

function chunkRows(index: number): unknown[][] {
  const first = CHUNKS.slice(0, index).reduce((a, b) => a + b, 0);
  return Array.from({ length: CHUNKS[index] as number }, (_, k) => row(first + k));
}

function rowsBefore(index: number): number {
  return CHUNKS.slice(0, index).reduce((a, b) => a + b, 0);
}

async function writeChunks(writer: ParquetFileWriter, from: number, to: number): Promise<JobManifest> {
  let manifest = manifestFor(COLUMNS, from, rowsBefore(from));
  for (let c = from; c < to; c++) manifest = await writer.commit({ rows: chunkRows(c) }, manifestFor(COLUMNS, c + 1, rowsBefore(c + 1)));
  return manifest;
}

async function writeUninterrupted(output: string): Promise<Buffer> {
  const writer = new ParquetFileWriter(output);
  await writer.open(COLUMNS);
  const last = await writeChunks(writer, 0, CHUNKS.length);
  await writer.finish(last);
  return readFileSync(output);
}

const TOTAL = rowsBefore(CHUNKS.length);
const EXPECTED = Array.from({ length: TOTAL }, (_, i) => row(i));

test('a finished file reads back in DuckDB with the same values and types, one row group per commit', async () => {
  // DuckDB shows a JSON column as VARCHAR unless its json extension is loaded; the text is what counts.
  const output = join(tempDir(), 'scores.parquet');
  await writeUninterrupted(output);
  const { rows, types } = await query(`SELECT * FROM read_parquet(${sqlPath(output)})`);
  assert.deepEqual(types, { id: 'BIGINT', score: 'DOUBLE', label: 'VARCHAR', flagged: 'BOOLEAN', detail: 'VARCHAR' });
  const expected = EXPECTED.map(([id, score, label, flagged, detail]) => ({
    id: id === null ? null : BigInt(id as number | string),
    score,
    label,
    flagged,
    detail: detail === null ? null : JSON.stringify(detail),
  }));
  assert.deepEqual(rows, expected);
  const groups = await query(`SELECT row_group_id, row_group_num_rows AS n FROM parquet_metadata(${sqlPath(output)}) WHERE column_id = 0 ORDER BY row_group_id`);
  assert.deepEqual(groups.rows.map((g) => Number(g.n)), CHUNKS);
});

test('column chunks split into several pages read back the same in DuckDB and the Parquet reader', async () => {
  const output = join(tempDir(), 'paged.parquet');
  const writer = new ParquetFileWriter(output, { pageRows: 7 });
  await writer.open(COLUMNS);
  await writer.finish(await writeChunks(writer, 0, CHUNKS.length));
  const { rows } = await query(`SELECT id, score, label FROM read_parquet(${sqlPath(output)})`);
  assert.deepEqual(rows, EXPECTED.map(([id, score, label]) => ({ id: id === null ? null : BigInt(id as number | string), score, label })));
  const records = (await readAll(new ParquetReader([output]), 30, 45)).flatMap((c) => plain(c.records));
  assert.deepEqual(records, EXPECTED.slice(45).map(([id, score, label, flagged, detail]) => ({ id, score, label, flagged, detail })));
});

test('a finished file reads back with the Parquet reader: same values, types and row order', async () => {
  const output = join(tempDir(), 'scores.parquet');
  await writeUninterrupted(output);
  const reader = new ParquetReader([output]);
  assert.deepEqual(await reader.columns(), COLUMNS);
  assert.deepEqual(await reader.size(), { rows: TOTAL, bytes: readFileSync(output).length });
  const chunks = await readAll(reader, 50);
  const expected = EXPECTED.map(([id, score, label, flagged, detail]) => ({ id, score, label, flagged, detail }));
  assert.deepEqual(chunks.flatMap((c) => plain(c.records)), expected);
  assert.deepEqual(
    chunks.map((c) => [c.firstRow, c.records.length]),
    [[0, 50], [50, 50], [100, 50], [150, 26]],
  );
});

test('the manifest of each commit carries the committed length and row groups; the output appears only at finish', async () => {
  const output = join(tempDir(), 'scores.parquet');
  const writer = new ParquetFileWriter(output);
  await writer.open(COLUMNS);
  const committed = await writeChunks(writer, 0, 2);
  const state = committed.writer as ParquetWriterState;
  assert.equal(state.bytes, readFileSync(partialPathFor(output)).length);
  assert.deepEqual(state.rowGroups.map((g) => g.rows), [40, 1]);
  assert.deepEqual(await writer.readManifest(), committed);
  assert.equal(existsSync(output), false);
  await writer.finish(committed);
  assert.equal(existsSync(partialPathFor(output)), false);
  const finished = await writer.readManifest();
  assert.equal(finished?.finished, true);
  assert.equal(readFileSync(output).subarray(0, 4).toString(), 'PAR1');
  assert.equal(readFileSync(output).subarray(-4).toString(), 'PAR1');
});

test('killed after 3 commits with a torn write after them, a resumed job ends with the same bytes', async () => {
  const dir = tempDir();
  const reference = await writeUninterrupted(join(dir, 'reference.parquet'));
  const output = join(dir, 'resumed.parquet');
  const first = new ParquetFileWriter(output);
  await first.open(COLUMNS);
  await writeChunks(first, 0, 3);
  await first.close();
  // A chunk that was being written when the process died, never committed.
  appendFileSync(partialPathFor(output), Buffer.from('torn row group bytes \u0000\u0001\u0002'.repeat(50)));
  const second = new ParquetFileWriter(output);
  const resume = await second.readManifest();
  assert.ok(resume);
  assert.equal(resume.chunks, 3);
  await second.open(COLUMNS, resume);
  const last = await writeChunks(second, 3, CHUNKS.length);
  await second.finish(last);
  assert.ok(readFileSync(output).equals(reference), 'the resumed file differs from the uninterrupted one');
});

test('killed between renaming the finished file and storing the finished manifest, a resume finishes it again identically', async () => {
  const dir = tempDir();
  const reference = await writeUninterrupted(join(dir, 'reference.parquet'));
  const output = join(dir, 'out.parquet');
  const writer = new ParquetFileWriter(output);
  await writer.open(COLUMNS);
  const last = await writeChunks(writer, 0, CHUNKS.length);
  await writer.finish(last);
  // Put back the manifest of the last commit, as if the finish had stopped after the rename.
  writeFileSync(manifestPathFor(output), JSON.stringify(last));
  const again = new ParquetFileWriter(output);
  await again.open(COLUMNS, (await again.readManifest()) as JobManifest);
  await again.finish(last);
  assert.ok(readFileSync(output).equals(reference));
});

test('an older file at the output path is never taken for the partial file of the job being resumed', async () => {
  const output = join(tempDir(), 'out.parquet');
  const older = await writeUninterrupted(output);
  const writer = new ParquetFileWriter(output);
  await writer.open(COLUMNS);
  const committed = await writeChunks(writer, 0, 3);
  await writer.close();
  rmSync(partialPathFor(output));
  await assert.rejects(new ParquetFileWriter(output).open(COLUMNS, committed), (e: unknown) => TetraError.is(e) && e.code === 'OUTPUT_FAILED' && e.message.includes(partialPathFor(output)));
  assert.ok(readFileSync(output).equals(older));
});

test('a resume whose manifest does not match its row groups fails with OUTPUT_FAILED instead of writing a bad footer', async () => {
  const output = join(tempDir(), 'out.parquet');
  const writer = new ParquetFileWriter(output);
  await writer.open(COLUMNS);
  const committed = await writeChunks(writer, 0, 2);
  await writer.close();
  const state = committed.writer as ParquetWriterState;
  const bad = { ...committed, writer: { ...state, bytes: state.bytes + 1 } };
  await assert.rejects(new ParquetFileWriter(output).open(COLUMNS, bad), (e: unknown) => TetraError.is(e) && e.code === 'OUTPUT_FAILED');
  const fewerColumns = COLUMNS.slice(0, 2);
  await assert.rejects(new ParquetFileWriter(output).open(fewerColumns, committed), (e: unknown) => TetraError.is(e) && e.code === 'OUTPUT_FAILED');
  await assert.rejects(new ParquetFileWriter(output).open(COLUMNS, { ...committed, writer: { bytes: 10 } }), /no Parquet writer state/);
});

test('a value that does not fit its column fails with OUTPUT_FAILED naming the column and output row, and writes nothing', async () => {
  const output = join(tempDir(), 'out.parquet');
  const columns: OutputColumn[] = [
    { name: 'score', type: 'float64' },
    { name: 'n', type: 'int64' },
    { name: 'ok', type: 'boolean' },
    { name: 'text', type: 'string' },
  ];
  const writer = new ParquetFileWriter(output);
  await writer.open(columns);
  const good = await writer.commit({ rows: [[1.5, 1, true, 'a'], [null, null, null, null]] }, manifestFor(columns, 1, 2));
  const bytes = (good.writer as ParquetWriterState).bytes;
  const cases: [unknown[], string][] = [
    [['0.5', 1, true, 'a'], 'score'],
    [[0.5, 1.5, true, 'a'], 'n'],
    [[0.5, 2n ** 63n, true, 'a'], 'n'],
    [[0.5, '12x', true, 'a'], 'n'],
    [[0.5, 1, 'yes', 'a'], 'ok'],
    [[0.5, 1, true, 42], 'text'],
  ];
  for (const [bad, field] of cases) {
    await assert.rejects(
      writer.commit({ rows: [[2, 2, false, 'b'], bad] }, manifestFor(columns, 2, 4)),
      (e: unknown) => TetraError.is(e) && e.code === 'OUTPUT_FAILED' && e.where.field === field && e.where.row === 3 && e.message.includes(`"${field}"`) && e.message.includes('row 3'),
    );
  }
  assert.equal(readFileSync(partialPathFor(output)).length, bytes);
  const last = await writer.commit({ rows: [[2n, '-9223372036854775808', false, 'b']] }, manifestFor(columns, 2, 3));
  await writer.finish(last);
  const { rows } = await query(`SELECT * FROM read_parquet(${sqlPath(output)})`);
  assert.deepEqual(rows, [
    { score: 1.5, n: 1n, ok: true, text: 'a' },
    { score: null, n: null, ok: null, text: null },
    { score: 2, n: -9223372036854775808n, ok: false, text: 'b' },
  ]);
});

test('a job with no rows finishes as a valid empty file with its columns', async () => {
  const output = join(tempDir(), 'empty.parquet');
  const writer = new ParquetFileWriter(output);
  await writer.open(COLUMNS);
  const manifest = await writer.commit({ rows: [] }, manifestFor(COLUMNS, 1, 0));
  await writer.finish(manifest);
  const { rows, types } = await query(`SELECT * FROM read_parquet(${sqlPath(output)})`);
  assert.deepEqual(rows, []);
  assert.deepEqual(Object.keys(types), COLUMNS.map((c) => c.name));
  assert.deepEqual(await readAll(new ParquetReader([output]), 10), []);
});

test('open without resume discards an earlier run’s partial file', async () => {
  const output = join(tempDir(), 'out.parquet');
  const first = new ParquetFileWriter(output);
  await first.open(COLUMNS);
  await writeChunks(first, 0, 2);
  await first.close();
  const reference = await writeUninterrupted(join(tempDir(), 'ref.parquet'));
  assert.ok((await writeUninterrupted(output)).equals(reference));
});
