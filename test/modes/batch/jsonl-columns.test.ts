import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { JSONL_SAMPLE_ROWS, TextDatasetReader } from '../../../src/adapters/io/text-dataset-reader.ts';
import { query } from '../../adapters/io/parquet-helpers.ts';
import { FRAUD_REPO } from '../../helpers/fraud-sample.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const batch = (...args: string[]) => runCli(['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--progress', 'none', ...args]);
const FEATURES = { amount: 10, mcc: '5411', hour: 3, is_foreign: false, card_age_days: 100, distance_from_home_km: 1, device_changed: false, is_online: false, txn_count_1h: 0, txn_count_24h: 1, amount_sum_24h: 10, avg_amount_30d: 10 };

/** Records that do not all have the same keys, with an id that is a number, then text, then null. */
function writeMixed(path: string): void {
  const records = [{ id: 5, ...FEATURES }, { id: 'A7', ...FEATURES, note: 'late key' }, { id: null, ...FEATURES, note: null }];
  writeFileSync(path, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

test('JSON Lines with every column kept: keys of later records are kept too, and an id of mixed types is written as JSON', async () => {
  const dir = tempDir();
  const input = join(dir, 'mixed.jsonl');
  writeMixed(input);
  const csv = join(dir, 'out.csv');
  const first = await batch('--input', input, '--output', csv, '--keep-columns', 'all');
  assert.equal(first.code, 0, first.stderr);
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  const header = lines[0]?.split(',') ?? [];
  assert.deepEqual([header[0], header[13]], ['id', 'note'], 'the columns are the records\' keys in the order they first appear');
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[13]), ['', 'late key', '']);

  // Before, Parquet typed the id by the first record (a number) and failed the job at "A7".
  const parquet = join(dir, 'out.parquet');
  const second = await batch('--input', input, '--output', parquet, '--keep-columns', 'all');
  assert.equal(second.code, 0, second.stderr);
  const { rows } = await query(`SELECT id, note FROM read_parquet('${parquet}')`);
  assert.deepEqual(rows, [{ id: '5', note: null }, { id: '"A7"', note: 'late key' }, { id: null, note: null }]);
});

test('JSON Lines from a pipe that is still open: its columns are known from the first record, without waiting for more', async () => {
  const stdin = new PassThrough();
  stdin.write(`${JSON.stringify({ id: 1, ...FEATURES })}\n`);
  const reader = new TextDatasetReader(['-'], { format: 'jsonl', stdin });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('columns() waited for more records')), 2000).unref());
  const columns = await Promise.race([reader.columns(), timeout]);
  assert.deepEqual(columns.map((c) => c.name), ['id', ...Object.keys(FEATURES)]);
  stdin.end();
});

test('JSON Lines columns are sampled across files, past an empty first file, and the sample does not count as progress', async () => {
  const dir = tempDir();
  const empty = join(dir, 'a.jsonl');
  const second = join(dir, 'b.jsonl');
  writeFileSync(empty, '');
  writeFileSync(second, `${JSON.stringify({ id: 1, ...FEATURES })}\n${JSON.stringify({ id: 'x', ...FEATURES, late: true })}\n`);
  const reader = new TextDatasetReader([empty, second], { format: 'jsonl' });
  const columns = await reader.columns();
  assert.deepEqual(columns.filter((c) => c.name === 'id' || c.name === 'late'), [{ name: 'id', type: 'json' }, { name: 'late', type: 'boolean' }]);
  assert.equal(reader.consumedBytes, 0);
});

/** JSONL_SAMPLE_ROWS records with the same keys, then three of which the second brings a key the sample never saw. */
function writeLateKey(path: string): number {
  const lines = Array.from({ length: JSONL_SAMPLE_ROWS + 3 }, (_, i) => JSON.stringify(i === JSONL_SAMPLE_ROWS + 1 ? { id: i, ...FEATURES, late: 'kept?' } : { id: i, ...FEATURES }));
  writeFileSync(path, lines.join('\n') + '\n');
  return JSONL_SAMPLE_ROWS + 2;
}

for (const workers of ['0', '2']) {
  test(`JSON Lines, every column kept: a key first met after the sample is named on stderr and in the summary, also when the job is rerun (--workers ${workers})`, async () => {
    const dir = tempDir();
    const input = join(dir, 'late.jsonl');
    const row = writeLateKey(input);
    const output = join(dir, 'out.csv');
    const run = await batch('--input', input, '--output', output, '--keep-columns', 'all', '--workers', workers);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`key "late" first met in row ${row} \\(${input.replaceAll('/', '\\/')} line ${row}\\) is not written`));
    assert.equal(run.stderr.match(/key "late"/g)?.length, 1, 'told once');
    const summary = JSON.parse(readFileSync(`${output}.summary.json`, 'utf8')) as { keysNotKept?: unknown };
    assert.deepEqual(summary.keysNotKept, [{ name: 'late', row, source: input, line: row }]);
    assert.ok(!readFileSync(output, 'utf8').split('\n')[0]?.includes('late'));

    // The manifest keeps what was not kept: a rerun of the finished job still says so.
    const again = await batch('--input', input, '--output', output, '--keep-columns', 'all', '--workers', workers);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /already-done/);
    assert.match(again.stderr, new RegExp(`not kept "late" \\(from row ${row}\\)`));
  });
}

