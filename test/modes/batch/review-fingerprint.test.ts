import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFraudCsv } from '../../helpers/fraud-dataset.ts';
import { FRAUD_REPO } from '../../helpers/fraud-sample.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

/** Stops a job after it committed its first two chunks: the reject limit trips on row 150. */
async function stopMidway(args: readonly string[]): Promise<void> {
  const stopped = await runCli([...args, '--max-rejects', '0']);
  assert.equal(stopped.code, 1, stopped.stderr);
  assert.match(stopped.stderr, /1 of 200 input rows were rejected/);
}

test('a resume refuses an input file whose content changed since the interrupted run', async () => {
  const dir = tempDir();
  const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 1_000, badEvery: 150 });
  const out = join(dir, 'out.csv');
  const args = ['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--input', input, '--output', out, '--keep-columns', 'transaction_id', '--chunk-rows', '100', '--commit-rows', '100', '--progress', 'none', '--workers', '0'];
  await stopMidway(args);
  // Tomorrow's extract at the same path: other rows.
  writeFraudCsv(input, { rows: 900 });
  const rerun = await runCli(args);
  assert.equal(rerun.code, 1, `a resume would splice two inputs' rows: ${rerun.stderr}`);
  assert.match(rerun.stderr, /JOB_MISMATCH/);
});

/** Stops a job midway on a copy of the fraud models, changes `file` of fraud-xgb with `change`, and expects the rerun to refuse. */
async function refusesChangedModel(file: string, change: (text: string) => string, splice: string): Promise<void> {
  const dir = tempDir();
  const repo = join(dir, 'models');
  cpSync(FRAUD_REPO, repo, { recursive: true });
  const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 1_000, badEvery: 150 });
  const out = join(dir, 'out.csv');
  const args = ['batch', '--repo', repo, '--model', 'fraud-xgb', '--input', input, '--output', out, '--chunk-rows', '100', '--commit-rows', '100', '--progress', 'none', '--workers', '0'];
  await stopMidway(args);
  const path = join(repo, 'fraud-xgb', file);
  const before = readFileSync(path, 'utf8');
  const after = change(before);
  assert.notEqual(after, before, `the change reaches ${file}`);
  writeFileSync(path, after);
  const rerun = await runCli(args);
  assert.equal(rerun.code, 1, `a resume would splice ${splice}: ${rerun.stderr}`);
  assert.match(rerun.stderr, /JOB_MISMATCH/);
}

test('a resume refuses a model file whose content changed since the interrupted run', async () => {
  // The model retrained in place: same path, same version folder, other predictions.
  await refusesChangedModel(join('1', 'model.json'), (text) => text.replace('"base_score":"1.27E-2"', '"base_score":"5E-1"'), "two models' predictions");
});

test('a resume refuses a model.yaml that changed (threshold, labels) since the interrupted run', async () => {
  await refusesChangedModel('model.yaml', (text) => text.replace('threshold: 0.33', 'threshold: 0.9'), "two thresholds' labels");
});

test('an unchanged input and model still resume', async () => {
  const dir = tempDir();
  const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 1_000, badEvery: 150 });
  const out = join(dir, 'out.csv');
  const args = ['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--input', input, '--output', out, '--chunk-rows', '100', '--commit-rows', '100', '--progress', 'none', '--workers', '0'];
  await stopMidway(args);
  const rerun = await runCli(args);
  assert.equal(rerun.code, 3, rerun.stderr);
  assert.match(rerun.stderr, /resumed at row 201/);
});

test('a resume with another rejects file refuses instead of cutting that file to the committed length', async () => {
  const dir = tempDir();
  const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 1_000, badEvery: 150 });
  const out = join(dir, 'out.csv');
  const args = (rejects: string): string[] => ['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--input', input, '--output', out, '--rejects', rejects, '--chunk-rows', '100', '--commit-rows', '100', '--progress', 'none', '--workers', '0'];
  await stopMidway(args(join(dir, 'first.rejects.jsonl')));
  const other = join(dir, 'notes.jsonl');
  const notes = '{"kept":"by someone else"}\n'.repeat(100);
  writeFileSync(other, notes);
  const rerun = await runCli(args(other));
  assert.equal(rerun.code, 1, rerun.stderr);
  assert.match(rerun.stderr, /JOB_MISMATCH/);
  assert.equal(readFileSync(other, 'utf8'), notes, 'the other file is untouched');
});
