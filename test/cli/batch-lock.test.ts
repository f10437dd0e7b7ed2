import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lockPathFor } from '../../src/adapters/io/job-files.ts';
import { OutputLock } from '../../src/adapters/io/output-lock.ts';
import { runBatch } from '../../src/cli/commands/batch.ts';
import { TetraError } from '../../src/core/index.ts';
import { jsModel, writeRepo } from '../helpers/js-model-repo.ts';
import { tempDir } from '../helpers/temp-dir.ts';

function job() {
  const repo = writeRepo({ m: { versions: { 1: jsModel('x * 2') } } });
  const dir = tempDir();
  const input = join(dir, 'x.csv');
  writeFileSync(input, `x\n${Array.from({ length: 20 }, (_, i) => i).join('\n')}\n`);
  return { repo, input, output: join(dir, 'out.csv') };
}

test('a batch run whose model fails to load leaves its output unlocked: the next run in the same process (tetra schedule) writes it', async () => {
  const { repo, input, output } = job();
  await assert.rejects(runBatch({ model: 'missing', repo, input, output, progress: 'none' }), (e: unknown) => TetraError.is(e) && /missing/.test(e.message));
  assert.equal(existsSync(lockPathFor(output)), false, 'no lock file left');
  const summary = await runBatch({ model: 'm', repo, input, output, progress: 'none' });
  assert.equal(summary.status, 'succeeded', JSON.stringify(summary.error));
  assert.equal(readFileSync(output, 'utf8').trim().split('\n').length, 21);
});

test('a batch run refused by another job\'s lock fails with JOB_LOCKED, without loading its model, and leaves that lock alone', async () => {
  const { input, output } = job();
  // Loading this model leaves a mark.
  const marker = join(tempDir(), 'loaded');
  const model = jsModel('x * 2');
  const repo = writeRepo({ m: { versions: { 1: { file: model.file, content: `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'x');\n${model.content}` } } } });
  const other = await OutputLock.acquire(output);
  try {
    const summary = await runBatch({ model: 'm', repo, input, output, progress: 'none' });
    assert.equal(summary.status, 'failed');
    assert.equal(summary.error?.code, 'JOB_LOCKED');
    assert.equal(summary.model, 'm');
    assert.equal(existsSync(marker), false, 'the model was not loaded');
    assert.ok(existsSync(lockPathFor(output)), 'the other job still holds its lock');
    assert.equal(existsSync(output), false);
  } finally {
    await other.release();
  }
  // The mark is what loading leaves: once the lock is free, the same run loads the model.
  assert.equal((await runBatch({ model: 'm', repo, input, output, progress: 'none' })).status, 'succeeded');
  assert.equal(existsSync(marker), true);
});

test('a job handed its lock\'s answer does not ask the writer again (a refused lock is not waited for twice)', async () => {
  const { runBatchJob } = await import('../../src/modes/batch/index.ts');
  let asked = 0;
  const closed: string[] = [];
  const writer = { name: 'out.csv', resumable: true, lock: async () => void asked++, close: async () => void closed.push('writer') };
  const refused = Promise.reject(new TetraError('JOB_LOCKED', 'out.csv: another job is writing this output'));
  refused.catch(() => undefined);
  const summary = await runBatchJob({
    service: {} as never, model: 'm', reader: { name: 'in.csv', close: async () => void closed.push('reader') } as never,
    writer: writer as never, lock: refused, rejects: { name: 'out.csv.rejects.jsonl', close: async () => void closed.push('rejects') } as never, chunkRows: 10,
  });
  assert.equal(summary.status, 'failed');
  assert.equal(summary.error?.code, 'JOB_LOCKED');
  assert.equal(asked, 0);
  assert.deepEqual(closed.sort(), ['reader', 'rejects', 'writer']);
});

test('a Parquet input whose footer cannot be read fails the job with INPUT_UNREADABLE in its summary, with or without threads asked for', async () => {
  const { repo, output } = job();
  const input = join(tempDir(), 'broken.parquet');
  writeFileSync(input, 'x\n1\n2\n');
  for (const workers of [undefined, 2]) {
    const summary = await runBatch({ model: 'm', repo, input, output, progress: 'none', force: true, ...(workers === undefined ? {} : { workers }) });
    assert.equal(summary.status, 'failed', `workers ${workers}`);
    assert.equal(summary.error?.code, 'INPUT_UNREADABLE', `workers ${workers}`);
    assert.match(summary.error?.message ?? '', /broken\.parquet/);
    assert.equal(existsSync(lockPathFor(output)), false, 'no lock file left');
  }
});
