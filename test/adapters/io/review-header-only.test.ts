import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDatasetReader } from '../../../src/adapters/io/text-dataset-reader.ts';
import { SAMPLE_HEADER, SAMPLE_ROWS } from '../../helpers/fraud-dataset.ts';
import { FRAUD_REPO } from '../../helpers/fraud-sample.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

test('a CSV file with a header and no rows still names its columns', async () => {
  const dir = tempDir();
  for (const text of ['a,b\n', 'a,b', '\ufeff\n\na,b\r\n\r\n']) {
    const path = join(dir, 'only-header.csv');
    writeFileSync(path, text);
    const reader = new TextDatasetReader([path], { format: 'csv' });
    assert.deepEqual((await reader.columns()).map((c) => c.name), ['a', 'b'], JSON.stringify(text));
    const rows = [];
    for await (const chunk of reader.read({ chunkRows: 10 })) rows.push(...chunk.records);
    assert.deepEqual(rows, []);
  }
});

test('a header-only CSV missing a required column fails before any output, naming the column', async () => {
  const dir = tempDir();
  const input = join(dir, 'in.csv');
  writeFileSync(input, SAMPLE_HEADER.replace(',amount,', ',amt,') + '\n');
  const out = join(dir, 'out.csv');
  const r = await runCli(['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--input', input, '--output', out, '--progress', 'none']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /no column for required feature "amount"/);
  assert.equal(existsSync(out), false);
});

test('a header-only CSV gives an output headed by the kept columns', async () => {
  const dir = tempDir();
  const input = join(dir, 'in.csv');
  writeFileSync(input, SAMPLE_HEADER + '\n');
  const out = join(dir, 'out.csv');
  const r = await runCli(['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--input', input, '--output', out, '--keep-columns', 'transaction_id', '--progress', 'none']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(readFileSync(out, 'utf8'), /^transaction_id/);
});

test('files whose first is header-only keep the columns asked for, read with threads or without', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'part-0.csv'), SAMPLE_HEADER + '\n');
  writeFileSync(join(dir, 'part-1.csv'), [SAMPLE_HEADER, ...SAMPLE_ROWS.slice(0, 50)].join('\n') + '\n');
  for (const workers of ['0', '2']) {
    const out = join(tempDir(), 'out.csv');
    const r = await runCli(['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--input', dir, '--output', out, '--keep-columns', 'transaction_id', '--progress', 'none', '--workers', workers]);
    assert.equal(r.code, 0, r.stderr);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines.length, 51);
    assert.match(lines[1] as string, /^T00000001,/);
  }
});
