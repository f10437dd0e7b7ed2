import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresReader, type PostgresReaderOptions } from '../../../src/adapters/io/postgres-reader.ts';
import type { InputRecord, RowChunk } from '../../../src/core/index.ts';
import { needs } from '../../helpers/services.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { isError, pgUrl, sql, testSchema } from './postgres-helpers.ts';

const skip = await needs('postgres');

function reader(options: PostgresReaderOptions): PostgresReader {
  const r = new PostgresReader(options);
  after(() => r.close());
  return r;
}

async function readAll(r: PostgresReader, chunkRows: number, startRow = 0): Promise<RowChunk[]> {
  const chunks: RowChunk[] = [];
  for await (const chunk of r.read({ chunkRows, startRow })) chunks.push(chunk);
  return chunks;
}

const records = (chunks: readonly RowChunk[]): InputRecord[] => chunks.flatMap((c) => c.records);

/** A table of `n` rows with key `id`, inserted out of key order. */
async function numbered(schema: string, n: number, primaryKey = true): Promise<string> {
  await sql(`CREATE TABLE ${schema}.nums (id int${primaryKey ? ' PRIMARY KEY' : ''}, label text)`);
  const ids = Array.from({ length: n }, (_, i) => (i * 7) % n);
  await sql(`INSERT INTO ${schema}.nums SELECT id, 'row ' || id FROM unnest($1::int[]) AS id`, [ids]);
  return `${schema}.nums`;
}

test('a table reads with its types mapped and nulls as null, in primary key order', { skip }, async () => {
  const schema = await testSchema('read_types');
  await sql(`CREATE TYPE ${schema}.mood AS ENUM ('ok', 'sad')`);
  await sql(`CREATE TABLE ${schema}.t (
    id int PRIMARY KEY, f8 double precision, f4 real, num numeric, i2 smallint, i8 bigint, big bigint,
    t text, v varchar(10), b boolean, j jsonb, arr int[], ts timestamptz, d date, u uuid, m ${schema}.mood)`);
  await sql(`INSERT INTO ${schema}.t VALUES
    (2, 0.1, 1.5, 12.25, 7, 42, 1152921504606846976, 'tab\there', 'v', true, '{"a":[1,"x"]}', '{1,2}', '2024-01-02 03:04:05+00', '2024-01-02', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ok'),
    (1, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null)`);
  const r = reader({ url: pgUrl({ table: `${schema}.t` }) });
  assert.equal(r.name, `postgres table ${schema}.t`);
  assert.deepEqual(await r.columns(), [
    { name: 'id', type: 'int64' }, { name: 'f8', type: 'float64' }, { name: 'f4', type: 'float64' }, { name: 'num', type: 'float64' },
    { name: 'i2', type: 'int64' }, { name: 'i8', type: 'int64' }, { name: 'big', type: 'int64' }, { name: 't', type: 'string' },
    { name: 'v', type: 'string' }, { name: 'b', type: 'boolean' }, { name: 'j', type: 'json' }, { name: 'arr', type: 'json' },
    { name: 'ts', type: 'string' }, { name: 'd', type: 'string' }, { name: 'u', type: 'string' }, { name: 'm', type: 'string' },
  ]);
  const chunks = await readAll(r, 10);
  assert.equal(chunks.length, 1);
  assert.equal(chunks[0]?.source, `postgres table ${schema}.t`);
  assert.equal(chunks[0]?.firstRow, 0);
  const [nulls, full] = records(chunks);
  assert.deepEqual(nulls, { id: 1, f8: null, f4: null, num: null, i2: null, i8: null, big: null, t: null, v: null, b: null, j: null, arr: null, ts: null, d: null, u: null, m: null });
  assert.deepEqual(full, {
    id: 2, f8: 0.1, f4: 1.5, num: 12.25, i2: 7, i8: 42, big: '1152921504606846976', t: 'tab\there', v: 'v', b: true,
    j: { a: [1, 'x'] }, arr: [1, 2], ts: '2024-01-02 03:04:05+00', d: '2024-01-02', u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', m: 'ok',
  });
  assert.equal(await r.countRows(), 2);
  assert.deepEqual(await r.size(), {});
});

