import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { OutputLock } from '../../../src/adapters/io/output-lock.ts';
import { TetraError } from '../../../src/core/index.ts';
import { pgUrl, sql, testSchema } from '../../adapters/io/postgres-helpers.ts';
import { writeFraudCsv } from '../../helpers/fraud-dataset.ts';
import { FRAUD_REPO } from '../../helpers/fraud-sample.ts';
import { PROJECT_ROOT } from '../../helpers/fixtures.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { needs } from '../../helpers/services.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const skipPostgres = await needs('postgres');
const batch = (...args: string[]) => runCli(['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--progress', 'none', '--workers', '0', ...args]);

interface Started {
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly running: () => boolean;
  kill(signal: NodeJS.Signals): void;
}

/** `tetra batch` in a child process the test can stop, resume and kill. */
function startBatch(args: readonly string[]): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'cli', 'bin.ts'), 'batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--progress', 'none', '--workers', '0', ...args], { stdio: 'ignore' });
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => {
    done = true;
    resolve({ code, signal });
  }));
  return { pid: child.pid as number, exited, running: () => !done, kill: (signal) => child.kill(signal) };
}

/** Polls until `check` holds or the child ends (then the caller's assertions say what went wrong). */
async function until(check: () => boolean | Promise<boolean>, job: Started): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (job.running() && Date.now() < deadline && !(await check())) await new Promise((r) => setTimeout(r, 5));
}

const lockOf = (output: string): string => join(dirname(output), `.${basename(output)}.lock`);
/** The lock's owner, once the file is there and written (it is created empty, then filled). */
function lockOwner(output: string): { pid: number; hostname: string; startedAt: string } | undefined {
  try {
    return JSON.parse(readFileSync(lockOf(output), 'utf8')) as { pid: number; hostname: string; startedAt: string };
  } catch {
    return undefined;
  }
}
const partialOf = (output: string): string => join(dirname(output), `.${basename(output)}.partial`);
const summaryOf = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as { status: string; rowsIn: number; rowsOut: number; rejected: number; resumedAtRow: number };

