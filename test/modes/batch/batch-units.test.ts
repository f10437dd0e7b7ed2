import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressReporter, parseRejectLimit, parseShard } from '../../../src/modes/batch/index.ts';
import { rejectsExceeded } from '../../../src/modes/batch/reject-limit.ts';
import { jobFingerprint } from '../../../src/modes/batch/job-fingerprint.ts';
import { TetraError } from '../../../src/core/index.ts';

test('--max-rejects: a row count or a percentage; anything else names the accepted forms', () => {
  assert.deepEqual(parseRejectLimit('100'), { count: 100 });
  assert.deepEqual(parseRejectLimit(' 0.5% '), { percent: 0.5 });
  for (const bad of ['-1', '1.5', 'abc', '101%', '5 %']) {
    assert.throws(() => parseRejectLimit(bad), (e: unknown) => TetraError.is(e) && e.code === 'CONFIG_INVALID' && /row count .* or a percentage/.test(e.message), bad);
  }
  assert.equal(rejectsExceeded({ count: 2 }, 2, 10), false);
  assert.equal(rejectsExceeded({ count: 2 }, 3, 10), true);
  // A percentage is judged against the known total while reading, else against the rows so far.
  assert.equal(rejectsExceeded({ percent: 1 }, 5, 100, 1000), false);
  assert.equal(rejectsExceeded({ percent: 1 }, 11, 100, 1000), true);
  assert.equal(rejectsExceeded({ percent: 1 }, 2, 100), true);
  assert.equal(rejectsExceeded(undefined, 1e9, 1), false);
});

test('--shard i/N', () => {
  assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
  for (const bad of ['4/4', '1/0', 'a/b', '1', '-1/2']) assert.throws(() => parseShard(bad), /0 <= i < N/, bad);
});

test('a job fingerprint ignores key order and absent options, and changes with any option', () => {
  const a = jobFingerprint({ model: 'm', version: '1', keep: ['id'], shard: undefined });
  assert.equal(a, jobFingerprint({ keep: ['id'], version: '1', model: 'm' }));
  assert.notEqual(a, jobFingerprint({ model: 'm', version: '2', keep: ['id'] }));
  assert.notEqual(a, jobFingerprint({ model: 'm', version: '1', keep: ['id', 'card'] }));
});

const progress = (over: Partial<Parameters<ProgressReporter['update']>[0]> = {}) => ({ rowsIn: 500, rowsOut: 490, rejected: 10, rowsThisRun: 500, seconds: 2, ...over });

test('progress: a bar redrawn in place on a terminal, with percent and ETA when the size is known', () => {
  const out: string[] = [];
  let now = 1000;
  const reporter = new ProgressReporter({ write: (t) => out.push(t), isTTY: true }, undefined, 10_000, () => now);
  reporter.update(progress({ totalRows: 1000 }));
  now += 50;
  reporter.update(progress({ rowsIn: 600, totalRows: 1000 }));
  assert.equal(out.length, 1, 'redrawn at most every 200 ms');
  assert.match(out[0] as string, /^\r\[#{12}\.{12}\] 500 rows, 250 rows\/s, 10 rejected, 50\.0%, ETA 2s/);
  reporter.done();
  assert.equal(out.at(-1), '\n');
});

test('progress: plain lines at an interval when not a terminal; nothing with none', () => {
  const out: string[] = [];
  let now = 0;
  const reporter = new ProgressReporter({ write: (t) => out.push(t) }, undefined, 10_000, () => now);
  reporter.update(progress());
  now = 10_001;
  reporter.update(progress({ bytesRead: 10, totalBytes: 40 }));
  assert.deepEqual(out, ['tetra batch: 500 rows, 250 rows/s, 10 rejected, 25.0%, ETA 6s\n']);
  const none: string[] = [];
  new ProgressReporter({ write: (t) => none.push(t), isTTY: true }, 'none').update(progress());
  assert.deepEqual(none, []);
});

test('progress: a warning gets a line of its own in every style; a bar it cut into is drawn again below it', () => {
  const out: string[] = [];
  let now = 1000;
  const reporter = new ProgressReporter({ write: (t) => out.push(t), isTTY: true }, undefined, 10_000, () => now);
  reporter.update(progress());
  reporter.message('tetra batch: watch out');
  assert.deepEqual(out.slice(1), ['\n', 'tetra batch: watch out\n'], 'the bar line ends before the warning');
  now += 10;
  reporter.update(progress({ rowsIn: 600 }));
  assert.match(out.at(-1) as string, /^\r\[.*600 rows/, 'redrawn at once, not 200 ms later');
  const none: string[] = [];
  new ProgressReporter({ write: (t) => none.push(t) }, 'none').message('tetra batch: watch out');
  assert.deepEqual(none, ['tetra batch: watch out\n']);
});
