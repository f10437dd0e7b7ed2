import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FRAUD_REPO } from '../../helpers/fraud-sample.ts';
import { PROJECT_ROOT } from '../../helpers/fixtures.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { threadAwareModel, writeRepo } from '../../helpers/js-model-repo.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const SAMPLE = join(PROJECT_ROOT, 'examples', 'fraud', 'data', 'sample.csv');

/** `tetra schedule` in a child process, its output collected as it comes. */
function startSchedule(config: string, ...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'cli', 'bin.ts'), 'schedule', '--config', config, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out.stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out.stderr += d));
  return { child, out, exited: new Promise<number | null>((resolve) => child.on('exit', resolve)) };
}

test('tetra batch <job> runs a job declared in tetra.yaml, {date} filled in', async () => {
  const dir = tempDir();
  const config = join(dir, 'tetra.yaml');
  writeFileSync(config, [
    `repository: ${FRAUD_REPO}`,
    'jobs:',
    '  nightly-scores:',
    '    model: fraud-xgb',
    `    input: ${SAMPLE}`,
    `    output: ${dir}/scores-{date}.jsonl`,
    '    keep_columns: [transaction_id]',
    '    max_rejects: "1%"',
  ].join('\n'));
  const { code, stderr } = await runCli(['batch', 'nightly-scores', '--config', config, '--progress', 'none']);
  assert.equal(code, 0, stderr);
  const today = new Date().toISOString().slice(0, 10);
  const rows = readFileSync(join(dir, `scores-${today}.jsonl`), 'utf8').trim().split('\n');
  assert.equal(rows.length, 500);
  assert.match(stderr, /succeeded \(job nightly-scores\)/);
  // The command line's thread flags apply to a declared job too (here, both at once: refused as for any job).
  const both = await runCli(['batch', 'nightly-scores', '--config', config, '--workers', '1', '--model-threads', '1']);
  assert.equal(both.code, 2, both.stderr);
  assert.match(both.stderr, /not both/);
  const unknown = await runCli(['batch', 'weekly', '--config', config]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no batch job "weekly" in tetra.yaml \(jobs: nightly-scores\)/);
});

test('a declared job sets its threads (workers or model_threads, not both); a thread flag on the command line replaces them', async () => {
  const dir = tempDir();
  // Its main thread waits for the model thread to be ready (see threadAwareModel), so the thread does run the model.
  const repo = writeRepo({ m: { versions: { 1: threadAwareModel(join(dir, 'thread-loaded'), { here: 'await waitForThread();' }) } } });
  const input = join(dir, 'x.csv');
  writeFileSync(input, `x\n${Array.from({ length: 400 }, (_, i) => i).join('\n')}\n`);
  const config = join(dir, 'tetra.yaml');
  // Declares the job afresh, and clears the thread's mark of the run before.
  const declare = (threads: string): void => {
    rmSync(join(dir, 'thread-loaded'), { force: true });
    writeFileSync(config, [
      `repository: ${repo}`, 'jobs:', '  scores:', '    model: m', `    input: ${input}`, `    output: ${dir}/out.csv`, '    chunk_rows: 10', '    force: true', threads,
    ].join('\n'));
  };
  const summary = (): Record<string, unknown> => JSON.parse(readFileSync(join(dir, 'out.csv.summary.json'), 'utf8')) as Record<string, unknown>;

  declare('    model_threads: 1');
  const declared = await runCli(['batch', 'scores', '--config', config, '--progress', 'none']);
  assert.equal(declared.code, 0, declared.stderr);
  assert.deepEqual([summary().workers, summary().modelThreads], [0, 1]);
  // Were the job's workers kept beside the flag, they would win: the flag replaces them.
  declare('    workers: 1');
  const flagged = await runCli(['batch', 'scores', '--config', config, '--progress', 'none', '--model-threads', '1']);
  assert.equal(flagged.code, 0, flagged.stderr);
  assert.deepEqual([summary().workers, summary().modelThreads], [0, 1]);

  declare('    workers: 1\n    model_threads: 1');
  const both = await runCli(['batch', 'scores', '--config', config]);
  assert.equal(both.code, 1);
  assert.match(both.stderr, /jobs\.scores\.model_threads.*not both/);
});

