import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PostgresReader } from '../../../src/adapters/io/postgres-reader.ts';
import { PostgresWriter, type PostgresWriterOptions } from '../../../src/adapters/io/postgres-writer.ts';
import type { InputRecord, OutputColumn } from '../../../src/core/index.ts';
import { needs } from '../../helpers/services.ts';
import { isError, pgUrl, sql, testSchema } from './postgres-helpers.ts';
import { JOB_CHUNK_ROWS, JOB_COLUMNS, jobChunk, jobManifest, runJob } from './postgres-writer-job.ts';

const skip = await needs('postgres');

function writer(options: PostgresWriterOptions): PostgresWriter {
  const w = new PostgresWriter(options);
  after(() => w.close());
  return w;
}

/** A table's rows ordered by id: rows land in commit order, which no comparison may rely on. */
async function tableRows(table: string): Promise<Record<string, unknown>[]> {
  return sql(`SELECT * FROM ${table} ORDER BY id`);
}

async function readBack(table: string): Promise<InputRecord[]> {
  const r = new PostgresReader({ url: pgUrl({ table, order_by: 'id' }) });
  try {
    const rows: InputRecord[] = [];
    for await (const chunk of r.read({ chunkRows: 100 })) rows.push(...chunk.records);
    return rows;
  } finally {
    await r.close();
  }
}

test('open creates the table with mapped types; commits store rows and manifest; a new writer reads the manifest back', { skip }, async () => {
  const schema = await testSchema('write_basic');
  const url = pgUrl({ table: `${schema}.scores` });
  const w = writer({ url });
  assert.equal(w.name, `postgres table ${schema}.scores`);
  assert.equal(w.resumable, true);
  assert.equal(await w.readManifest(), undefined, 'no manifest table yet');
  await w.open(JOB_COLUMNS);
  const types = await sql<{ column_name: string; data_type: string }>(
    'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position', [schema, 'scores']);
  assert.deepEqual(types.map((c) => [c.column_name, c.data_type]), [['id', 'bigint'], ['label', 'text'], ['score', 'double precision'], ['flag', 'boolean'], ['extra', 'jsonb']]);
  assert.equal(await w.readManifest(), undefined, 'open commits no manifest');
  const first = await w.commit(jobChunk(0), jobManifest(1));
  assert.deepEqual(first.writer, { rows: JOB_CHUNK_ROWS, startedEmpty: true });
  await w.commit(jobChunk(1), jobManifest(2));
  await w.close();

  const again = writer({ url });
  const stored = await again.readManifest();
  assert.deepEqual(stored, { ...jobManifest(2), writer: { rows: 2 * JOB_CHUNK_ROWS, startedEmpty: true } });
  await again.open(JOB_COLUMNS, stored);
  await again.finish(stored!);
  assert.equal((await again.readManifest())?.finished, true);
  const rows = await readBack(`${schema}.scores`);
  assert.equal(rows.length, 2 * JOB_CHUNK_ROWS);
  assert.deepEqual(rows[6], { id: 6, label: 'row 6\twith\\escapes\n', score: 6 / 7, flag: true, extra: { id: 6, tags: ['a', 'b6'] } });
  assert.deepEqual(rows[10]?.extra, null);
  const [row] = await sql(`SELECT output, updated_at FROM ${schema}.tetra_batch_manifests`);
  assert.equal(row?.output, `${schema}.scores`);
});

test('a job stopped between commits and resumed ends with the table an uninterrupted run writes', { skip }, async () => {
  const schema = await testSchema('write_resume');
  const whole = await runJob({ url: pgUrl({ table: `${schema}.whole` }) }, 5);
  const url = pgUrl({ table: `${schema}.parts` });
  await runJob({ url }, 5, { stopAt: 2 });
  assert.equal((await sql(`SELECT count(*)::int AS n FROM ${schema}.parts`))[0]?.n, 2 * JOB_CHUNK_ROWS);
  await runJob({ url }, 5, { stopAt: 4 });
  const resumed = await runJob({ url }, 5);
  assert.deepEqual(resumed, whole);
  assert.deepEqual(await tableRows(`${schema}.parts`), await tableRows(`${schema}.whole`));
});

