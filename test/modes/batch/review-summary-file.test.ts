import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../helpers/fixtures.ts';
import { FRAUD_REPO } from '../../helpers/fraud-sample.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

test('an output in a folder that does not exist fails with exit code 1 and says why, not as an internal error about the summary file', async () => {
  const out = join(tempDir(), 'no-such-folder', 'out.csv');
  const r = await runCli(['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--input', join(PROJECT_ROOT, 'examples', 'fraud', 'data', 'sample.csv'), '--output', out, '--progress', 'none', '--workers', '0']);
  assert.equal(r.code, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error/);
  assert.match(r.stderr, /tetra batch: failed/);
  assert.match(r.stderr, /no-such-folder\/.*ENOENT/);
});