test('JSON Lines: a column named to keep that the sample never saw is kept, with its values where rows have it', async () => {
  const dir = tempDir();
  const input = join(dir, 'late.jsonl');
  const row = writeLateKey(input);
  const output = join(dir, 'out.csv');
  const run = await batch('--input', input, '--output', output, '--keep-columns', 'id,late');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /column "late" to keep is in none of the first records/);
  assert.doesNotMatch(run.stderr, /is not written/);
  assert.deepEqual((JSON.parse(readFileSync(`${output}.summary.json`, 'utf8')) as { keptNotSampled?: unknown }).keptNotSampled, ['late']);
  const lines = readFileSync(output, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'id,late,fraud_probability,label');
  assert.deepEqual(lines.slice(row - 1, row + 2).map((l) => l.split(',').slice(0, 2).join(',')), [`${row - 2},`, `${row - 1},kept?`, `${row},`]);

  // A CSV input has a header: a name that is not in it is still an error.
  const csv = join(dir, 'in.csv');
  writeFileSync(csv, `id,${Object.keys(FEATURES).join(',')}\n1,${Object.values(FEATURES).join(',')}\n`);
  const wrong = await batch('--input', csv, '--output', join(dir, 'csv-out.csv'), '--keep-columns', 'id,late');
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /no column "late" to keep/);
});

test('JSON Lines read to its end by the sample: a column to keep that no record has is an error, as for CSV', async () => {
  const dir = tempDir();
  const input = join(dir, 'small.jsonl');
  writeFileSync(input, `${JSON.stringify({ id: 1, ...FEATURES })}\n${JSON.stringify({ id: 2, ...FEATURES })}\n`);
  const run = await batch('--input', input, '--output', join(dir, 'out.csv'), '--keep-columns', 'id,idd');
  assert.equal(run.code, 1);
  assert.match(run.stderr, /no column "idd" to keep/);
});

for (const shard of [['--shard', '1/2'], ['--shard', '0/1', '--shard-key', 'id']]) {
  test(`JSON Lines split into shards (${shard.join(' ')}): keys after the sample are still named, named columns still kept`, async () => {
    const dir = tempDir();
    const input = join(dir, 'late.jsonl');
    const row = writeLateKey(input);
    const all = await batch('--input', input, '--output', join(dir, 'all.csv'), '--keep-columns', 'all', ...shard);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stderr, /key "late" first met in row \d+ \(.* line \d+\) is not written/);
    const named = await batch('--input', input, '--output', join(dir, 'named.csv'), '--keep-columns', 'id,late', ...shard);
    assert.equal(named.code, 0, named.stderr);
    assert.ok(readFileSync(join(dir, 'named.csv'), 'utf8').includes(`${row - 1},kept?,`));
  });
}

test('JSON Lines with many keys after the sample: the first 100 are named, then one line says there are more', async () => {
  const dir = tempDir();
  const input = join(dir, 'sparse.jsonl');
  const sparse = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`sku_${i}`, 1]));
  const lines = Array.from({ length: JSONL_SAMPLE_ROWS }, (_, i) => JSON.stringify({ id: i, ...FEATURES }));
  writeFileSync(input, [...lines, JSON.stringify({ id: 'x', ...FEATURES, ...sparse })].join('\n') + '\n');
  const output = join(dir, 'out.jsonl');
  const run = await batch('--input', input, '--output', output, '--keep-columns', 'all');
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr.match(/is not written/g)?.length, 100);
  assert.match(run.stderr, /more keys are not written than the 100 named/);
  const summary = JSON.parse(readFileSync(`${output}.summary.json`, 'utf8')) as { keysNotKept: { name: string }[]; moreKeysNotKept?: boolean };
  assert.equal(summary.keysNotKept.length, 100);
  assert.equal(summary.keysNotKept[99]?.name, 'sku_99');
  assert.equal(summary.moreKeysNotKept, true);
  assert.match(run.stderr, /"sku_99" \(from row 10001\) and more: keys met after/);
});

test('JSON Lines: the sample counts as cut only when a record follows it (a pipe: after its first record)', async () => {
  const dir = tempDir();
  const write = (name: string, records: number): string => {
    const path = join(dir, name);
    writeFileSync(path, Array.from({ length: records }, (_, i) => JSON.stringify({ id: i, ...FEATURES })).join('\n') + '\n');
    return path;
  };
  const whole = new TextDatasetReader([write('whole.jsonl', JSONL_SAMPLE_ROWS)], { format: 'jsonl' });
  await whole.columns();
  assert.equal(whole.columnsSampled, false, 'exactly the sample: every record seen');
  const more = new TextDatasetReader([write('more.jsonl', JSONL_SAMPLE_ROWS + 1)], { format: 'jsonl' });
  await more.columns();
  assert.equal(more.columnsSampled, true);
  const stdin = new PassThrough();
  stdin.write(`${JSON.stringify({ id: 1, ...FEATURES })}\n`);
  const pipe = new TextDatasetReader(['-'], { format: 'jsonl', stdin });
  await pipe.columns();
  assert.equal(pipe.columnsSampled, true);
  stdin.end();
});