/** The pid of a process that has ended: nothing runs under it any more. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
}

// 1. Folder and glob inputs never read the job's own files.

test('a folder input that holds the output does not read the output, its rejects, summary or manifest: the rerun is already done, --force writes the same', async () => {
  const dir = tempDir();
  const data = join(dir, 'data');
  mkdirSync(data);
  writeFraudCsv(join(data, 'a.csv'), { rows: 3000, badEvery: 500 });
  writeFraudCsv(join(data, 'b.csv'), { rows: 2000, badEvery: 500 });
  const out = join(data, 'scores.csv');
  const args = ['--input', data, '--output', out, '--keep-columns', 'transaction_id', '--chunk-rows', '500'];
  const first = await batch(...args);
  assert.equal(first.code, 3, first.stderr);
  assert.deepEqual([summaryOf(`${out}.summary.json`).rowsIn, summaryOf(`${out}.summary.json`).rejected], [5000, 10]);
  const firstOutput = readFileSync(out);

  const again = await batch(...args);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /already-done/, 'the output beside the inputs is not a new input file');

  const forced = await batch(...args, '--force');
  assert.equal(forced.code, 3, forced.stderr);
  const summary = summaryOf(`${out}.summary.json`);
  assert.deepEqual([summary.rowsIn, summary.rowsOut, summary.rejected], [5000, 4990, 10]);
  assert.ok(readFileSync(out).equals(firstOutput), 'the forced run scored the same two files');
});

test('a glob input skips the job\'s own files, also the hidden partial file of an interrupted run', async () => {
  const dir = tempDir();
  writeFraudCsv(join(dir, 'part-1.csv'), { rows: 1500, badEvery: 700 });
  writeFraudCsv(join(dir, 'part-2.csv'), { rows: 1500 });
  const out = join(dir, 'out.csv');
  // What a killed run leaves beside its output: a partial file and a manifest's temporary file.
  writeFileSync(partialOf(out), 'transaction_id,fraud_probability,label\nT1,0.5,fraud\n');
  writeFileSync(`${out}.tetra-job.json.tmp`, '{"format":');
  const args = ['--input', join(dir, '*'), '--output', out, '--keep-columns', 'transaction_id', '--chunk-rows', '500', '--force'];
  const first = await batch(...args);
  assert.equal(first.code, 3, first.stderr);
  assert.deepEqual([summaryOf(`${out}.summary.json`).rowsIn, summaryOf(`${out}.summary.json`).rejected], [3000, 2]);
  const firstOutput = readFileSync(out);
  const second = await batch(...args);
  assert.equal(second.code, 3, second.stderr);
  assert.equal(summaryOf(`${out}.summary.json`).rowsIn, 3000, 'the output, rejects and summary of the first run are not inputs');
  assert.ok(readFileSync(out).equals(firstOutput));
});

test('shards writing into their input folder read the same files, whichever finished first: together they equal one process\'s output', async () => {
  const dir = tempDir();
  const data = join(dir, 'data');
  mkdirSync(data);
  writeFraudCsv(join(data, 'a.csv'), { rows: 1200, badEvery: 400 });
  writeFraudCsv(join(data, 'b.csv'), { rows: 900 });
  writeFraudCsv(join(data, 'c.csv'), { rows: 700 });
  const common = ['--input', data, '--keep-columns', 'transaction_id', '--chunk-rows', '300'];
  const single = await batch(...common, '--output', join(dir, 'all.csv'));
  assert.equal(single.code, 3, single.stderr);
  const parts: string[] = [];
  for (let shard = 0; shard < 3; shard++) {
    // Each shard starts once the one before has finished: its output (a .csv), rejects and manifest sit among the inputs.
    const out = join(data, `scores-${shard}.csv`);
    const run = await batch(...common, '--output', out, '--shard', `${shard}/3`);
    assert.ok(run.code === 0 || run.code === 3, run.stderr);
    assert.equal(summaryOf(`${out}.summary.json`).rowsIn, [1200, 900, 700][shard], `shard ${shard} read its one input file`);
    if (shard > 0) assert.match(run.stderr, new RegExp(`not reading \\d+ files? other Tetra jobs wrote .*scores-${shard - 1}\\.csv`), 'the skipped files are named');
    parts.push(readFileSync(out, 'utf8'));
  }
  const rows = (text: string) => text.trim().split('\n').slice(1);
  assert.deepEqual(parts.flatMap(rows), rows(readFileSync(join(dir, 'all.csv'), 'utf8')));
});

test('an input file that is the job\'s own output fails with CONFIG_INVALID naming both, and nothing is written', async () => {
  const dir = tempDir();
  const data = join(dir, 'data');
  mkdirSync(data);
  const out = writeFraudCsv(join(data, 'scores.csv'), { rows: 200 });
  const before = readFileSync(out);
  const spelled = join(dir, 'data', '..', 'data', 'scores.csv');
  const r = await batch('--input', `${spelled}`, '--output', out);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /CONFIG_INVALID/);
  assert.ok(r.stderr.includes(spelled) && r.stderr.includes(out), r.stderr);
  assert.ok(readFileSync(out).equals(before), 'the input is untouched');
  assert.deepEqual(readdirSync(data), ['scores.csv'], 'no partial, manifest, lock, rejects or summary file');
});

// 2. --force invalidates the earlier job before it scores.

test('--force killed before its first commit leaves no finished manifest: the rerun without --force starts over and writes the whole output', async () => {
  const dir = tempDir();
  const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 100_000, badEvery: 997 });
  const out = join(dir, 'out.csv');
  const manifest = `${out}.tetra-job.json`;
  const args = ['--input', input, '--output', out, '--keep-columns', 'transaction_id', '--chunk-rows', '500', '--commit-rows', '1000000'];
  const first = await batch(...args);
  assert.equal(first.code, 3, first.stderr);
  const reference = join(dir, 'reference.csv');
  copyFileSync(out, reference);
  copyFileSync(`${out}.rejects.jsonl`, `${reference}.rejects.jsonl`);

  const forced = startBatch([...args, '--force']);
  // The partial file appears with the first scored chunk; the only commit comes after the last one.
  await until(() => existsSync(partialOf(out)), forced);
  forced.kill('SIGKILL');
  assert.equal((await forced.exited).signal, 'SIGKILL', 'killed while scoring, before its commit');
  const left = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { finished: boolean }) : undefined;
  assert.notEqual(left?.finished, true, 'the earlier job\'s finished manifest is gone once --force starts scoring');

  const rerun = await batch(...args);
  assert.equal(rerun.code, 3, rerun.stderr);
  assert.doesNotMatch(rerun.stderr, /already-done/);
  const summary = summaryOf(`${out}.summary.json`);
  assert.deepEqual([summary.status, summary.rowsIn, summary.rowsOut, summary.rejected, summary.resumedAtRow], ['partial', 100_000, 99_900, 100, 0]);
  assert.ok(readFileSync(out).equals(readFileSync(reference)), 'the whole output, as an uninterrupted run writes it');
  assert.equal(readFileSync(`${out}.rejects.jsonl`, 'utf8'), readFileSync(`${reference}.rejects.jsonl`, 'utf8'));
});

test('--force into PostgreSQL killed before its first commit: the rerun without --force starts over instead of reporting already done', { skip: skipPostgres }, async () => {
  const schema = await testSchema('force_kill');
  const dir = tempDir();
  const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 100_000, badEvery: 997 });
  const args = (table: string): string[] => [
    '--input', input, '--output', pgUrl({ table: `${schema}.${table}` }), '--keep-columns', 'transaction_id', '--chunk-rows', '500', '--commit-rows', '1000000',
    '--rejects', join(dir, `${table}.rejects.jsonl`), '--summary', join(dir, `${table}.summary.json`),
  ];
  assert.equal((await batch(...args('reference'))).code, 3);
  const first = await batch(...args('scores'));
  assert.equal(first.code, 3, first.stderr);
  const stored = async (): Promise<{ finished: boolean; rowsIn: number } | undefined> =>
    (await sql<{ manifest: { finished: boolean; rowsIn: number } }>(`SELECT manifest FROM ${schema}.tetra_batch_manifests WHERE output = $1`, [`${schema}.scores`]))[0]?.manifest;

  const forced = startBatch([...args('scores'), '--force']);
  await until(async () => (await stored())?.finished === false, forced);
  forced.kill('SIGKILL');
  assert.equal((await forced.exited).signal, 'SIGKILL', 'killed before its commit');
  assert.notEqual((await stored())?.finished, true, 'the earlier job\'s manifest no longer says finished');

  const rerun = await batch(...args('scores'));
  assert.equal(rerun.code, 3, rerun.stderr);
  assert.doesNotMatch(rerun.stderr, /already-done/);
  const summary = summaryOf(join(dir, 'scores.summary.json'));
  assert.deepEqual([summary.status, summary.rowsIn, summary.rowsOut, summary.resumedAtRow], ['partial', 100_000, 99_900, 0]);
  const dump = async (table: string): Promise<string> => JSON.stringify(await sql(`SELECT * FROM ${schema}.${table} ORDER BY transaction_id`));
  assert.equal(await dump('scores'), await dump('reference'));
  assert.equal(readFileSync(join(dir, 'scores.rejects.jsonl'), 'utf8'), readFileSync(join(dir, 'reference.rejects.jsonl'), 'utf8'));
});

// 3. One job at a time per file output.

test('a second job at an output a running job holds fails at once with JOB_LOCKED, and the first job\'s output comes out intact', async () => {
  const dir = tempDir();
  const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 100_000, badEvery: 997 });
  const args = (out: string): string[] => ['--input', input, '--output', out, '--keep-columns', 'transaction_id', '--chunk-rows', '500', '--commit-rows', '5000'];
  const reference = join(dir, 'reference.csv');
  assert.equal((await batch(...args(reference))).code, 3);

  const out = join(dir, 'out.csv');
  const lock = lockOf(out);
  const running = startBatch(args(out));
  await until(() => lockOwner(out) !== undefined, running);
  // Stopped, it stays alive and keeps its lock while the second job tries.
  running.kill('SIGSTOP');
  try {
    const owner = lockOwner(out);
    assert.ok(owner, 'the running job holds a lock file beside its output');
    assert.deepEqual([owner.pid, owner.hostname], [running.pid, hostname()]);
    assert.ok(!Number.isNaN(Date.parse(owner.startedAt)), owner.startedAt);

    const second = await batch(...args(out), '--force');
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, /JOB_LOCKED/);
    assert.ok(second.stderr.includes(out) && second.stderr.includes(String(running.pid)) && second.stderr.includes(owner.startedAt), second.stderr);
    assert.equal(readFileSync(lock, 'utf8'), JSON.stringify(owner) + '\n', 'the refused job leaves the lock as it found it');
    assert.equal(existsSync(`${out}.summary.json`), false, 'the refused job writes no summary over the running job\'s');
  } finally {
    running.kill('SIGCONT');
  }
  assert.equal((await running.exited).code, 3);
  assert.ok(readFileSync(out).equals(readFileSync(reference)), 'the first job\'s output is what an undisturbed run writes');
  assert.equal(readFileSync(`${out}.rejects.jsonl`, 'utf8'), readFileSync(`${reference}.rejects.jsonl`, 'utf8'));
  assert.equal(existsSync(lock), false, 'the lock is removed when the job ends');
});

test('a lock left by a process that has ended is taken over, and removed when the job ends', async () => {
  const dir = tempDir();
  const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 1000 });
  const out = join(dir, 'out.csv');
  writeFileSync(lockOf(out), JSON.stringify({ pid: await deadPid(), hostname: hostname(), startedAt: '2024-05-01T02:00:00.000Z' }) + '\n');
  const r = await batch('--input', input, '--output', out);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 1001);
  assert.equal(existsSync(lockOf(out)), false);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.lock')), [], 'no temporary lock files left behind');
});

test('a lock another host keeps refreshing is respected: JOB_LOCKED naming the host, and the lock is left as it was', async () => {
  const dir = tempDir();
  const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 1000 });
  const out = join(dir, 'out.csv');
  const held = JSON.stringify({ pid: 4242, hostname: 'batch-node-7.example', startedAt: '2024-05-01T02:00:00.000Z' }) + '\n';
  writeFileSync(lockOf(out), held);
  // The other host's job refreshes its lock, as a running job does.
  const refresher = setInterval(() => utimesSync(lockOf(out), new Date(), new Date()), 200);
  try {
    const r = await batch('--input', input, '--output', out);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /JOB_LOCKED/);
    assert.ok(r.stderr.includes('batch-node-7.example') && r.stderr.includes(lockOf(out)) && r.stderr.includes('4242'), r.stderr);
  } finally {
    clearInterval(refresher);
  }
  assert.equal(readFileSync(lockOf(out), 'utf8'), held);
  assert.equal(existsSync(out), false);
});

test('a lock another host stopped refreshing a minute ago (its pod killed) is taken over, and the job resumes', async () => {
  const dir = tempDir();
  const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 1000 });
  const out = join(dir, 'out.csv');
  writeFileSync(lockOf(out), JSON.stringify({ pid: 4242, hostname: 'fraud-scores-0-aaaaa', startedAt: '2024-05-01T02:00:00.000Z' }) + '\n');
  const longAgo = new Date(Date.now() - 90_000);
  utimesSync(lockOf(out), longAgo, longAgo);
  const r = await batch('--input', input, '--output', out);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 1001);
  assert.equal(existsSync(lockOf(out)), false);
});

test('jobs taking over one stale lock at once: exactly one holds it', async () => {
  const dir = tempDir();
  const out = join(dir, 'out.csv');
  for (let trial = 0; trial < 20; trial++) {
    writeFileSync(lockOf(out), JSON.stringify({ pid: await deadPid(), hostname: hostname(), startedAt: '2024-05-01T02:00:00.000Z' }) + '\n');
    const results = await Promise.allSettled([OutputLock.acquire(out), OutputLock.acquire(out), OutputLock.acquire(out)]);
    const held = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    assert.equal(held.length, 1, `trial ${trial}: ${held.length} holders`);
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { code?: string }).code, 'JOB_LOCKED');
    await held[0]?.release();
  }
});

test('the lock file is gone when a job ends, also when it fails', async () => {
  const dir = tempDir();
  // The only rejected row comes late: the job runs a while, then the reject limit fails it.
  const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 100_000, badEvery: 90_000 });
  const out = join(dir, 'out.csv');
  const failing = startBatch(['--input', input, '--output', out, '--max-rejects', '0', '--chunk-rows', '500', '--commit-rows', '5000']);
  let owner: { pid: number } | undefined;
  await until(() => (owner = lockOwner(out)) !== undefined, failing);
  assert.equal(owner?.pid, failing.pid, 'the job held the lock while it ran');
  assert.equal((await failing.exited).code, 1);
  assert.equal(existsSync(lockOf(out)), false, 'a failed job removes its lock');

  const succeeding = await batch('--input', input, '--output', out, '--chunk-rows', '500', '--commit-rows', '5000');
  assert.equal(succeeding.code, 3, succeeding.stderr);
  assert.equal(existsSync(lockOf(out)), false, 'a finished job removes its lock');
});

test('a lock naming this process\'s pid that it does not hold (a restarted container) is taken over; one it holds keeps a second job of the process out', async () => {
  const out = join(tempDir(), 'out.parquet');
  const inherited = JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: '2024-05-01T02:00:00.000Z' }) + '\n';
  writeFileSync(lockOf(out), inherited);
  const lock = await OutputLock.acquire(out);
  try {
    const owner = JSON.parse(readFileSync(lockOf(out), 'utf8')) as { pid: number; startedAt: string };
    assert.equal(owner.pid, process.pid);
    assert.notEqual(owner.startedAt, '2024-05-01T02:00:00.000Z', 'the lock was rewritten for this job');
    await assert.rejects(OutputLock.acquire(out), (e: unknown) => TetraError.is(e) && e.code === 'JOB_LOCKED' && e.message.includes(out) && e.message.includes(String(process.pid)));
  } finally {
    await lock.release();
  }
  assert.equal(existsSync(lockOf(out)), false);
  await (await OutputLock.acquire(out)).release();
});
