import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParquetReader } from '../../../src/adapters/io/parquet-reader.ts';
import { FRAUD_REPO, SAMPLE_EXPECTED } from '../../helpers/fraud-sample.ts';
import { PROJECT_ROOT } from '../../helpers/fixtures.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const SAMPLE = join(PROJECT_ROOT, 'examples', 'fraud', 'data', 'sample.csv');
const batch = (...args: string[]) => runCli(['batch', '--repo', FRAUD_REPO, '--progress', 'none', ...args]);

async function parquetRows(path: string): Promise<Record<string, unknown>[]> {
  const reader = new ParquetReader([path]);
  const rows: Record<string, unknown>[] = [];
  for await (const chunk of reader.read({ chunkRows: 1000 })) rows.push(...chunk.records.map((r) => ({ ...r })));
  await reader.close();
  return rows;
}

const closeTo = (model: string, p: unknown, i: number): void => assert.ok(Math.abs(Number(p) - (SAMPLE_EXPECTED[model]?.[i] as number)) < 1e-6, `${model} row ${i + 1}: ${String(p)}`);

test('every format round-trips the fraud sample: CSV -> Parquet -> JSON Lines -> CSV, predictions equal the reference', async () => {
  const dir = tempDir();
  // CSV in, Parquet out, every input column kept.
  const parquet = join(dir, 'scored.parquet');
  const first = await batch('--model', 'fraud-xgb', '--input', SAMPLE, '--output', parquet, '--keep-columns', 'all', '--chunk-rows', '128');
  assert.equal(first.code, 0, first.stderr);
  const rows = await parquetRows(parquet);
  assert.equal(rows.length, 500);
  rows.forEach((r, i) => closeTo('fraud-xgb', r.fraud_probability, i));
  assert.equal(rows[0]?.transaction_id, 'T00000001');

  // Parquet in (the kept columns are the model's features), JSON Lines out, scored by another model.
  const jsonl = join(dir, 'scored.jsonl');
  const second = await batch('--model', 'fraud-logreg', '--input', parquet, '--output', jsonl, '--keep-columns', 'transaction_id,fraud_probability');
  assert.equal(second.code, 1, 'a kept column named like a prediction field is refused');
  assert.match(second.stderr, /"fraud_probability" has the name of a prediction field/);
  const third = await batch('--model', 'fraud-logreg', '--input', parquet, '--output', jsonl, '--keep-columns', 'transaction_id,amount,card_id', '--workers', '0');
  assert.equal(third.code, 0, third.stderr);
  const lines = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { transaction_id: string; amount: string; fraud_probability: number });
  assert.equal(lines.length, 500);
  lines.forEach((l, i) => closeTo('fraud-logreg', l.fraud_probability, i));

  // JSON Lines in, CSV out.
  const csv = join(dir, 'again.csv');
  const fourth = await batch('--model', 'fraud-xgb', '--input', jsonl, '--output', csv, '--keep-columns', 'transaction_id');
  assert.equal(fourth.code, 1, 'the JSON Lines file lacks the model features');
  assert.match(fourth.stderr, /no column for required features? "mcc"/);
});

test('a folder or glob of CSV files is one input, read in name order, with worker threads or without', async () => {
  const dir = tempDir();
  const [header, ...rows] = readFileSync(SAMPLE, 'utf8').trim().split('\n');
  for (let part = 0; part < 3; part++) writeFileSync(join(dir, `part-${part}.csv`), [header, ...rows.slice(part * 200, part * 200 + 200)].join('\n') + '\n');
  for (const [input, workers] of [[dir, '2'], [join(dir, 'part-*.csv'), '0']] as const) {
    const out = join(tempDir(), 'out.jsonl');
    const r = await batch('--model', 'fraud-xgb', '--input', input, '--output', out, '--keep-columns', 'transaction_id', '--chunk-rows', '64', '--workers', workers);
    assert.equal(r.code, 0, r.stderr);
    const scored = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { transaction_id: string; fraud_probability: number });
    assert.equal(scored.length, 500);
    scored.forEach((s, i) => closeTo('fraud-xgb', s.fraud_probability, i));
  }
});

