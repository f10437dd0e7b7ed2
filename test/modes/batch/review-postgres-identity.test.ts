import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pgUrl, sql, testSchema } from '../../adapters/io/postgres-helpers.ts';
import { SAMPLE_HEADER, SAMPLE_ROWS } from '../../helpers/fraud-dataset.ts';
import { FRAUD_REPO } from '../../helpers/fraud-sample.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { needs } from '../../helpers/services.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const skip = await needs('postgres');
const batch = (...args: string[]) => runCli(['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--progress', 'none', ...args]);

test('two PostgreSQL queries that differ only after their first 80 characters are two jobs, not one', { skip }, async () => {
  const schema = await testSchema('batch_query_id');
  const names = SAMPLE_HEADER.split(',');
  await sql(`CREATE TABLE ${schema}.transactions (${names.map((n) => `${n} text`).join(', ')}, PRIMARY KEY (transaction_id))`);
  for (const row of SAMPLE_ROWS.slice(0, 100)) {
    const cells = row.split(',');
    await sql(`INSERT INTO ${schema}.transactions VALUES (${cells.map((_, i) => `$${i + 1}`).join(', ')})`, cells.map((c) => (c === '' ? null : c)));
  }
  const query = (limit: number): string => `SELECT * FROM ${schema}.transactions WHERE transaction_id IS NOT NULL AND amount IS NOT NULL ORDER BY transaction_id LIMIT ${limit}`;
  const out = join(tempDir(), 'scores.csv');
  const first = await batch('--input', pgUrl({ query: query(10) }), '--output', out);
  assert.equal(first.code, 0, first.stderr);
  const second = await batch('--input', pgUrl({ query: query(50) }), '--output', out);
  assert.equal(second.code, 1, `the second query's job is not the first's, already done: ${second.stderr}`);
  assert.match(second.stderr, /JOB_MISMATCH/);
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 11);
});
