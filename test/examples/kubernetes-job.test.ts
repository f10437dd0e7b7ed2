import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ParquetReader } from '../../src/adapters/io/parquet-reader.ts';
import { SAMPLE_HEADER, SAMPLE_ROWS } from '../helpers/fraud-dataset.ts';
import { FRAUD_REPO } from '../helpers/fraud-sample.ts';
import { PROJECT_ROOT } from '../helpers/fixtures.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

interface JobManifest {
  spec: { completionMode: string; completions: number; template: { spec: { containers: { args: string[]; env: { name: string; valueFrom: { fieldRef: { fieldPath: string } } }[] }[] } } };
}

async function rowsOf(path: string): Promise<string[]> {
  const reader = new ParquetReader([path]);
  const rows: string[] = [];
  for await (const chunk of reader.read({ chunkRows: 1000 })) rows.push(...chunk.records.map((r) => JSON.stringify({ ...r })));
  return rows;
}

test('the Kubernetes Indexed Job runs as written: its shards together hold every row of a one-process run', async () => {
  const job = parse(readFileSync(join(PROJECT_ROOT, 'examples', 'fraud', 'kubernetes', 'batch-indexed-job.yaml'), 'utf8')) as JobManifest;
  assert.equal(job.spec.completionMode, 'Indexed');
  const container = job.spec.template.spec.containers[0];
  assert.ok(container);
  assert.equal(container.env[0]?.valueFrom.fieldRef.fieldPath, "metadata.annotations['batch.kubernetes.io/job-completion-index']");
  const dir = tempDir();
  // Six daily files of the sample's transactions, as the job's volume would hold them.
  mkdirSync(join(dir, 'transactions'));
  mkdirSync(join(dir, 'scores'));
  for (let day = 0; day < 6; day++) writeFileSync(join(dir, 'transactions', `2024-03-0${day + 1}.csv`), [SAMPLE_HEADER, ...SAMPLE_ROWS.slice(day * 80, day * 80 + 80)].join('\n') + '\n');
  const local = (arg: string, index: number): string => arg.replaceAll('$(SHARD_INDEX)', String(index)).replace(/^\/models$/, FRAUD_REPO).replace(/^\/data\//, `${dir}/`);
  const sharded: string[] = [];
  for (let index = 0; index < job.spec.completions; index++) {
    const { code, stderr } = await runCli(container.args.map((a) => local(a, index)));
    assert.equal(code, 0, stderr);
    sharded.push(...(await rowsOf(join(dir, 'scores', `part-${index}.parquet`))));
  }
  const single = container.args.map((a) => local(a, 0)).map((a, i, all) => (all[i - 1] === '--output' ? join(dir, 'all.parquet') : a));
  const shardAt = single.indexOf('--shard');
  single.splice(shardAt, 2);
  const { code, stderr } = await runCli(single);
  assert.equal(code, 0, stderr);
  const all = await rowsOf(join(dir, 'all.parquet'));
  assert.equal(all.length, 480);
  assert.deepEqual([...sharded].sort(), [...all].sort());
});
