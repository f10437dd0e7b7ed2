import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, PROJECT_ROOT } from '../helpers/fixtures.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const REPO = join(PROJECT_ROOT, 'examples', 'fraud', 'models');
const SAMPLE = join(PROJECT_ROOT, 'examples', 'fraud', 'data', 'sample.csv');
const expected = JSON.parse(readFileSync(join(PROJECT_ROOT, 'examples', 'fraud', 'data', 'sample.expected.json'), 'utf8')) as Record<string, number[]>;

test('predict prints one JSON line per CSV row, in input order', async () => {
  const { code, stdout, stderr } = await runCli(['predict', 'fraud-xgb', '--repo', REPO, '--input', SAMPLE, '--batch-size', '64']);
  assert.equal(code, 0, stderr);
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { fraud_probability: number; label: string });
  assert.equal(lines.length, 500);
  lines.forEach((l, i) => assert.ok(Math.abs(l.fraud_probability - (expected['fraud-xgb']?.[i] as number)) < 1e-6, `row ${i + 1}`));
});

test('predict reads JSON Lines from stdin, columns in any order, extra fields ignored', async () => {
  const [header, first] = readFileSync(SAMPLE, 'utf8').split('\n') as [string, string];
  const names = header.split(',');
  const cells = first.split(',');
  const record = Object.fromEntries(names.map((n, i) => [n, cells[i]]).reverse());
  const { code, stdout, stderr } = await runCli(['predict', 'fraud-logreg', '--repo', REPO], { stdin: `${JSON.stringify(record)}\n\n${JSON.stringify({ ...record, extra: 1 })}\n` });
  assert.equal(code, 0, stderr);
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { fraud_probability: number });
  assert.equal(lines.length, 2);
  assert.ok(Math.abs((lines[0]?.fraud_probability as number) - (expected['fraud-logreg']?.[0] as number)) < 1e-6);
});

test('a bare model file: runtime inferred, features from the file, class probabilities printed', async () => {
  const model = fixture('lgb-boosters-egordm/multiclass/model.txt');
  const input = JSON.parse(readFileSync(fixture('lgb-boosters-egordm/multiclass/input.json'), 'utf8')) as { data: number[][] };
  const want = JSON.parse(readFileSync(fixture('lgb-boosters-egordm/multiclass/expected.json'), 'utf8')) as { proba: number[][] };
  const csv = [input.data[0]?.map((_, i) => `Column_${i}`).join(','), ...input.data.slice(0, 3).map((r) => r.join(','))].join('\n');
  const { code, stdout, stderr } = await runCli(['predict', model], { stdin: csv });
  assert.equal(code, 0, stderr);
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { probabilities: Record<string, number>; label: number });
  assert.equal(lines.length, 3);
  lines.forEach((line, r) => {
    assert.deepEqual(Object.keys(line.probabilities), ['0', '1', '2']);
    Object.values(line.probabilities).forEach((p, k) => assert.ok(Math.abs(p - (want.proba[r]?.[k] as number)) < 1e-12));
  });
});

test('a model without feature names takes CSV columns by position', async () => {
  const model = fixture('onnx-tract-ml/xgboost_classifier_tree/model.onnx');
  const io = JSON.parse(readFileSync(fixture('onnx-tract-ml/xgboost_classifier_tree/io.json'), 'utf8')) as { input: { data: number[] }; probabilities: { data: number[] } };
  const csv = `${io.input.data.map((_, i) => `c${i}`).join(',')}\n${io.input.data.join(',')}\n`;
  const { code, stdout, stderr } = await runCli(['predict', model], { stdin: csv });
  assert.equal(code, 0, stderr);
  const line = JSON.parse(stdout) as { probabilities: Record<string, number> };
  Object.values(line.probabilities).forEach((p, k) => assert.ok(Math.abs(p - (io.probabilities.data[k] as number)) < 1e-6));
});

test('models list and inspect describe the repository', async () => {
  const list = await runCli(['models', 'list', '--repo', REPO]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /fraud-xgb\s+xgboost\s+versions 1/);
  assert.match(list.stdout, /fraud-logreg\s+onnx/);
  const inspect = await runCli(['models', 'inspect', 'fraud-xgb', '--repo', REPO, '--json']);
  assert.equal(inspect.code, 0, inspect.stderr);
  const meta = JSON.parse(inspect.stdout) as { task: string; features: { name: string; type: string; levels?: string[] }[]; inputs: { shape: number[] }[] };
  assert.equal(meta.task, 'binary');
  assert.deepEqual(meta.inputs[0]?.shape, [-1, 12]);
  assert.equal(meta.features[1]?.name, 'mcc');
  assert.equal(meta.features[1]?.levels?.length, 12);
});

