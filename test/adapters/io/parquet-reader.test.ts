import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParquetReader } from '../../../src/adapters/io/parquet-reader.ts';
import { ParquetFileWriter } from '../../../src/adapters/io/parquet-writer.ts';
import { FileBytes, readFooter } from '../../../src/adapters/io/parquet-file.ts';
import { RowGroupDecoder } from '../../../src/adapters/io/parquet-row-group.ts';
import { TetraError, type OutputColumn } from '../../../src/core/index.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { manifestFor, plain, query, readAll, run, sqlPath } from './parquet-helpers.ts';

const dir = tempDir();
const DUCK = join(dir, 'duck.parquet');
const DUCK_ROWS = 10_000;
const SMALL = join(dir, 'small.parquet');
const SMALL_ROWS = 2_500;
const GROUPED = join(dir, 'grouped.parquet');
const GROUP_ROWS = 500;
const GROUPS = 20;

/** What DuckDB writes for row i of duck.parquet, as the reader should give it back. */
function duckRow(i: number): Record<string, unknown> {
  const day = String(1 + (i % 28)).padStart(2, '0');
  return {
    id: i,
    x: i % 7 === 0 ? null : i * 0.5,
    name: i % 5 === 0 ? null : `name-${i}`,
    cat: i % 6 === 5 ? null : `cat-${i % 4}`,
    even: i % 3 === 0 ? null : i % 2 === 0,
    small: i % 100,
    f: 1.25,
    big: i % 2 === 0 ? '9007199254740993' : -42,
    day: `2024-02-${day}`,
    at: `2024-02-${day}T10:30:00.000Z`,
    list: [i, i + 1],
    st: { k: `v${i}` },
  };
}

const DUCK_SELECT = `SELECT
  i::BIGINT AS id,
  CASE WHEN i % 7 = 0 THEN NULL ELSE i * 0.5 END::DOUBLE AS x,
  CASE WHEN i % 5 = 0 THEN NULL ELSE 'name-' || i END AS name,
  CASE WHEN i % 6 = 5 THEN NULL ELSE 'cat-' || (i % 4) END AS cat,
  CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END AS even,
  (i % 100)::INTEGER AS small,
  1.25::FLOAT AS f,
  CASE WHEN i % 2 = 0 THEN 9007199254740993 ELSE -42 END::BIGINT AS big,
  DATE '2024-02-01' + (i % 28)::INTEGER AS day,
  TIMESTAMP '2024-02-01 10:30:00' + INTERVAL (i % 28) DAY AS at,
  [i, i + 1] AS list,
  {'k': 'v' || i} AS st`;

const GROUP_COLUMNS: OutputColumn[] = [
  { name: 'n', type: 'int64' },
  { name: 'v', type: 'float64' },
];

