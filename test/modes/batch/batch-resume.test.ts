import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFraudCsv } from '../../helpers/fraud-dataset.ts';
import { FRAUD_REPO } from '../../helpers/fraud-sample.ts';
import { PROJECT_ROOT } from '../../helpers/fixtures.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

/** Starts `tetra batch`, waits until its manifest says `afterRows` rows are committed (0: at once), then kills it with SIGKILL. */
async function killDuring(args: readonly string[], manifest: string, afterRows: number, extraMs: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'src', 'cli', 'bin.ts'), 'batch', ...args], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let finished = false;
  void exited.then(() => (finished = true));
  while (!finished) {
    const rows = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { rowsIn: number }).rowsIn : -1;
    if (rows >= afterRows) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, extraMs));
  child.kill('SIGKILL');
  await exited;
}

const committedRows = (manifest: string): number => (existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { rowsIn: number }).rowsIn : 0);

for (const format of ['csv', 'jsonl.gz', 'parquet']) {
  test(`killed with SIGKILL at several points and rerun, a job writes the same ${format} output and rejects as an uninterrupted run`, async () => {
    const dir = tempDir();
    const input = writeFraudCsv(join(dir, 'in.csv'), { rows: 60_000, badEvery: 997 });
    const args = (out: string): string[] => ['--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--input', input, '--output', out, '--keep-columns', 'transaction_id', '--chunk-rows', '500', '--commit-rows', '1000', '--progress', 'none'];
    const reference = join(dir, `ref.${format}`);
    const clean = await runCli(['batch', ...args(reference)]);
    assert.equal(clean.code, 3, clean.stderr);

    const out = join(dir, `out.${format}`);
    const manifest = `${out}.tetra-job.json`;
    // Interrupted and resumed runs of one format run the model on a thread as well: where the model runs changes no byte.
    const interrupted = (o: string): string[] => [...args(o), ...(format === 'parquet' ? ['--model-threads', '1'] : [])];
    // Before the first commit, early, in the middle (with a random extra delay to land inside a write), and late.
    const points = [0, 1, 20_000, 45_000];
    const resumedAt: number[] = [];
    for (const rows of points) {
      await killDuring(interrupted(out), manifest, rows, Math.floor(Math.random() * 40));
      resumedAt.push(committedRows(manifest));
      assert.equal(existsSync(out), false, 'the output appears only when complete');
    }
    assert.ok(resumedAt.some((r) => r > 0 && r < 60_000), `the kills landed mid-job (committed rows at each: ${resumedAt.join(', ')})`);
    const resumed = await runCli(['batch', ...interrupted(out)]);
    assert.equal(resumed.code, 3, resumed.stderr);
    assert.ok(readFileSync(out).equals(readFileSync(reference)), 'output identical to the uninterrupted run');
    assert.equal(readFileSync(`${out}.rejects.jsonl`, 'utf8'), readFileSync(`${reference}.rejects.jsonl`, 'utf8'));
    const summary = JSON.parse(readFileSync(`${out}.summary.json`, 'utf8')) as { rowsIn: number; rowsOut: number; rejected: number; resumedAtRow: number };
    assert.deepEqual([summary.rowsIn, summary.rowsOut, summary.rejected], [60_000, 59_940, 60]);
    assert.equal(summary.resumedAtRow, resumedAt.at(-1));
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.partial') || f.endsWith('.tmp')), [], 'no partial files left behind');
  });
}