test('kill -9 at any moment of a job, then resume: the table equals an uninterrupted run', { skip }, async () => {
  const schema = await testSchema('write_kill');
  const chunks = 12;
  await runJob({ url: pgUrl({ table: `${schema}.whole` }) }, chunks);
  const url = pgUrl({ table: `${schema}.killed` });
  const child = fileURLToPath(new URL('./postgres-writer-job.ts', import.meta.url));
  for (const killAfter of [2, 5, 9]) {
    await new Promise<void>((resolve, reject) => {
      const job = spawn(process.execPath, ['--import', 'tsx', child, url, String(chunks)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      job.stdout.on('data', (data: Buffer) => {
        out += data.toString();
        const committed = [...out.matchAll(/committed (\d+)/g)].map((m) => Number(m[1]));
        // Killed a moment after a commit: usually inside the next one's COPY.
        if (committed.some((n) => n >= killAfter)) setTimeout(() => job.kill('SIGKILL'), Math.floor(Math.random() * 5));
      });
      job.on('error', reject);
      job.on('exit', (code, signal) => (signal === 'SIGKILL' || code === 0 ? resolve() : reject(new Error(`job exited with ${code}: ${out}`))));
    });
  }
  const done = await runJob({ url }, chunks);
  assert.equal(done.finished, true);
  assert.equal(done.rowsOut, chunks * JOB_CHUNK_ROWS);
  assert.deepEqual(await tableRows(`${schema}.killed`), await tableRows(`${schema}.whole`));
});

test('a commit that fails inside COPY leaves neither its rows nor its manifest, and names the row and column', { skip }, async () => {
  const schema = await testSchema('write_fail');
  const url = pgUrl({ table: `${schema}.t` });
  const w = writer({ url });
  await w.open(JOB_COLUMNS);
  await w.commit(jobChunk(0), jobManifest(1));
  const bad = jobChunk(1).rows.map((row) => [...row]);
  (bad[3] as unknown[])[0] = 'not a number';
  await assert.rejects(w.commit({ rows: bad }, jobManifest(2)), isError('OUTPUT_FAILED', (e) =>
    !e.retriable && e.where.row === JOB_CHUNK_ROWS + 3 && e.where.field === 'id' && e.message.includes(`output row ${JOB_CHUNK_ROWS + 3}, column "id"`) && /invalid input syntax for type bigint/.test(e.message)));
  assert.equal((await sql(`SELECT count(*)::int AS n FROM ${schema}.t`))[0]?.n, JOB_CHUNK_ROWS);
  assert.equal((await w.readManifest())?.chunks, 1);
  // The writer goes on from its last good commit.
  await w.commit(jobChunk(1), jobManifest(2));
  assert.equal((await w.readManifest())?.chunks, 2);
  assert.equal((await sql(`SELECT count(*)::int AS n FROM ${schema}.t`))[0]?.n, 2 * JOB_CHUNK_ROWS);
});

test('strings with tabs, newlines, backslashes, quotes, unicode and nulls, and special numbers round trip exactly', { skip }, async () => {
  const schema = await testSchema('write_escape');
  const columns: OutputColumn[] = [{ name: 'id', type: 'int64' }, { name: 's', type: 'string' }, { name: 'x', type: 'float64' }, { name: 'j', type: 'json' }];
  const strings = ['', 'tab\there', 'line\nbreak', 'cr\r\nlf', 'back\\slash', '\\N', '\\.', '\\', 'quote " and \' both', '"\t"', 'ünïcödé 日本 🎉 e\u0301', ',;|', '   spaced  ', null];
  const numbers = [0, -0, 0.1 + 0.2, 1e-300, Number.MAX_VALUE, -Number.MIN_VALUE, NaN, Infinity, -Infinity, 2 ** 53 - 1, 123456789.123, null, 1 / 3, -7];
  const rows = strings.map((s, i) => [i, s, numbers[i], s === null ? null : { s, n: [i, s] }]);
  const w = writer({ url: pgUrl({ table: `${schema}.t` }) });
  await w.open(columns);
  await w.commit({ rows }, jobManifest(1));
  const back = await readBack(`${schema}.t`);
  assert.deepEqual(back, rows.map(([id, s, x, j]) => ({ id, s, x, j })));
  assert.ok(Object.is(back[1]?.x, -0), 'negative zero keeps its sign');
});

test('a NUL character fails the commit before anything is sent, naming row and column', { skip }, async () => {
  const schema = await testSchema('write_nul');
  const w = writer({ url: pgUrl({ table: `${schema}.t` }) });
  await w.open([{ name: 'id', type: 'int64' }, { name: 's', type: 'string' }]);
  await assert.rejects(w.commit({ rows: [[1, 'ok'], [2, 'a\u0000b']] }, jobManifest(1)), isError('OUTPUT_FAILED', (e) => e.where.row === 1 && e.where.field === 's' && /NUL/.test(e.message)));
  assert.equal(await w.readManifest(), undefined);
  assert.equal((await sql(`SELECT count(*)::int AS n FROM ${schema}.t`))[0]?.n, 0);
});

test('a fresh start into a table holding rows: fail by default, append or replace on request', { skip }, async () => {
  const schema = await testSchema('write_exists');
  const table = `${schema}.t`;
  await sql(`CREATE TABLE ${table} (id bigint, label text, score double precision, flag boolean, extra jsonb, note text)`);
  await sql(`INSERT INTO ${table} (id, note) VALUES (-1, 'kept')`);
  await assert.rejects(writer({ url: pgUrl({ table }) }).open(JOB_COLUMNS), isError('OUTPUT_FAILED', (e) =>
    !e.retriable && e.message.includes(`postgres table ${table} already holds rows`) && /'append' or 'replace'/.test(e.message)));

  const appending = writer({ url: pgUrl({ table }), ifExists: 'append' });
  await appending.open(JOB_COLUMNS);
  assert.deepEqual((await appending.commit(jobChunk(0), jobManifest(1))).writer, { rows: JOB_CHUNK_ROWS, startedEmpty: false });
  await appending.close();
  assert.equal((await sql(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n, JOB_CHUNK_ROWS + 1);

  // Replacing empties the table in the first commit: a job that dies before it leaves the rows as they were.
  const dying = writer({ url: pgUrl({ table }), ifExists: 'replace' });
  await dying.open(JOB_COLUMNS);
  await dying.close();
  assert.equal((await sql(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n, JOB_CHUNK_ROWS + 1);
  const replacing = writer({ url: pgUrl({ table }), ifExists: 'replace' });
  await replacing.open(JOB_COLUMNS);
  await replacing.commit(jobChunk(3), jobManifest(1));
  assert.deepEqual((await sql<{ id: string }>(`SELECT min(id) AS id FROM ${table}`))[0]?.id, String(3 * JOB_CHUNK_ROWS));
  assert.equal((await sql(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n, JOB_CHUNK_ROWS);
});

test('replace with no chunk at all still empties the table when the job finishes', { skip }, async () => {
  const schema = await testSchema('write_replace_empty');
  const table = `${schema}.t`;
  await runJob({ url: pgUrl({ table }) }, 1);
  const w = writer({ url: pgUrl({ table }), ifExists: 'replace' });
  await w.open(JOB_COLUMNS);
  await w.finish(jobManifest(0));
  assert.equal((await sql(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n, 0);
  assert.deepEqual((await w.readManifest())?.writer, { rows: 0, startedEmpty: true });
});

test('starting over after an unfinished run discards its rows in the first commit; a finished output is kept', { skip }, async () => {
  const schema = await testSchema('write_leftovers');
  const table = `${schema}.t`;
  await runJob({ url: pgUrl({ table }) }, 3, { stopAt: 2 });
  const fresh = writer({ url: pgUrl({ table }) });
  await fresh.open(JOB_COLUMNS);
  assert.equal((await sql(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n, 2 * JOB_CHUNK_ROWS, 'nothing is discarded before a commit');
  await fresh.commit(jobChunk(0), jobManifest(1));
  await fresh.finish(jobManifest(1));
  await fresh.close();
  assert.deepEqual(await tableRows(table), await sql(`SELECT * FROM ${table} WHERE id < ${JOB_CHUNK_ROWS} ORDER BY id`));
  assert.equal((await sql(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n, JOB_CHUNK_ROWS);
  await assert.rejects(writer({ url: pgUrl({ table }) }).open(JOB_COLUMNS), isError('OUTPUT_FAILED', (e) => /already holds rows/.test(e.message)));
});

test('an existing table must fit the output: a missing, mistyped or required extra column fails naming it', { skip }, async () => {
  const schema = await testSchema('write_compat');
  const columns: OutputColumn[] = [{ name: 'id', type: 'int64' }, { name: 'score', type: 'float64' }];
  const attempt = async (ddl: string, field: string, pattern: RegExp): Promise<void> => {
    const table = `${schema}.t${field}${Math.random().toString(36).slice(2, 6)}`;
    await sql(`CREATE TABLE ${table} ${ddl}`);
    await assert.rejects(writer({ url: pgUrl({ table }) }).open(columns), isError('OUTPUT_FAILED', (e) => e.where.field === field && pattern.test(e.message)));
  };
  await attempt('(id bigint)', 'score', /has no column "score"/);
  await attempt('(id bigint, score text)', 'score', /column "score" is text, which cannot hold the output's float64 values/);
  await attempt('(id bigint, score real)', 'score', /column "score" is real/);
  await attempt('(id bigint, score double precision, owner text NOT NULL)', 'owner', /"owner" is NOT NULL without a default/);
  // Wider or equivalent types, and extra columns with defaults, are fine.
  await sql(`CREATE TABLE ${schema}.fits (serial_no bigserial, id integer, score numeric, seen timestamptz NOT NULL DEFAULT now())`);
  const w = writer({ url: pgUrl({ table: `${schema}.fits` }) });
  await w.open(columns);
  await w.commit({ rows: [[1, 0.5]] }, jobManifest(1));
  assert.deepEqual(await sql(`SELECT id, score::float8 AS score FROM ${schema}.fits`), [{ id: 1, score: 0.5 }]);
  await sql(`CREATE VIEW ${schema}.v AS SELECT 1 AS id`);
  await assert.rejects(writer({ url: pgUrl({ table: `${schema}.v` }) }).open(columns), isError('OUTPUT_FAILED', (e) => /is not a table/.test(e.message)));
});

test('resuming from a manifest the table does not hold fails; a second writer on the same output is refused', { skip }, async () => {
  const schema = await testSchema('write_guard');
  const url = pgUrl({ table: `${schema}.t` });
  const first = writer({ url });
  await first.open(JOB_COLUMNS);
  await first.commit(jobChunk(0), jobManifest(1));
  await assert.rejects(writer({ url }).open(JOB_COLUMNS), isError('JOB_LOCKED', (e) => /another job is writing/.test(e.message)));
  await first.close();
  const stale = { ...jobManifest(3), writer: { rows: 3 * JOB_CHUNK_ROWS, startedEmpty: true } };
  await assert.rejects(writer({ url }).open(JOB_COLUMNS, stale), isError('OUTPUT_FAILED', (e) => /cannot resume a job at 3 chunks/.test(e.message) && /one with 1 chunks/.test(e.message)));
});

test('an unreachable server is DATA_STORE_UNAVAILABLE; a bad output URL or option is refused at once', async () => {
  const down = writer({ url: 'postgres://u:s3cret@127.0.0.1:1/warehouse?table=x', connectTimeoutMs: 2000 });
  await assert.rejects(down.readManifest(), isError('DATA_STORE_UNAVAILABLE', (e) => e.retriable && e.message.includes('127.0.0.1:1/warehouse') && !e.message.includes('s3cret')));
  await assert.rejects(down.open(JOB_COLUMNS), isError('DATA_STORE_UNAVAILABLE'));
  assert.throws(() => new PostgresWriter({ url: 'postgres://127.0.0.1/db' }), isError('OUTPUT_FAILED', (e) => /names no table/.test(e.message)));
  assert.throws(() => new PostgresWriter({ url: 'postgres://127.0.0.1/db?query=SELECT%201&table=t' }), isError('OUTPUT_FAILED', (e) => /table= only/.test(e.message)));
  assert.throws(() => new PostgresWriter({ url: 'postgres://127.0.0.1/db?table=tetra_batch_manifests' }), isError('OUTPUT_FAILED'));
  assert.throws(() => new PostgresWriter({ url: 'postgres://127.0.0.1/db?table=t', ifExists: 'merge' as 'fail' }), isError('OUTPUT_FAILED', (e) => /ifExists/.test(e.message)));
});

test('quoted schema and table names with spaces, dots and capitals are written and read back', { skip }, async () => {
  const schema = await testSchema('write_quoted');
  const table = `"${schema}"."Odd. Name"`;
  const w = writer({ url: pgUrl({ table }) });
  assert.equal(w.name, `postgres table ${schema}."Odd. Name"`);
  await w.open([{ name: 'id', type: 'int64' }, { name: 'Mixed Col', type: 'string' }]);
  await w.commit({ rows: [[2, 'b'], [1, 'a']] }, jobManifest(1));
  await w.finish(jobManifest(1));
  assert.deepEqual(await readBack(table), [{ id: 1, 'Mixed Col': 'a' }, { id: 2, 'Mixed Col': 'b' }]);
  assert.equal((await sql(`SELECT output FROM ${schema}.tetra_batch_manifests`))[0]?.output, `${schema}."Odd. Name"`);
});