test('a query reads in the order it sets, and its columns come from its result', { skip }, async () => {
  const schema = await testSchema('read_query');
  await numbered(schema, 10);
  const r = reader({ url: pgUrl({ query: `SELECT id * 2 AS twice, label FROM ${schema}.nums WHERE id >= 5 ORDER BY id DESC;` }) });
  assert.match(r.name, /^postgres query "SELECT id \* 2 AS twice/);
  assert.deepEqual(await r.columns(), [{ name: 'twice', type: 'int64' }, { name: 'label', type: 'string' }]);
  const chunks = await readAll(r, 2);
  assert.deepEqual(chunks.map((c) => c.records.length), [2, 2, 1]);
  assert.deepEqual(records(chunks).map((row) => row.twice), [18, 16, 14, 12, 10]);
  assert.equal(await r.countRows(), 5);
  // The same query given apart from the URL (a CLI flag), resumed part way.
  const flag = reader({ url: pgUrl({}), query: `SELECT id FROM ${schema}.nums ORDER BY id` });
  assert.deepEqual(records(await readAll(flag, 4, 8)), [{ id: 8 }, { id: 9 }]);
});

test('chunks hold chunkRows rows, the last one the rest, and firstRow counts from 0', { skip }, async () => {
  const schema = await testSchema('read_chunks');
  const table = await numbered(schema, 10);
  const r = reader({ url: pgUrl({ table }) });
  const fours = await readAll(r, 4);
  assert.deepEqual(fours.map((c) => [c.firstRow, c.records.length]), [[0, 4], [4, 4], [8, 2]]);
  assert.deepEqual(records(fours).map((row) => row.id), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual((await readAll(r, 10)).map((c) => c.records.length), [10], 'no empty chunk after an exact fit');
  assert.deepEqual((await readAll(r, 1)).length, 10);
  assert.equal(r.consumedBytes, 10, 'a database counts rows consumed');
});

test('startRow resumes with the rows and chunk boundaries of an uninterrupted read', { skip }, async () => {
  const schema = await testSchema('read_resume');
  const table = await numbered(schema, 11);
  const r = reader({ url: pgUrl({ table }) });
  const whole = await readAll(r, 3);
  const resumed = await readAll(r, 3, 6);
  assert.deepEqual(resumed, whole.filter((c) => c.firstRow >= 6));
  // A start inside a chunk ends its first chunk where the uninterrupted read did.
  const inside = await readAll(r, 3, 4);
  assert.deepEqual(inside.map((c) => [c.firstRow, c.records.length]), [[4, 2], [6, 3], [9, 2]]);
  assert.deepEqual(records(inside), records(whole).slice(4));
  assert.deepEqual(await readAll(r, 3, 11), []);
  assert.deepEqual(await readAll(r, 3, 50), []);
});

test('a table without a primary key needs order_by, which then sets the order', { skip }, async () => {
  const schema = await testSchema('read_order');
  const table = await numbered(schema, 6, false);
  await assert.rejects(reader({ url: pgUrl({ table }) }).columns(), isError('INPUT_UNREADABLE', (e) => e.message.includes(`postgres table ${table} has no primary key`) && e.message.includes('order_by=')));
  const ordered = reader({ url: pgUrl({ table, order_by: 'label' }) });
  assert.deepEqual(records(await readAll(ordered, 4)).map((row) => row.id), [0, 1, 2, 3, 4, 5]);
  await assert.rejects(reader({ url: pgUrl({ table, order_by: 'nope' }) }).columns(), isError('INPUT_UNREADABLE', (e) => /column "nope" does not exist/.test(e.message)));
});

test('one read sees one snapshot: rows committed meanwhile do not shift it', { skip }, async () => {
  const schema = await testSchema('read_snapshot');
  const table = await numbered(schema, 4);
  const r = reader({ url: pgUrl({ table }) });
  const seen: unknown[] = [];
  for await (const chunk of r.read({ chunkRows: 2 })) {
    if (seen.length === 0) await sql(`INSERT INTO ${table} VALUES (-1, 'early'), (100, 'late')`);
    seen.push(...chunk.records.map((row) => row.id));
  }
  assert.deepEqual(seen, [0, 1, 2, 3]);
  assert.equal(await r.countRows(), 6);
});

test('a missing table, a bad query and a duplicate column name are INPUT_UNREADABLE naming them', { skip }, async () => {
  const schema = await testSchema('read_missing');
  const missing = reader({ url: pgUrl({ table: `${schema}.absent` }) });
  await assert.rejects(missing.columns(), isError('INPUT_UNREADABLE', (e) => !e.retriable && e.message.includes(`postgres table ${schema}.absent`) && /does not exist/.test(e.message)));
  await assert.rejects(readAll(missing, 5), isError('INPUT_UNREADABLE', (e) => e.message.includes(`${schema}.absent`)));
  await assert.rejects(missing.countRows(), isError('INPUT_UNREADABLE', (e) => e.message.includes(`${schema}.absent`)));
  await assert.rejects(reader({ url: pgUrl({ query: 'SELEC 1' }) }).columns(), isError('INPUT_UNREADABLE', (e) => e.message.includes('"SELEC 1"') && /syntax error/.test(e.message)));
  await assert.rejects(reader({ url: pgUrl({ query: 'SELECT 1 AS a, 2 AS a' }) }).columns(), isError('INPUT_UNREADABLE', (e) => e.where.field === 'a' && /two columns named "a"/.test(e.message)));
});

test('an unreachable server is DATA_STORE_UNAVAILABLE naming host:port/database, never the password', async () => {
  const r = reader({ url: 'postgres://someone:s3cret@127.0.0.1:1/warehouse?table=x', connectTimeoutMs: 2000 });
  for (const attempt of [() => r.columns(), () => readAll(r, 5), () => r.countRows()]) {
    await assert.rejects(attempt(), isError('DATA_STORE_UNAVAILABLE', (e) => e.retriable && e.message.includes('127.0.0.1:1/warehouse') && !e.message.includes('s3cret')));
  }
});

test('a malformed URL is INPUT_MALFORMED without the password', () => {
  const bad = (url: string, pattern: RegExp): void => {
    assert.throws(() => new PostgresReader({ url }), isError('INPUT_MALFORMED', (e) => pattern.test(e.message) && !e.message.includes('s3cret')));
  };
  bad('postgres://u:s3cret@127.0.0.1/db', /names no table .* and no query/);
  bad('postgres://u:s3cret@127.0.0.1/db?table=a&query=SELECT%201', /either table= or query=/);
  bad('mysql://u:s3cret@127.0.0.1/db?table=a', /expected a postgres:\/\/ URL/);
  bad('postgres://u:s3cret@127.0.0.1/db?table=a.b.c', /schema\.table/);
  bad('postgres://u:s3cret@127.0.0.1/db?table=%22open', /unterminated/);
});

test('an aborted read stops with CANCELLED and leaves no connection behind', { skip }, async () => {
  const schema = await testSchema('read_abort');
  const table = await numbered(schema, 20);
  const r = reader({ url: pgUrl({ table }) });
  const controller = new AbortController();
  let chunks = 0;
  await assert.rejects(
    (async () => {
      for await (const _chunk of r.read({ chunkRows: 5, signal: controller.signal })) {
        chunks++;
        controller.abort();
      }
    })(),
    isError('CANCELLED'),
  );
  assert.equal(chunks, 1);
  const early = new AbortController();
  early.abort();
  await assert.rejects(r.countRows(early.signal), isError('CANCELLED'));
  // Stopping early (break) ends the read's connection too.
  for await (const _chunk of r.read({ chunkRows: 5 })) break;
  const readers = async (): Promise<number> => {
    const rows = await sql<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()', [`%${table}%`]);
    return Number(rows[0]?.n);
  };
  // The server drops a session a moment after its client says goodbye.
  await waitFor('the read connections to end', async () => (await readers()) === 0, 5000, 20);
});
