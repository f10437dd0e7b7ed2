import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { writeFraudCsv } from '../../helpers/fraud-dataset.ts';
import { FRAUD_REPO, SAMPLE_EXPECTED } from '../../helpers/fraud-sample.ts';
import { PROJECT_ROOT } from '../../helpers/fixtures.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const SAMPLE = join(PROJECT_ROOT, 'examples', 'fraud', 'data', 'sample.csv');
const batch = (...args: string[]) => runCli(['batch', '--repo', FRAUD_REPO, ...args]);

test('batch scores a CSV into CSV with kept columns, equal to predict on the same rows', async () => {
  const dir = tempDir();
  const out = join(dir, 'scores.csv');
  const { code, stderr } = await batch('--model', 'fraud-xgb', '--input', SAMPLE, '--output', out, '--keep-columns', 'transaction_id,card_id', '--chunk-rows', '64', '--progress', 'none');
  assert.equal(code, 0, stderr);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'transaction_id,card_id,fraud_probability,label');
  assert.equal(lines.length, 501);
  const predicted = await runCli(['predict', 'fraud-xgb', '--repo', FRAUD_REPO, '--input', SAMPLE]);
  const expected = predicted.stdout.trim().split('\n').map((l) => JSON.parse(l) as { fraud_probability: number; label: string });
  lines.slice(1).forEach((line, i) => {
    const [id, , p, label] = line.split(',');
    assert.equal(id, `T${String(i + 1).padStart(8, '0')}`);
    assert.equal(Number(p), expected[i]?.fraud_probability, `row ${i + 1}`);
    assert.equal(label, expected[i]?.label);
    assert.ok(Math.abs(Number(p) - (SAMPLE_EXPECTED['fraud-xgb']?.[i] as number)) < 1e-6);
  });
  const summary = JSON.parse(readFileSync(`${out}.summary.json`, 'utf8')) as { status: string; rowsIn: number; rowsOut: number; rejected: number };
  assert.deepEqual([summary.status, summary.rowsIn, summary.rowsOut, summary.rejected], ['succeeded', 500, 500, 0]);
  assert.match(stderr, /500 in, 500 out, 0 rejected/);
});

test('JSON Lines and gzip outputs hold the same predictions as CSV', async () => {
  const dir = tempDir();
  const jsonl = join(dir, 'scores.jsonl.gz');
  const { code, stderr } = await batch('--model', 'fraud-logreg', '--input', SAMPLE, '--output', jsonl, '--keep-columns', 'transaction_id', '--chunk-rows', '100', '--progress', 'none');
  assert.equal(code, 0, stderr);
  const rows = gunzipSync(readFileSync(jsonl)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { transaction_id: string; fraud_probability: number });
  assert.equal(rows.length, 500);
  rows.forEach((r, i) => assert.ok(Math.abs(r.fraud_probability - (SAMPLE_EXPECTED['fraud-logreg']?.[i] as number)) < 1e-6, `row ${i + 1}`));
});

