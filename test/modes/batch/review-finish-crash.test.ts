import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFraudCsv } from '../../helpers/fraud-dataset.ts';
import { FRAUD_REPO } from '../../helpers/fraud-sample.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

// A directory where the manifest's temporary file goes makes storing the
// finished manifest fail right after the output was renamed into place:
// the same state a kill -9 between the rename and the manifest leaves.
for (const format of ['csv', 'jsonl.gz', 'parquet']) {
  test(`a ${format} job stopped between publishing its output and storing the finished manifest finishes on the rerun, same bytes`, async () => {
    const dir = tempDir();
    const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 1_200, badEvery: 1_100 });
    const args = (out: string): string[] => ['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--input', input, '--output', out, '--keep-columns', 'transaction_id', '--chunk-rows', '500', '--progress', 'none', '--workers', '0'];
    const reference = join(dir, `ref.${format}`);
    assert.equal((await runCli(args(reference))).code, 3);

    const out = join(dir, `out.${format}`);
    const blocker = `${out}.tetra-job.json.tmp`;
    // The only rejected row is in the last chunk: the limit stops the job just after committing it, unfinished.
    const first = await runCli([...args(out), '--max-rejects', '0']);
    assert.equal(first.code, 1, 'stopped by the reject limit after committing every chunk');
    mkdirSync(blocker);
    const stopped = await runCli([...args(out)]);
    assert.equal(stopped.code, 1, stopped.stderr);
    assert.ok(existsSync(out), 'the output was renamed into place before the manifest failed');
    rmSync(blocker, { recursive: true });

    const rerun = await runCli(args(out));
    assert.ok(rerun.code === 3 || rerun.code === 0, rerun.stderr);
    assert.ok(readFileSync(out).equals(readFileSync(reference)), 'output identical to the uninterrupted run');
    assert.equal(readFileSync(`${out}.rejects.jsonl`, 'utf8'), readFileSync(`${reference}.rejects.jsonl`, 'utf8'));
  });
}

// Every row rejected: the output holds only what finish writes (a CSV header, or nothing), from a committed length of 0.
for (const format of ['csv', 'jsonl.gz', 'parquet']) {
  test(`a ${format} job with no output rows, stopped between publishing and storing the finished manifest, finishes on the rerun`, async () => {
    const dir = tempDir();
    const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 300, badEvery: 1 });
    const args = (out: string): string[] => ['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--input', input, '--output', out, '--keep-columns', 'transaction_id', '--chunk-rows', '100', '--progress', 'none', '--workers', '0'];
    const reference = join(dir, `ref.${format}`);
    assert.equal((await runCli(args(reference))).code, 3);

    const out = join(dir, `out.${format}`);
    // A percentage is judged at the end: every chunk is committed, then the limit stops the job before it finishes.
    const first = await runCli([...args(out), '--max-rejects', '50%']);
    assert.equal(first.code, 1, first.stderr);
    const blocker = `${out}.tetra-job.json.tmp`;
    mkdirSync(blocker);
    assert.equal((await runCli(args(out))).code, 1);
    assert.ok(existsSync(out), 'the output was renamed into place before the manifest failed');
    rmSync(blocker, { recursive: true });

    const rerun = await runCli(args(out));
    assert.equal(rerun.code, 3, rerun.stderr);
    assert.ok(readFileSync(out).equals(readFileSync(reference)), 'output identical to the uninterrupted run');
  });
}
