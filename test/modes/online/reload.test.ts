import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { getJson, postJson } from '../../helpers/online-server.ts';
import { startServeProcess } from '../../helpers/serve-process.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { linear, linearModelJs, linearRepository } from '../../helpers/test-models.ts';
import { waitFor } from '../../helpers/wait-for.ts';

// Version N of the model answers 2x + N, so each answer shows which code computed it.
// Batches take 20 ms, so at any moment requests are running on the serving version.
const repo = linearRepository({ scorer: { runtimeOptions: { delay_ms: 20 } } });
const modelDir = join(repo, 'scorer');
const dir = tempDir('tetra-reload-');
const config = join(dir, 'tetra.yaml');
writeFileSync(config, `repository: ${JSON.stringify(repo)}\nserver:\n  reload_interval: 200ms\n`);
const tetra = await startServeProcess(['--config', config]);

interface Outcome {
  readonly api: 'records' | 'oip';
  readonly status: number;
  readonly version: string | undefined;
  /** The answer matches the input and the version that says it answered. */
  readonly correct: boolean;
  readonly detail: string;
}

/** Calls both APIs in turn from `workers` loops, and probes readiness, until stop(). */
function startLoad(url: string, workers: number) {
  const byWorker: Outcome[][] = Array.from({ length: workers }, () => []);
  const readiness: number[] = [];
  let running = true;
  let next = 1;
  const call = async (api: Outcome['api'], x: number): Promise<Outcome> => {
    try {
      if (api === 'records') {
        const res = await postJson(`${url}/v1/models/scorer:predict`, { instances: [{ x }] });
        const version = res.headers.get('tetra-model-version') ?? undefined;
        return { api, status: res.status, version, correct: res.body?.predictions?.[0]?.y === linear(x, Number(version)), detail: JSON.stringify(res.body) };
      }
      const res = await postJson(`${url}/v2/models/scorer/infer`, { inputs: [{ name: 'features', shape: [1, 1], datatype: 'FP64', data: [x] }] });
      const version = res.body?.model_version as string | undefined;
      return { api, status: res.status, version, correct: res.body?.outputs?.[0]?.data?.[0] === linear(x, Number(version)), detail: JSON.stringify(res.body) };
    } catch (error) {
      return { api, status: 0, version: undefined, correct: false, detail: String((error as Error).cause ?? error) };
    }
  };
  const loops = byWorker.map(async (outcomes, w) => {
    for (let i = 0; running; i++) outcomes.push(await call((i + w) % 2 === 0 ? 'records' : 'oip', next++));
  });
  const probe = (async () => {
    while (running) {
      readiness.push(await getJson(`${url}/v2/health/ready`).then((r) => r.status, () => 0));
      await sleep(10);
    }
  })();
  return {
    all: (): Outcome[] => byWorker.flat(),
    count: (version: string): number => byWorker.flat().filter((o) => o.version === version).length,
    stop: async (): Promise<{ byWorker: Outcome[][]; readiness: number[] }> => {
      running = false;
      await Promise.all([...loops, probe]);
      return { byWorker, readiness };
    },
  };
}

/** Every call answered 200 with the right answer, each worker saw versions only move forward, and readiness never dropped. */
function assertNoFailures(result: { byWorker: Outcome[][]; readiness: number[] }, versions: readonly string[]): void {
  const failed = result.byWorker.flat().filter((o) => o.status !== 200 || !o.correct);
  assert.deepEqual(failed, [], `${failed.length} of ${result.byWorker.flat().length} calls failed`);
  for (const outcomes of result.byWorker) {
    const seen = outcomes.map((o) => versions.indexOf(o.version as string));
    assert.ok(seen.every((v, i) => v >= 0 && (i === 0 || v >= (seen[i - 1] as number))), `versions went back or were unexpected: ${outcomes.map((o) => o.version).join(' ')}`);
  }
  assert.ok(result.readiness.length > 0);
  assert.deepEqual(result.readiness.filter((s) => s !== 200), [], 'readiness stayed 200 during the reload');
}

async function servedVersions(): Promise<string[]> {
  const listing = await getJson(`${tetra.url}/v1/models`);
  return listing.body.models.find((m: { name: string }) => m.name === 'scorer').versions;
}

test('a new version folder renamed in under load: zero failed requests, answers switch to version 2, version 1 is unloaded', { timeout: 30_000 }, async () => {
  const load = startLoad(tetra.url, 4);
  await waitFor('calls on version 1', () => load.count('1') >= 20);
  // Written beside the model under a name the poll ignores, then renamed in whole.
  const incoming = join(modelDir, '.incoming-2');
  mkdirSync(incoming);
  writeFileSync(join(incoming, 'model.mjs'), linearModelJs(2));
  renameSync(incoming, join(modelDir, '2'));
  await waitFor('calls on version 2', () => load.count('2') >= 20, 15_000);
  const result = await load.stop();
  assertNoFailures(result, ['1', '2']);
  for (const outcomes of result.byWorker) assert.equal(outcomes.at(-1)?.version, '2');
  assert.ok(load.all().some((o) => o.api === 'oip' && o.version === '2'));
  assert.deepEqual(await servedVersions(), ['2']);
  assert.equal((await postJson(`${tetra.url}/v1/models/scorer/versions/1:predict`, { instances: [{ x: 1 }] })).status, 404);
});

test('a version folder that appears empty and is filled in steps: the old version serves until the new one loads', { timeout: 30_000 }, async () => {
  const load = startLoad(tetra.url, 4);
  await waitFor('calls on version 2', () => load.count('2') >= 20);
  const v3 = join(modelDir, '3');
  const versionThree = () => postJson(`${tetra.url}/v1/models/scorer/versions/3:predict`, { instances: [{ x: 1 }] });
  mkdirSync(v3);
  // The poll has seen the empty folder and failed to load it (503, not 404 "no such version").
  await waitFor('the server to try the empty version 3', async () => (await versionThree()).status === 503);
  const seenEmpty = load.all().length;
  const source = linearModelJs(3);
  writeFileSync(join(v3, 'model.mjs'), source.slice(0, Math.floor(source.length / 2)));
  await waitFor('the server to try the half-written model file', async () => /model\.mjs/.test((await versionThree()).body.error ?? ''));
  const seenHalf = load.all().length;
  assert.ok(seenHalf > seenEmpty, 'calls kept coming while version 3 was broken');
  assert.deepEqual(await servedVersions(), ['2']);
  writeFileSync(join(v3, 'model.mjs'), source);
  await waitFor('calls on version 3', () => load.count('3') >= 20, 15_000);
  const result = await load.stop();
  assertNoFailures(result, ['2', '3']);
  assert.deepEqual(await servedVersions(), ['3']);
});