test('tetra schedule fires jobs on their schedule, keeps going after a failed run, and reports runs in metrics', async () => {
  const dir = tempDir();
  const config = join(dir, 'tetra.yaml');
  writeFileSync(config, [
    `repository: ${FRAUD_REPO}`,
    'logging: { level: info }',
    `schedule: { journal: ${dir}/journal.json }`,
    'jobs:',
    '  every-second:',
    '    model: fraud-xgb',
    `    input: ${SAMPLE}`,
    `    output: ${dir}/out/scores-{datetime}.csv`,
    '    schedule: "* * * * * *"',
    '  broken:',
    '    model: fraud-xgb',
    `    input: ${dir}/missing.csv`,
    `    output: ${dir}/never.csv`,
    '    schedule: "*/1 * * * * *"',
    '  on-demand:',
    '    model: fraud-xgb',
    `    input: ${SAMPLE}`,
    `    output: ${dir}/on-demand.csv`,
  ].join('\n'));
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'out'));
  const { child, out, exited } = startSchedule(config, '--port', '0', '--host', '127.0.0.1');
  try {
    await waitFor('two scheduled outputs', () => readdirSync(join(dir, 'out')).filter((f) => /^scores-.*\.csv$/.test(f)).length >= 2, 30_000);
    await waitFor('two failed runs of the broken job logged', () => (out.stdout.match(/"job":"broken".*failed/g) ?? []).length >= 2, 10_000);
    const port = Number(/metrics on http:\/\/127\.0\.0\.1:(\d+)/.exec(out.stderr)?.[1]);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(metrics, /tetra_scheduled_job_runs_total\{job="every-second",outcome="ok"\} [1-9]/);
    // Two or more (a slow machine fires the broken job ten times or more while the other job runs).
    assert.match(metrics, /tetra_scheduled_job_runs_total\{job="broken",outcome="failed"\} ([2-9]|[1-9]\d+)\n/);
    assert.doesNotMatch(metrics, /job="on-demand"/);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, out.stderr);
  const outputs = readdirSync(join(dir, 'out')).filter((f) => /^scores-\d{4}-\d\d-\d\dT\d{6}\.csv$/.test(f));
  for (const file of outputs) assert.equal(readFileSync(join(dir, 'out', file), 'utf8').trim().split('\n').length, 501, file);
});

test('tetra schedule killed (kill -9) in the middle of a run resumes it at its next start, for the same fire time, and the output equals an uninterrupted run', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const [header, ...rows] = readFileSync(SAMPLE, 'utf8').trim().split('\n');
  const input = join(dir, 'transactions.csv');
  writeFileSync(input, [header, ...Array.from({ length: 600 }, () => rows).flat()].join('\n') + '\n');
  const journal = join(dir, 'journal.json');
  const config = join(dir, 'tetra.yaml');
  writeFileSync(config, [
    `repository: ${FRAUD_REPO}`,
    `schedule: { journal: ${journal} }`,
    'jobs:',
    '  every-second:',
    '    model: fraud-xgb',
    `    input: ${input}`,
    `    output: ${dir}/scores-{datetime}.csv`,
    '    keep_columns: [transaction_id]',
    '    chunk_rows: 1024',
    '    commit_rows: 2048',
    '    schedule: "* * * * * *"',
  ].join('\n'));
  const manifest = (): { rowsIn: number; finished: boolean } | undefined => {
    const file = readdirSync(dir).find((f) => f.endsWith('.csv.tetra-job.json'));
    try {
      return file ? (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { rowsIn: number; finished: boolean }) : undefined;
    } catch {
      return undefined; // Being replaced this very moment.
    }
  };

  const first = startSchedule(config);
  let firedFor: string;
  try {
    await waitFor('the first run to commit some rows', () => (manifest()?.rowsIn ?? 0) >= 4096, 60_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const state = manifest();
    assert.ok(state && !state.finished && state.rowsIn < 300_000, `killed in the middle of the run (${JSON.stringify(state)})`);
    const listed = (JSON.parse(readFileSync(journal, 'utf8')) as { running: { job: string; scheduledAt: string }[] }).running;
    assert.equal(listed.length, 1);
    firedFor = (listed[0] as { scheduledAt: string }).scheduledAt;
  } finally {
    first.child.kill('SIGKILL');
  }

  const output = join(dir, `scores-${firedFor.slice(0, 10)}T${firedFor.slice(11, 19).replaceAll(':', '')}.csv`);
  const second = startSchedule(config);
  try {
    await waitFor('the resumed run to finish', () => readdirSync(dir).includes(`${output.split('/').pop()}.summary.json`), 60_000);
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
  assert.match(second.out.stdout, new RegExp(`resuming the run of ${firedFor.replaceAll('.', '\\.')}`));
  const summary = JSON.parse(readFileSync(`${output}.summary.json`, 'utf8')) as { status: string; resumedAtRow: number; rowsIn: number };
  assert.equal(summary.status, 'succeeded');
  assert.ok(summary.resumedAtRow >= 4096, `it continued after the committed rows (resumed at ${summary.resumedAtRow})`);
  assert.equal(summary.rowsIn, 300_000);

  const reference = join(dir, 'reference.csv');
  const uninterrupted = await runCli(['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--input', input, '--output', reference, '--keep-columns', 'transaction_id', '--progress', 'none']);
  assert.equal(uninterrupted.code, 0, uninterrupted.stderr);
  assert.ok(readFileSync(output).equals(readFileSync(reference)), 'the resumed output equals an uninterrupted run');
  const after = (JSON.parse(readFileSync(journal, 'utf8')) as { running: { scheduledAt: string }[] }).running;
  assert.ok(!after.some((r) => r.scheduledAt === firedFor), 'the finished run left the journal');
});
