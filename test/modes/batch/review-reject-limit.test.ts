import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rejectsExceeded } from '../../../src/modes/batch/reject-limit.ts';
import { writeFraudCsv } from '../../helpers/fraud-dataset.ts';
import { FRAUD_REPO } from '../../helpers/fraud-sample.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

test('a percentage limit with an unknown input size is judged at the end, not against the rows read so far', async () => {
  const dir = tempDir();
  const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 1_000 });
  // The first 10 rows are bad: 10% of the first chunk, 1% of the input.
  const lines = readFileSync(input, 'utf8').split('\n');
  for (let i = 1; i <= 10; i++) {
    const cells = (lines[i] as string).split(',');
    cells[3] = 'not-a-number';
    lines[i] = cells.join(',');
  }
  writeFileSync(input, lines.join('\n'));
  const out = join(dir, 'out.csv');
  const base = ['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--input', input, '--output', out, '--chunk-rows', '100', '--progress', 'none', '--workers', '0'];
  const under = await runCli([...base, '--max-rejects', '5%']);
  assert.equal(under.code, 3, `1% rejected is under a 5% limit: ${under.stderr}`);
  const over = await runCli([...base, '--max-rejects', '0.5%', '--force']);
  assert.equal(over.code, 1, over.stderr);
  assert.match(over.stderr, /10 of 1000 input rows were rejected/);
});

test('rejectsExceeded: a percentage needs a known total while reading, the rows read at the end', () => {
  assert.equal(rejectsExceeded({ percent: 5 }, 10, 100, Number.POSITIVE_INFINITY), false);
  assert.equal(rejectsExceeded({ percent: 5 }, 10, 100, 1_000), false);
  assert.equal(rejectsExceeded({ percent: 5 }, 60, 100, 1_000), true);
  assert.equal(rejectsExceeded({ percent: 5 }, 10, 100), true);
  assert.equal(rejectsExceeded({ count: 5 }, 6, 100, Number.POSITIVE_INFINITY), true);
});
