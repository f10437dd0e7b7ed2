import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/fixtures.ts';
import { FRAUD_REPO } from '../helpers/fraud-sample.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * Runs `tetra` with a module hook that prints every package imported by
 * name, and returns the packages' names. Loading a package costs tens of
 * milliseconds at every start (the CLI's, each worker thread's, a Lambda's
 * cold start), so packages are loaded only by what uses them.
 */
async function packagesLoaded(args: readonly string[]): Promise<{ code: number | null; packages: Set<string>; stderr: string }> {
  const dir = tempDir();
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, `export async function resolve(specifier, context, next) {
  if (!/^(\\.|\\/|node:|file:|data:)/.test(specifier)) process.stderr.write('PACKAGE ' + specifier + '\\n');
  return next(specifier, context);
}\n`);
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)});\n`);
  const r = await runCli(args, { env: { NODE_OPTIONS: `--import=${register}` } });
  const packages = new Set([...r.stderr.matchAll(/^PACKAGE (\S+)$/gm)].map((m) => (m[1] as string).split('/').slice(0, (m[1] as string).startsWith('@') ? 2 : 1).join('/')));
  return { code: r.code, packages, stderr: r.stderr };
}

const NOT_FOR_A_FILE_JOB = ['pg', 'pg-cursor', 'pg-copy-streams', 'hyparquet', 'hyparquet-compressors', 'ioredis', 'prom-client', 'fastify', 'pino'];

test('tetra --help loads no dataset, database, server or metrics package', async () => {
  const r = await packagesLoaded(['--help']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.packages.size > 0, 'the hook saw the packages imported');
  for (const name of NOT_FOR_A_FILE_JOB) assert.ok(!r.packages.has(name), `--help loaded ${name}`);
});

test('a CSV to CSV batch job loads neither the PostgreSQL client nor the Parquet decoder, on its threads either', async () => {
  const out = join(tempDir(), 'out.csv');
  const r = await packagesLoaded(['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--input', join(PROJECT_ROOT, 'examples', 'fraud', 'data', 'sample.csv'), '--output', out, '--progress', 'none', '--workers', '2']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.packages.has('zod'), 'the hook saw the packages imported');
  for (const name of NOT_FOR_A_FILE_JOB) assert.ok(!r.packages.has(name), `the job loaded ${name}`);
});

test('a Parquet input loads the Parquet decoder', async () => {
  const dir = tempDir();
  const parquet = join(dir, 'in.parquet');
  const first = await runCli(['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--input', join(PROJECT_ROOT, 'examples', 'fraud', 'data', 'sample.csv'), '--output', parquet, '--keep-columns', 'all', '--progress', 'none', '--workers', '0']);
  assert.equal(first.code, 0, first.stderr);
  const r = await packagesLoaded(['batch', '--repo', FRAUD_REPO, '--model', 'fraud-xgb', '--input', parquet, '--output', join(dir, 'out.csv'), '--progress', 'none']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.packages.has('hyparquet'), 'hyparquet was loaded to read the file');
  assert.ok(!r.packages.has('pg'), 'the job loaded pg');
});