test('worker threads and the main thread write byte-identical outputs and rejects, with quoted fields and CRLF', async () => {
  const dir = tempDir();
  const [header, ...rows] = readFileSync(SAMPLE, 'utf8').trim().split('\n');
  // Quoted ids with delimiters, doubled quotes and line breaks, CRLF line ends and a bad amount every 50 rows.
  const lines = rows.map((row, i) => {
    const cells = row.split(',');
    cells[0] = i % 7 === 0 ? `"T,${i}\r\nsecond ""line"""` : cells[0] as string;
    if (i % 50 === 49) cells[3] = 'x';
    return cells.join(',');
  });
  const input = join(dir, 'in.csv');
  writeFileSync(input, [header, ...lines].join('\r\n') + '\r\n');
  const outputs: string[] = [];
  for (const workers of ['0', '2']) {
    const out = join(dir, `out-${workers}.csv`);
    const r = await batch('--model', 'fraud-xgb', '--input', input, '--output', out, '--keep-columns', 'transaction_id', '--chunk-rows', '37', '--workers', workers);
    assert.equal(r.code, 3, r.stderr);
    outputs.push(readFileSync(out, 'utf8') + readFileSync(`${out}.rejects.jsonl`, 'utf8'));
  }
  assert.equal(outputs[0], outputs[1]);
  const rejects = readFileSync(join(dir, 'out-2.csv.rejects.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { row: number; line: number });
  assert.equal(rejects.length, 10);
  // Row 50 starts on line 51 plus one extra line for each quoted id with a line break before it (rows 1, 8, ..., 43).
  assert.deepEqual([rejects[0]?.row, rejects[0]?.line], [50, 51 + 7]);
});

test('Parquet input scored on worker threads (ranges of whole chunks) writes what the main thread writes', async () => {
  const dir = tempDir();
  const parquet = join(dir, 'in.parquet');
  assert.equal((await batch('--model', 'fraud-xgb', '--input', SAMPLE, '--output', parquet, '--keep-columns', 'all', '--chunk-rows', '64', '--commit-rows', '64')).code, 0);
  const outputs: Buffer[] = [];
  for (const workers of ['0', '2']) {
    const out = join(dir, `out-${workers}.parquet`);
    const r = await batch('--model', 'fraud-logreg', '--input', parquet, '--output', out, '--keep-columns', 'transaction_id', '--chunk-rows', '30', '--workers', workers);
    assert.equal(r.code, 0, r.stderr);
    outputs.push(readFileSync(out));
  }
  assert.ok((outputs[0] as Buffer).equals(outputs[1] as Buffer), 'byte-identical Parquet');
  const rows = await parquetRows(join(dir, 'out-2.parquet'));
  assert.equal(rows.length, 500);
  rows.forEach((r, i) => closeTo('fraud-logreg', r.fraud_probability, i));
});

test('a row that cannot be decoded (wrong cell count, a line that is not JSON) is rejected with its line, and the job goes on', async () => {
  const dir = tempDir();
  const [header, ...rows] = readFileSync(SAMPLE, 'utf8').trim().split('\n');
  const csvLines = rows.slice(0, 100).map((row, i) => (i === 10 ? row.split(',').slice(0, 5).join(',') : row));
  const csv = join(dir, 'in.csv');
  writeFileSync(csv, [header, ...csvLines].join('\n') + '\n');
  const names = (header as string).split(',');
  const jsonLines = rows.slice(0, 100).map((row, i) => (i === 20 ? '{"amount": 12.5,' : JSON.stringify(Object.fromEntries(row.split(',').map((v, k) => [names[k], v])))));
  const jsonl = join(dir, 'in.jsonl');
  writeFileSync(jsonl, jsonLines.join('\n') + '\n');
  for (const [input, row, line, reason] of [[csv, 11, 12, /5 cells but the header has 18 columns/], [jsonl, 21, 21, /not valid JSON/]] as const) {
    const outputs: string[] = [];
    for (const workers of ['0', '2']) {
      const out = join(dir, `${input.endsWith('.csv') ? 'csv' : 'jsonl'}-${workers}.jsonl`);
      const r = await batch('--model', 'fraud-xgb', '--input', input, '--output', out, '--keep-columns', 'transaction_id', '--chunk-rows', '16', '--workers', workers);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /100 in, 99 out, 1 rejected/);
      const rejects = readFileSync(`${out}.rejects.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { row: number; line: number; code: string; message: string });
      assert.equal(rejects.length, 1);
      assert.deepEqual([rejects[0]?.row, rejects[0]?.line, rejects[0]?.code], [row, line, 'INPUT_MALFORMED']);
      assert.match(rejects[0]?.message as string, reason);
      outputs.push(readFileSync(out, 'utf8') + readFileSync(`${out}.rejects.jsonl`, 'utf8'));
    }
    assert.equal(outputs[0], outputs[1], 'both paths write the same');
  }
});
