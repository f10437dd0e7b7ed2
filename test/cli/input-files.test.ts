import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inputFiles } from '../../src/cli/input-files.ts';
import { tempDir } from '../helpers/temp-dir.ts';

test('a folder input leaves out other jobs\' outputs and rejects, told by their manifest or, before the first commit, their lock', async () => {
  const dir = join(tempDir(), 'data');
  mkdirSync(dir);
  for (const name of ['a.csv', 'b.jsonl', 'done.csv', 'done.csv.rejects.jsonl', 'done.csv.tetra-job.json', 'running.csv.rejects.jsonl', '.running.csv.lock', 'forced.csv', '.forced.csv.lock', 'other.rejects.jsonl']) {
    writeFileSync(join(dir, name), '');
  }
  // `other.rejects.jsonl` belongs to no job here (no manifest or lock for `other`): it is data like any other file.
  const skipped: (readonly string[])[] = [];
  assert.deepEqual(await inputFiles(dir, {}, (paths) => skipped.push(paths)), ['a.csv', 'b.jsonl', 'other.rejects.jsonl'].map((n) => join(dir, n)));
  assert.deepEqual(await inputFiles(join(dir, '*.csv'), {}, (paths) => skipped.push(paths)), [join(dir, 'a.csv')]);
  // Each listing names what it left out, so the user can tell why a file was not read.
  assert.deepEqual(skipped, [
    ['done.csv', 'done.csv.rejects.jsonl', 'forced.csv', 'running.csv.rejects.jsonl'].map((n) => join(dir, n)),
    ['done.csv', 'forced.csv'].map((n) => join(dir, n)),
  ]);
});

test('the rejects file of a job that failed before its first commit is told by the job\'s summary', async () => {
  const dir = join(tempDir(), 'data');
  mkdirSync(dir);
  for (const name of ['a.csv', 'out.csv.rejects.jsonl', 'out.csv.summary.json']) writeFileSync(join(dir, name), '');
  assert.deepEqual(await inputFiles(dir), [join(dir, 'a.csv')]);
});