test('errors are one readable line with a non-zero exit code', async () => {
  const dir = tempDir();
  const cases: [string[], string | undefined, RegExp][] = [
    [['predict', 'fraud-xgb', '--repo', REPO], 'amount,mcc\n12,5411\n', /stdin: no column for required features "hour", "is_foreign".* \[INPUT_MISSING_FEATURE\]/],
    [['predict', 'fraud-xgb', '--repo', REPO], readFileSync(SAMPLE, 'utf8').split('\n').slice(0, 3).join('\n').replace(/,19,false,/, ',7.5,false,'), /stdin line 2: feature "hour" must be an integer, got "7.5" \[INPUT_WRONG_TYPE\]/],
    [['predict', 'fraud-xgb', '--repo', REPO], '{"amount": 1}\n\n{"amount": 2}\n', /stdin line 1: required feature "mcc" is missing/],
    [['predict', 'fraud-xgb', '--repo', REPO], '{"amount": 1\n', /stdin line 1: not valid JSON/],
    [['predict', 'nope', '--repo', REPO], '', /no model named "nope" \(models: fraud-logreg, fraud-review, fraud-xgb\) \[MODEL_NOT_FOUND\]/],
    [['predict', 'fraud-xgb', '--repo', REPO, '--model-version', '9'], '', /no version "9".*\[MODEL_VERSION_NOT_FOUND\]/],
    [['predict', 'fraud-xgb', '--repo', REPO, '--input', SAMPLE.replace('sample.csv', 'nothing.csv')], '', /nothing\.csv: cannot be read \(ENOENT\)/],
    [['predict', join(dir, 'missing.onnx')], '', /no such model file \[MODEL_FILE_UNREADABLE\]/],
  ];
  writeFileSync(join(dir, 'broken.json'), '{"learner": {"gradient_booster": ');
  cases.push([['predict', join(dir, 'broken.json')], '', /broken\.json.*\[MODEL_FILE_CORRUPT\]/]);
  for (const [args, stdin, pattern] of cases) {
    const { code, stderr } = await runCli(args, { stdin });
    assert.equal(code, 1, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, pattern);
    assert.equal(stderr.trim().split('\n').length, 1, `one line: ${stderr}`);
    assert.doesNotMatch(stderr, /\n\s+at /);
  }
  const usage = await runCli(['predict']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /predict needs a model/);
});

test('--keep-going prints an error line in place of each bad row and exits non-zero', async () => {
  const lines = readFileSync(SAMPLE, 'utf8').trim().split('\n').slice(0, 5);
  lines[2] = (lines[2] as string).replace(/,(\d+),(true|false),/, ',late,$2,');
  const { code, stdout, stderr } = await runCli(['predict', 'fraud-xgb', '--repo', REPO, '--keep-going'], { stdin: lines.join('\n') });
  assert.equal(code, 1);
  const out = stdout.trim().split('\n').map((l) => JSON.parse(l) as { fraud_probability?: number; error?: { code: string; line: number; field: string } });
  assert.equal(out.length, 4);
  assert.equal(out[1]?.error?.code, 'INPUT_WRONG_TYPE');
  assert.equal(out[1]?.error?.line, 3);
  assert.equal(out[1]?.error?.field, 'hour');
  assert.ok(Math.abs((out[2]?.fraud_probability as number) - (expected['fraud-xgb']?.[2] as number)) < 1e-6);
  assert.match(stderr, /1 of 4 rows of stdin could not be scored/);
});

test('a JSON array file, a model folder path and an older version can be scored', async () => {
  const dir = tempDir();
  const header = readFileSync(SAMPLE, 'utf8').split('\n')[0]?.split(',') as string[];
  const cells = readFileSync(SAMPLE, 'utf8').split('\n')[1]?.split(',') as string[];
  writeFileSync(join(dir, 'rows.json'), JSON.stringify([Object.fromEntries(header.map((h, i) => [h, cells[i]]))]));
  const { code, stdout, stderr } = await runCli(['predict', join(REPO, 'fraud-xgb'), '--input', join(dir, 'rows.json'), '--model-version', '1']);
  assert.equal(code, 0, stderr);
  assert.ok(Math.abs((JSON.parse(stdout) as { fraud_probability: number }).fraud_probability - (expected['fraud-xgb']?.[0] as number)) < 1e-6);
});

test('a column missing for an optional feature is warned about once', async () => {
  const lines = readFileSync(SAMPLE, 'utf8').trim().split('\n').slice(0, 3).map((l) => l.split(',').filter((_, i) => i !== 10).join(','));
  const { code, stdout, stderr } = await runCli(['predict', 'fraud-xgb', '--repo', REPO], { stdin: lines.join('\n') });
  assert.equal(code, 0, stderr);
  assert.equal(stdout.trim().split('\n').length, 2);
  assert.equal(stderr.match(/warning: stdin has no column "distance_from_home_km"/g)?.length, 1);
});

test('--version prints the version of Tetra', async () => {
  const { code, stdout } = await runCli(['--version']);
  assert.equal(code, 0);
  assert.match(stdout, /^tetra \d+\.\d+\.\d+/);
});