test('bad rows go to the rejects file with row, line and reason; exit code 3 for a partial job', async () => {
  const dir = tempDir();
  const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 1000, badEvery: 100 });
  const out = join(dir, 'out.csv');
  const { code, stderr } = await batch('--model', 'fraud-xgb', '--input', input, '--output', out, '--keep-columns', 'transaction_id', '--chunk-rows', '128', '--progress', 'none');
  assert.equal(code, 3, stderr);
  const rejects = readFileSync(`${out}.rejects.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(rejects.length, 10);
  assert.deepEqual(rejects[0], {
    row: 100, source: input, line: 101, code: 'INPUT_WRONG_TYPE', field: 'amount',
    message: (rejects[0] as { message: string }).message, values: { transaction_id: 'T000000100' },
  });
  assert.match(String(rejects[0]?.message), /amount/);
  assert.doesNotMatch(String(rejects[0]?.message), /^row /);
  const ids = readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
  assert.equal(ids.length, 990);
  assert.ok(!ids.includes('T000000100') && ids.includes('T000000101'));
  assert.match(stderr, /1000 in, 990 out, 10 rejected/);
});

test('--max-rejects fails the job with exit code 1 once exceeded, and publishes no output', async () => {
  const dir = tempDir();
  const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 1000, badEvery: 100 });
  const out = join(dir, 'out.csv');
  const count = await batch('--model', 'fraud-xgb', '--input', input, '--output', out, '--max-rejects', '5', '--chunk-rows', '100', '--commit-rows', '100', '--progress', 'none');
  assert.equal(count.code, 1, count.stderr);
  assert.match(count.stderr, /6 of 600 input rows were rejected, more than the limit of 5 rows.*JOB_TOO_MANY_REJECTS/);
  assert.equal(existsSync(out), false);
  const percent = await batch('--model', 'fraud-xgb', '--input', input, '--output', join(dir, 'p.csv'), '--max-rejects', '0.5%', '--progress', 'none');
  assert.equal(percent.code, 1, percent.stderr);
  assert.match(percent.stderr, /10 of 1000 input rows were rejected, more than the limit of 0.5% of the input/);
  const loose = await batch('--model', 'fraud-xgb', '--input', input, '--output', join(dir, 'l.csv'), '--max-rejects', '1%', '--progress', 'none');
  assert.equal(loose.code, 3, loose.stderr);
});

test('a missing required column fails before any output, naming the column', async () => {
  const dir = tempDir();
  const input = join(dir, 'in.csv');
  const [header, ...rows] = readFileSync(SAMPLE, 'utf8').trim().split('\n');
  const drop = (line: string): string => line.split(',').filter((_, i) => i !== 3).join(',');
  writeFileSync(input, [drop(header as string), ...rows.map(drop)].join('\n'));
  const out = join(dir, 'out.csv');
  const { code, stderr } = await batch('--model', 'fraud-xgb', '--input', input, '--output', out, '--progress', 'none');
  assert.equal(code, 1);
  assert.match(stderr, /no column for required feature "amount".*INPUT_MISSING_FEATURE/);
  assert.equal(existsSync(out), false);
  assert.equal(existsSync(`${out}.tetra-job.json`), false);
});

test('a finished job is not redone without --force, and starts no worker threads; a different job at the same output is refused', async () => {
  const dir = tempDir();
  const out = join(dir, 'out.csv');
  const args = ['--model', 'fraud-xgb', '--input', SAMPLE, '--output', out, '--progress', 'none', '--workers', '2'];
  const first = await batch(...args);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /rows\/s on 2 worker threads/);
  assert.equal((JSON.parse(readFileSync(`${out}.summary.json`, 'utf8')) as { workers: number }).workers, 2);
  writeFileSync(out, 'changed\n');
  const again = await batch(...args);
  assert.equal(again.code, 0);
  assert.match(again.stderr, /already-done/);
  assert.doesNotMatch(again.stderr, /worker thread/);
  assert.equal(readFileSync(out, 'utf8'), 'changed\n');
  const other = await batch(...args, '--keep-columns', 'card_id');
  assert.equal(other.code, 1);
  assert.match(other.stderr, /JOB_MISMATCH/);
  assert.doesNotMatch(other.stderr, /worker thread/);
  const forced = await batch(...args, '--force');
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stderr, /rows\/s on 2 worker threads/);
  assert.equal(readFileSync(out, 'utf8').split('\n').length, 502);
});

test('stdin to stdout', async () => {
  const { code, stdout, stderr } = await runCli(['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--input', '-', '--output', '-', '--progress', 'none', '--rejects', join(tempDir(), 'r.jsonl')], { stdin: readFileSync(SAMPLE, 'utf8') });
  assert.equal(code, 0, stderr);
  const rows = stdout.trim().split('\n').map((l) => JSON.parse(l) as { fraud_probability: number });
  assert.equal(rows.length, 500);
  assert.ok(Math.abs((rows[499]?.fraud_probability as number) - (SAMPLE_EXPECTED['fraud-xgb']?.[499] as number)) < 1e-6);
});

test('shards 0..N-1 by row range, concatenated in order, equal the single-process output', async () => {
  const dir = tempDir();
  const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 1003, badEvery: 250 });
  const common = ['--model', 'fraud-xgb', '--input', input, '--keep-columns', 'transaction_id', '--output-format', 'jsonl', '--chunk-rows', '100', '--progress', 'none'];
  assert.equal((await batch(...common, '--output', join(dir, 'all.jsonl'))).code, 3);
  const parts: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await batch(...common, '--output', join(dir, `part-${i}.jsonl`), '--shard', `${i}/3`);
    assert.ok(r.code === 0 || r.code === 3, r.stderr);
    parts.push(readFileSync(join(dir, `part-${i}.jsonl`), 'utf8'));
  }
  assert.equal(parts.join(''), readFileSync(join(dir, 'all.jsonl'), 'utf8'));
  assert.ok(parts.every((p) => p.length > 0));
});

/**
 * Runs 2 key-hash shards by card_id keeping `keep`, and checks that every row
 * is in one shard, no card is in both, and neither shard is empty. Each
 * output row's card is looked up by its transaction id, so the key need not
 * be kept.
 */
async function checkKeyShards(keep: string): Promise<void> {
  const dir = tempDir();
  const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 600 });
  const lines = readFileSync(input, 'utf8').trim().split('\n');
  const header = (lines[0] as string).split(',');
  const cardOf = new Map(lines.slice(1).map((line) => {
    const cells = line.split(',');
    return [cells[header.indexOf('transaction_id')] as string, cells[header.indexOf('card_id')] as string];
  }));
  const common = ['--model', 'fraud-xgb', '--input', input, '--keep-columns', keep, '--output-format', 'jsonl', '--shard-key', 'card_id', '--progress', 'none'];
  const shardOfCard = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < 2; i++) {
    const r = await batch(...common, '--output', join(dir, `k-${i}.jsonl`), '--shard', `${i}/2`);
    assert.equal(r.code, 0, r.stderr);
    const rows = readFileSync(join(dir, `k-${i}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { transaction_id: string });
    assert.ok(rows.length > 0 && rows.length < cardOf.size, `shard ${i} holds ${rows.length} of ${cardOf.size} rows`);
    total += rows.length;
    for (const row of rows) {
      const card = cardOf.get(row.transaction_id) as string;
      assert.notEqual(shardOfCard.get(card) ?? i, 1 - i, `card ${card} in both shards`);
      shardOfCard.set(card, i);
    }
  }
  assert.equal(total, cardOf.size);
}

test('shards by key hash hold every key once, together all rows', async () => {
  await checkKeyShards('transaction_id,card_id');
});

test('shards by a key the output does not keep and the model does not read still split by that key', async () => {
  await checkKeyShards('transaction_id');
});

test('wrong flags are usage errors (exit 2)', async () => {
  assert.equal((await batch('--model', 'fraud-xgb', '--input', SAMPLE)).code, 2);
  const shard = await batch('--model', 'fraud-xgb', '--input', SAMPLE, '--output', join(tempDir(), 'o.csv'), '--shard', '3/3');
  assert.equal(shard.code, 1);
  assert.match(shard.stderr, /0 <= i < N/);
  const format = await batch('--model', 'fraud-xgb', '--input', SAMPLE, '--output', 'x', '--output-format', 'xml');
  assert.equal(format.code, 2);
});