before(async () => {
  await run(`COPY (${DUCK_SELECT} FROM range(${DUCK_ROWS}) t(i)) TO ${sqlPath(DUCK)} (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
  await run(`COPY (${DUCK_SELECT} FROM range(${DUCK_ROWS}, ${DUCK_ROWS + SMALL_ROWS}) t(i)) TO ${sqlPath(SMALL)} (FORMAT parquet)`);
  // Many equal row groups, written by the Tetra writer (one per commit), each column chunk in 4 pages.
  const writer = new ParquetFileWriter(GROUPED, { pageRows: 128 });
  await writer.open(GROUP_COLUMNS);
  let manifest = manifestFor(GROUP_COLUMNS, 0, 0);
  for (let g = 0; g < GROUPS; g++) {
    const rows = Array.from({ length: GROUP_ROWS }, (_, k) => [g * GROUP_ROWS + k, (g * GROUP_ROWS + k) / 4]);
    manifest = await writer.commit({ rows }, manifestFor(GROUP_COLUMNS, g + 1, (g + 1) * GROUP_ROWS));
  }
  await writer.finish(manifest);
});

test('a DuckDB file with several row groups: columns typed from the schema, every value and null as DuckDB wrote it', async () => {
  const groups = await query(`SELECT DISTINCT row_group_id FROM parquet_metadata(${sqlPath(DUCK)})`);
  assert.ok(groups.rows.length > 1, 'the DuckDB file should have several row groups');
  const reader = new ParquetReader([DUCK]);
  assert.deepEqual(await reader.columns(), [
    { name: 'id', type: 'int64' },
    { name: 'x', type: 'float64' },
    { name: 'name', type: 'string' },
    { name: 'cat', type: 'string' },
    { name: 'even', type: 'boolean' },
    { name: 'small', type: 'int64' },
    { name: 'f', type: 'float64' },
    { name: 'big', type: 'int64' },
    { name: 'day', type: 'string' },
    { name: 'at', type: 'string' },
    { name: 'list', type: 'json' },
    { name: 'st', type: 'json' },
  ]);
  const chunks = await readAll(reader, 3000);
  assert.deepEqual(chunks.map((c) => [c.firstRow, c.records.length, c.source]), [
    [0, 3000, DUCK],
    [3000, 3000, DUCK],
    [6000, 3000, DUCK],
    [9000, 1000, DUCK],
  ]);
  const records = chunks.flatMap((c) => plain(c.records));
  assert.equal(records.length, DUCK_ROWS);
  for (let i = 0; i < DUCK_ROWS; i++) assert.deepEqual(records[i], duckRow(i), `row ${i}`);
});

test('every codec and page version DuckDB writes (dictionaries, nulls, required columns) reads back the same', async () => {
  const rows = 3000;
  const expected = Array.from({ length: rows }, (_, i) => duckRow(i));
  for (const codec of ['uncompressed', 'snappy', 'gzip', 'zstd', 'brotli', 'lz4_raw']) {
    for (const version of ['V1', 'V2']) {
      const path = join(dir, `codec-${codec}-${version}.parquet`);
      await run(`COPY (${DUCK_SELECT} FROM range(${rows}) t(i)) TO ${sqlPath(path)} (FORMAT parquet, COMPRESSION ${codec}, PARQUET_VERSION ${version}, ROW_GROUP_SIZE 2048)`);
      const records = (await readAll(new ParquetReader([path]), 1000)).flatMap((c) => plain(c.records));
      assert.deepEqual(records, expected, `${codec} ${version}`);
    }
  }
  // Columns declared NOT NULL are REQUIRED in the file: no definition levels at all.
  const required = join(dir, 'required.parquet');
  await run(`CREATE TABLE req (n BIGINT NOT NULL, s VARCHAR NOT NULL, d DOUBLE NOT NULL)`);
  await run(`INSERT INTO req SELECT i, 'cat-' || (i % 3), i / 2 FROM range(5000) t(i)`);
  await run(`COPY req TO ${sqlPath(required)} (FORMAT parquet)`);
  const records = (await readAll(new ParquetReader([required]), 2000)).flatMap((c) => plain(c.records));
  assert.deepEqual(records, Array.from({ length: 5000 }, (_, i) => ({ n: i, s: `cat-${i % 3}`, d: i / 2 })));
});

test('size and countRows come from the footers', async () => {
  const reader = new ParquetReader([DUCK, SMALL]);
  const bytes = readFileSync(DUCK).length + readFileSync(SMALL).length;
  assert.deepEqual(await reader.size(), { rows: DUCK_ROWS + SMALL_ROWS, bytes });
  assert.equal(await reader.countRows(), DUCK_ROWS + SMALL_ROWS);
  assert.equal(reader.consumedBytes, 0, 'no row was read');
});

test('rowGroups counts the files\' row groups and gives the largest one\'s uncompressed size, as DuckDB reports them', async () => {
  const sizes = await query(`SELECT file_name, row_group_id, sum(total_uncompressed_size)::DOUBLE AS bytes FROM parquet_metadata([${sqlPath(DUCK)}, ${sqlPath(SMALL)}]) GROUP BY ALL`);
  const largest = Math.max(...sizes.rows.map((r) => r.bytes as number));
  assert.ok(sizes.rows.length > 2 && sizes.rows.some((r) => (r.bytes as number) < largest), 'the files have row groups of different sizes');
  const reader = new ParquetReader([DUCK, SMALL]);
  assert.deepEqual(await reader.rowGroups(), { count: sizes.rows.length, largestBytes: largest });
  assert.equal(reader.consumedBytes, 0, 'no row was read');
});

test('chunks never span files: each file is cut every chunkRows rows from its own start and at its end', async () => {
  const reader = new ParquetReader([DUCK, SMALL]);
  const chunks = await readAll(reader, 3000);
  assert.deepEqual(chunks.map((c) => [c.firstRow, c.records.length, c.source]), [
    [0, 3000, DUCK],
    [3000, 3000, DUCK],
    [6000, 3000, DUCK],
    [9000, 1000, DUCK],
    [10000, 2500, SMALL],
  ]);
  assert.deepEqual(plain(chunks[4]!.records)[0], duckRow(10000));
  assert.deepEqual(plain(chunks[4]!.records)[2499], duckRow(12499));
});

test('startRow lands on the chunks an uninterrupted read yields, in the first file, mid-chunk and in a later file', async () => {
  const reader = new ParquetReader([DUCK, SMALL]);
  const full = await readAll(reader, 1500);
  const summary = (chunks: { firstRow: number; records: readonly unknown[]; source: string }[]) => chunks.map((c) => [c.firstRow, c.records.length, c.source]);
  for (const startRow of [0, 3000, 9000, 10000, 11500]) {
    const resumed = await readAll(new ParquetReader([DUCK, SMALL]), 1500, startRow);
    const tail = full.filter((c) => c.firstRow >= startRow);
    assert.deepEqual(summary(resumed), summary(tail), `startRow ${startRow}`);
    assert.deepEqual(resumed.flatMap((c) => plain(c.records)), tail.flatMap((c) => plain(c.records)), `startRow ${startRow}`);
  }
  // Not on a chunk boundary: the rest of that chunk, then the usual cuts.
  const odd = await readAll(new ParquetReader([DUCK, SMALL]), 1500, 4000);
  assert.deepEqual(summary(odd).slice(0, 2), [
    [4000, 500, DUCK],
    [4500, 1500, DUCK],
  ]);
  assert.deepEqual(plain(odd[0]!.records)[0], duckRow(4000));
  assert.deepEqual(await readAll(new ParquetReader([DUCK, SMALL]), 1500, DUCK_ROWS + SMALL_ROWS), []);
});

test('starting in a later file reads none of the earlier files’ row groups', async () => {
  const reader = new ParquetReader([DUCK, SMALL]);
  const chunks = await readAll(reader, 1000, DUCK_ROWS + 2000);
  assert.deepEqual(chunks.map((c) => [c.firstRow, c.records.length]), [[12000, 500]]);
  assert.ok(reader.consumedBytes > 0 && reader.consumedBytes <= readFileSync(SMALL).length, `read ${reader.consumedBytes} bytes`);
});

test('a file with many row groups is decoded one row group at a time, and skipped row groups are not read', async () => {
  const fileBytes = readFileSync(GROUPED).length;
  const reader = new ParquetReader([GROUPED]);
  const chunks = reader.read({ chunkRows: GROUP_ROWS })[Symbol.asyncIterator]();
  const first = await chunks.next();
  assert.equal(first.done, false);
  assert.deepEqual(plain(first.value!.records)[499], { n: 499, v: 499 / 4 });
  // One row group of 500 rows x 2 columns is about 8 kB of values; the file holds 20.
  const afterOne = reader.consumedBytes;
  assert.ok(afterOne > 8000 && afterOne < 2 * (fileBytes / GROUPS), `after one chunk ${afterOne} of ${fileBytes} bytes were read`);
  let count = 1;
  while (!(await chunks.next()).done) count++;
  assert.equal(count, GROUPS);
  // Everything but the footer, which was read before the first row.
  const dataBytes = fileBytes - readFileSync(GROUPED).readUInt32LE(fileBytes - 8) - 8;
  assert.equal(reader.consumedBytes, dataBytes - 4);

  const resumed = new ParquetReader([GROUPED]);
  const tail = await readAll(resumed, GROUP_ROWS, 18 * GROUP_ROWS);
  assert.deepEqual(tail.map((c) => c.firstRow), [9000, 9500]);
  assert.ok(resumed.consumedBytes < 3 * (fileBytes / GROUPS), `resuming at row group 18 read ${resumed.consumedBytes} of ${fileBytes} bytes`);
});

test('startRow inside a row group of several pages skips the pages before it and lands on the same rows', async () => {
  const full = (await readAll(new ParquetReader([GROUPED]), 200)).flatMap((c) => plain(c.records));
  for (const startRow of [130, 400, 9300, 9999]) {
    const chunks = await readAll(new ParquetReader([GROUPED]), 200, startRow);
    assert.equal(chunks[0]!.firstRow, startRow);
    assert.equal(chunks[0]!.records.length, 200 - (startRow % 200));
    assert.deepEqual(chunks.flatMap((c) => plain(c.records)), full.slice(startRow), `startRow ${startRow}`);
  }
  // Decoding row group 18 from row 9300 starts at the page holding it (rows 9256-9383), not at the group's first row.
  const footer = await readFooter(GROUPED);
  const file = await FileBytes.open(GROUPED);
  try {
    const group = await new RowGroupDecoder(footer, ['n', 'v']).decode(file, footer.rowGroups[18]!, 9300);
    for (const pieces of group.columns) assert.deepEqual(pieces.map((p) => [p.rowStart, p.rowEnd]), [[9256, 9384], [9384, 9500]]);
  } finally {
    await file.close();
  }
});

test('chunks larger than a row group, or cutting across row groups, gather rows from several groups in order', async () => {
  for (const chunkRows of [1200, 333, 10_000]) {
    const chunks = await readAll(new ParquetReader([GROUPED]), chunkRows);
    const records = chunks.flatMap((c) => plain(c.records));
    assert.equal(records.length, GROUPS * GROUP_ROWS);
    records.forEach((r, i) => assert.deepEqual(r, { n: i, v: i / 4 }));
    assert.ok(chunks.every((c, k) => c.firstRow === k * chunkRows));
  }
});

test('records have every column, null for missing, and no inherited members', async () => {
  const chunks = new ParquetReader([DUCK]).read({ chunkRows: 1 })[Symbol.asyncIterator]();
  const record = (await chunks.next()).value!.records[0]!;
  await chunks.return?.(undefined);
  assert.equal(record.x, null);
  assert.equal(record.name, null);
  assert.equal((record as Record<string, unknown>).toString, undefined);
  assert.equal((record as Record<string, unknown>).constructor, undefined);
});

test('with fields, records hold just those columns, with the values of a full read, and the other column chunks are never decoded', async () => {
  const fields = ['name', 'id', 'not-a-column'];
  const some: Record<string, unknown>[] = [];
  for await (const chunk of new ParquetReader([DUCK]).read({ chunkRows: 3000, fields })) some.push(...plain(chunk.records));
  assert.deepEqual(some, Array.from({ length: DUCK_ROWS }, (_, i) => ({ id: duckRow(i).id, name: duckRow(i).name })));
  // Only the named columns' bytes are read from the file.
  const bytesFor = async (fields?: string[]): Promise<number> => {
    const reader = new ParquetReader([DUCK]);
    for await (const chunk of reader.read({ chunkRows: DUCK_ROWS, fields })) assert.equal(chunk.records.length, DUCK_ROWS);
    return reader.consumedBytes;
  };
  const all = await bytesFor();
  const one = await bytesFor(['small']);
  assert.ok(one > 0 && one * 5 < all, `${one} bytes read for one column, ${all} for all`);
});

test('a truncated file, a file that is not Parquet, and a missing file are INPUT_UNREADABLE naming the file', async () => {
  const bytes = readFileSync(GROUPED);
  const truncated = join(dir, 'truncated.parquet');
  writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
  const text = join(dir, 'text.parquet');
  writeFileSync(text, 'id,score\n1,0.5\n');
  const empty = join(dir, 'empty.parquet');
  writeFileSync(empty, '');
  const missing = join(dir, 'missing.parquet');
  for (const path of [truncated, text, empty, missing]) {
    const reader = new ParquetReader([GROUPED, path]);
    const unreadable = (e: unknown) => TetraError.is(e) && e.code === 'INPUT_UNREADABLE' && e.where.file === path && e.message.includes(path);
    await assert.rejects(reader.size(), unreadable, path);
    await assert.rejects(readAll(reader, 1000), unreadable, path);
  }
});

test('a footer pointing past the end of the file is INPUT_UNREADABLE naming the file and row group', async () => {
  // The first row groups' bytes cut out: the footer still lists them at their old offsets.
  const bytes = readFileSync(GROUPED);
  const footerLength = bytes.readUInt32LE(bytes.length - 8) + 8;
  const holed = join(dir, 'holed.parquet');
  writeFileSync(holed, Buffer.concat([bytes.subarray(0, 4), bytes.subarray(bytes.length - footerLength - 100, bytes.length)]));
  const reader = new ParquetReader([holed]);
  assert.equal((await reader.size()).rows, GROUPS * GROUP_ROWS);
  await assert.rejects(readAll(reader, 1000), (e: unknown) => TetraError.is(e) && e.code === 'INPUT_UNREADABLE' && e.where.file === holed && /row group \d+/.test(e.message));
});

test('a later file without one of the first file’s columns is INPUT_MALFORMED naming the file and column', async () => {
  const other = join(dir, 'other.parquet');
  await run(`COPY (SELECT i::BIGINT AS id FROM range(10) t(i)) TO ${sqlPath(other)} (FORMAT parquet)`);
  await assert.rejects(readAll(new ParquetReader([DUCK, other]), 5000), (e: unknown) => TetraError.is(e) && e.code === 'INPUT_MALFORMED' && e.where.file === other && e.where.field === 'x');
  const retyped = join(dir, 'retyped.parquet');
  await run(`COPY (SELECT n::VARCHAR AS n, v FROM read_parquet(${sqlPath(GROUPED)})) TO ${sqlPath(retyped)} (FORMAT parquet)`);
  await assert.rejects(readAll(new ParquetReader([GROUPED, retyped]), 5000), /column "n" is string here but int64/);
});

test('a cancelled read stops with CANCELLED', async () => {
  const controller = new AbortController();
  const reader = new ParquetReader([GROUPED]);
  const seen: number[] = [];
  await assert.rejects(
    (async () => {
      for await (const chunk of reader.read({ chunkRows: GROUP_ROWS, signal: controller.signal })) {
        seen.push(chunk.firstRow);
        controller.abort();
      }
    })(),
    (e: unknown) => TetraError.is(e) && e.code === 'CANCELLED',
  );
  assert.deepEqual(seen, [0]);
});
