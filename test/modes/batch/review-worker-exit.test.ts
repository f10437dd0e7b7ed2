import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../helpers/fixtures.ts';
import { threadAwareModel, writeRepo } from '../../helpers/js-model-repo.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

/** Runs `tetra`, killing it after `timeoutMs` (code null) so a hang fails the test instead of stalling it. */
function runWithin(args: readonly string[], timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'cli', 'bin.ts'), ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

for (const threads of [['--workers', '1'], ['--model-threads', '1']]) test(`a worker thread that exits on its own (even with code 0) fails the job instead of leaving it waiting (${threads.join(' ')})`, async () => {
  const dir = tempDir();
  // Here, the first run waits until a thread has loaded the model: a thread that runs only the model then takes runs before the input is done.
  const repo = writeRepo({ quits: { versions: { '1': threadAwareModel(join(dir, 'thread-loaded'), { here: 'await waitForThread();', onThread: 'process.exit(0);' }) } } });
  const input = join(dir, 'in.csv');
  writeFileSync(input, 'x\n' + Array.from({ length: 200 }, (_, i) => String(i)).join('\n') + '\n');
  const r = await runWithin(['batch', '--repo', repo, '--model', 'quits', '--input', input, '--output', join(dir, 'out.csv'), ...threads, '--chunk-rows', '10', '--progress', 'none'], 30_000);
  assert.equal(r.code, 1, `the job ends, failed (code null: killed after hanging): ${r.stderr}`);
  assert.match(r.stderr, /worker thread stopped/);
});

test('a job that fails while its model threads hold runs ends, with its error, instead of waiting for them', async () => {
  const dir = tempDir();
  // On the thread, slow, so it holds runs when the job fails; here, waiting for the thread to load the model, so that runs do go to it.
  const repo = writeRepo({
    slow: { versions: { '1': threadAwareModel(join(dir, 'thread-loaded'), { here: 'await waitForThread();', onThread: 'await new Promise((resolve) => setTimeout(resolve, 100));' }) } },
  });
  const input = join(dir, 'in.csv');
  writeFileSync(input, 'x\n' + Array.from({ length: 2000 }, (_, i) => (i === 300 ? 'oops' : String(i))).join('\n') + '\n');
  const r = await runWithin(['batch', '--repo', repo, '--model', 'slow', '--input', input, '--output', join(dir, 'out.csv'), '--model-threads', '1', '--max-rejects', '0', '--chunk-rows', '10', '--commit-rows', '10', '--progress', 'none'], 30_000);
  assert.equal(r.code, 1, `the job ends, failed (code null: killed after hanging): ${r.stderr}`);
  assert.match(r.stderr, /JOB_TOO_MANY_REJECTS/);
  assert.match(r.stderr, /the model also on 1 thread/, 'runs did go to the thread');
});
