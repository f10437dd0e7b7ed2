import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_HEADER, SAMPLE_ROWS } from '../../helpers/fraud-dataset.ts';
import { FRAUD_REPO } from '../../helpers/fraud-sample.ts';
import { PROJECT_ROOT } from '../../helpers/fixtures.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

/** Runs `tetra` with `stdin` piped in; a command that exits without reading it all is not an error here. */
function runWithStdin(args: readonly string[], stdin: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'cli', 'bin.ts'), ...args], { cwd: PROJECT_ROOT, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
    child.stdin.end(stdin);
  });
}

test('--shard by row range of stdin either scores the right rows or is refused up front, naming stdin', async () => {
  const dir = tempDir();
  // More than one pipe buffer: counting the rows reads stdin to its end before the rows are read.
  const stdin = [SAMPLE_HEADER, ...Array.from({ length: 20_000 }, (_, i) => SAMPLE_ROWS[i % SAMPLE_ROWS.length] as string)].join('\n') + '\n';
  const out = join(dir, 'out.csv');
  const r = await runWithStdin(['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--input', '-', '--input-format', 'csv', '--output', out, '--shard', '0/2', '--progress', 'none'], stdin);
  if (r.code === 0) {
    assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 10_001, 'shard 0 of 2 holds the first 10,000 rows');
  } else {
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /stdin cannot be sharded by row range.*--shard-key/);
  }
});
