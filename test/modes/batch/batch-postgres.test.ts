import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pgUrl, sql, testSchema } from '../../adapters/io/postgres-helpers.ts';
import { SAMPLE_HEADER, SAMPLE_ROWS, writeFraudCsv } from '../../helpers/fraud-dataset.ts';
import { FRAUD_REPO, SAMPLE_EXPECTED } from '../../helpers/fraud-sample.ts';
import { PROJECT_ROOT } from '../../helpers/fixtures.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { needs } from '../../helpers/services.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const skip = await needs('postgres');
const batch = (...args: string[]) => runCli(['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--progress', 'none', ...args]);

/** The fraud sample as a typed table with a primary key. */
async function sampleTable(schema: string): Promise<string> {
  const names = SAMPLE_HEADER.split(',');
  const numeric = new Set(['amount', 'mcc', 'hour', 'card_age_days', 'distance_from_home_km', 'txn_count_1h', 'txn_count_24h', 'amount_sum_24h', 'avg_amount_30d', 'is_fraud']);
  const flags = new Set(['is_foreign', 'device_changed', 'is_online']);
  const type = (n: string): string => (n === 'transaction_id' ? 'text PRIMARY KEY' : numeric.has(n) ? 'double precision' : flags.has(n) ? 'boolean' : 'text');
  await sql(`CREATE TABLE ${schema}.transactions (${names.map((n) => `${n} ${type(n)}`).join(', ')})`);
  for (const row of SAMPLE_ROWS) {
    const cells = row.split(',');
    await sql(`INSERT INTO ${schema}.transactions VALUES (${cells.map((_, i) => `$${i + 1}`).join(', ')})`, cells.map((c) => (c === '' ? null : c)));
  }
  return `${schema}.transactions`;
}

test('a PostgreSQL table in, CSV out: the same predictions as the CSV file', { skip }, async () => {
  const schema = await testSchema('batch_in');
  const table = await sampleTable(schema);
  const out = join(tempDir(), 'scores.csv');
  const { code, stderr } = await batch('--input', pgUrl({ table }), '--output', out, '--keep-columns', 'transaction_id', '--chunk-rows', '128');
  assert.equal(code, 0, stderr);
  const rows = readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  assert.equal(rows.length, 500);
  rows.forEach(([id, p], i) => {
    assert.equal(id, `T${String(i + 1).padStart(8, '0')}`);
    assert.ok(Math.abs(Number(p) - (SAMPLE_EXPECTED['fraud-xgb']?.[i] as number)) < 1e-6, `row ${i + 1}`);
  });
});

test('CSV in, a PostgreSQL table out (created), then --force replaces it', { skip }, async () => {
  const schema = await testSchema('batch_out');
  const sample = join(PROJECT_ROOT, 'examples', 'fraud', 'data', 'sample.csv');
  const output = pgUrl({ table: `${schema}.scores` });
  const first = await batch('--input', sample, '--output', output, '--keep-columns', 'transaction_id', '--rejects', join(tempDir(), 'r.jsonl'));
  assert.equal(first.code, 0, first.stderr);
  const rows = await sql<{ transaction_id: string; fraud_probability: number; label: string }>(`SELECT * FROM ${schema}.scores ORDER BY transaction_id`);
  assert.equal(rows.length, 500);
  rows.forEach((r, i) => assert.ok(Math.abs(r.fraud_probability - (SAMPLE_EXPECTED['fraud-xgb']?.[i] as number)) < 1e-6));
  const again = await batch('--input', sample, '--output', output, '--keep-columns', 'transaction_id', '--rejects', join(tempDir(), 'r.jsonl'));
  assert.match(again.stderr, /already-done/);
  const forced = await batch('--input', sample, '--output', output, '--keep-columns', 'transaction_id', '--force', '--rejects', join(tempDir(), 'r.jsonl'));
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal((await sql<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.scores`))[0]?.n, '500');
});

test('killed with SIGKILL mid-job into PostgreSQL, the rerun leaves the same table as an uninterrupted run', { skip }, async () => {
  const schema = await testSchema('batch_kill');
  const dir = tempDir();
  const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 40_000, badEvery: 997 });
  const args = (table: string): string[] => ['--input', input, '--output', pgUrl({ table: `${schema}.${table}` }), '--keep-columns', 'transaction_id', '--chunk-rows', '500', '--commit-rows', '500', '--rejects', join(dir, `${table}.rejects.jsonl`)];
  assert.equal((await batch(...args('reference'))).code, 3);
  const committed = async (): Promise<number> => {
    const found = await sql<{ manifest: { rowsIn: number } }>(`SELECT manifest FROM ${schema}.tetra_batch_manifests WHERE output = $1`, [`${schema}.resumed`]).catch(() => []);
    return found[0]?.manifest.rowsIn ?? 0;
  };
  const killedAt: number[] = [];
  for (const rows of [1, 15_000, 30_000]) {
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'cli', 'bin.ts'), 'batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--progress', 'none', ...args('resumed')], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    let done = false;
    void exited.then(() => (done = true));
    while (!done && (await committed()) < rows) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 30)));
    child.kill('SIGKILL');
    await exited;
    killedAt.push(await committed());
  }
  assert.ok(killedAt.some((r) => r > 0 && r < 40_000), `killed mid-job (committed: ${killedAt.join(', ')})`);
  const resumed = await batch(...args('resumed'));
  assert.equal(resumed.code, 3, resumed.stderr);
  const dump = async (table: string): Promise<string> => JSON.stringify(await sql(`SELECT * FROM ${schema}.${table} ORDER BY transaction_id`));
  assert.equal(await dump('resumed'), await dump('reference'));
  assert.equal((await sql<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.resumed`))[0]?.n, '39960');
  assert.equal(readFileSync(join(dir, 'resumed.rejects.jsonl'), 'utf8'), readFileSync(join(dir, 'reference.rejects.jsonl'), 'utf8'));
});
