import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelThreadPool } from '../../src/cli/batch-threads.ts';
import { defaultThreads, defaultWorkers, PARQUET_THREADS_FROM_ROWS, THREADS_FROM_BYTES, type InputExtent } from '../../src/cli/commands/batch.ts';
import type { LoadedModel, RunOptions, TensorMap } from '../../src/core/index.ts';
import { ThreadedModel, type ModelThreads } from '../../src/modes/batch/threaded-model.ts';
import { WorkerPool } from '../../src/modes/batch/worker-pool.ts';
import { jsModel, threadAwareModel, writeRepo } from '../helpers/js-model-repo.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** `id,x` rows; every `badEvery`-th row's x is not a number, so it is rejected. */
function writeCsv(rows: number, badEvery: number): string {
  const input = join(tempDir(), 'x.csv');
  writeFileSync(input, `id,x\n${Array.from({ length: rows }, (_, i) => `r${i},${i % badEvery === badEvery - 1 ? 'oops' : i}`).join('\n')}\n`);
  return input;
}

async function batch(repo: string, input: string, output: string, threads: readonly string[]): Promise<{ code: number | null; stderr: string; summary: Record<string, unknown> }> {
  const result = await runCli(['batch', '--repo', repo, '--model', 'm', '--model-version', '1', '--input', input, '--output', output, '--keep-columns', 'id', '--chunk-rows', '50', '--commit-rows', '200', '--progress', 'none', ...threads]);
  return { code: result.code, stderr: result.stderr, summary: JSON.parse(readFileSync(`${output}.summary.json`, 'utf8')) as Record<string, unknown> };
}

/**
 * A model answering `{y: <expression>}` whose main thread, while
 * `dir/expect-thread` exists, waits before its first run until a thread
 * has loaded it (see threadAwareModel); a run on a thread appends to
 * `dir/ran-on-a-thread`.
 */
function threadTakingModel(dir: string, expression: string, top = '', before = ''): { file: string; content: string } {
  const at = (name: string): string => JSON.stringify(join(dir, name));
  return threadAwareModel(join(dir, 'thread-loaded'), {
    here: `if (existsSync(${at('expect-thread')})) await waitForThread();`, onThread: `appendFileSync(${at('ran-on-a-thread')}, 'x');`, top, before, expression,
  });
}

/** Scores `input` alone, then with a model thread: the two outputs and rejects must be the same, and the thread must have run some chunks. */
async function sameWithThread(repo: string, dir: string, input: string, format: string): Promise<{ threaded: Awaited<ReturnType<typeof batch>> }> {
  for (const name of ['expect-thread', 'thread-loaded', 'ran-on-a-thread']) rmSync(join(dir, name), { force: true });
  const alone = await batch(repo, input, join(dir, `alone.${format}`), ['--workers', '0']);
  writeFileSync(join(dir, 'expect-thread'), 'x');
  const threaded = await batch(repo, input, join(dir, `threaded.${format}`), ['--model-threads', '1']);
  assert.ok(existsSync(join(dir, 'ran-on-a-thread')), 'the model thread ran some of the chunks');
  assert.equal(threaded.code, alone.code, threaded.stderr);
  assert.equal(threaded.summary.modelThreads, 1);
  assert.equal(threaded.summary.workers, 0);
  assert.deepEqual(readFileSync(join(dir, `threaded.${format}`)), readFileSync(join(dir, `alone.${format}`)), format);
  assert.equal(readFileSync(join(dir, `threaded.${format}.rejects.jsonl`), 'utf8'), readFileSync(join(dir, `alone.${format}.rejects.jsonl`), 'utf8'));
  return { threaded };
}

test('with --model-threads the output, rejects and exit code are those of the main thread alone, scored by the version the job resolved', async () => {
  const dir = tempDir();
  // The threads would load version 2 if left to pick the newest; the job asked for 1.
  const repo = writeRepo({ m: { versions: { 1: threadTakingModel(dir, 'x * 2'), 2: threadTakingModel(dir, 'x * 3') } } });
  const input = writeCsv(3000, 7);
  for (const format of ['csv', 'parquet']) {
    const { threaded } = await sameWithThread(repo, dir, input, format);
    assert.equal(threaded.code, 3);
    assert.equal(threaded.summary.rejected, 428);
  }
  const csv = readFileSync(join(dir, 'threaded.csv'), 'utf8').split('\n');
  assert.equal(csv[1], 'r0,0');
  assert.equal(csv[4], 'r3,6');
});

test('a model that calls another, loaded first, has its own runs on the thread, and the model it calls answers there too', async () => {
  const dir = tempDir();
  // `m` calls `base` as it loads (so base is loaded before it) and for every batch; base has a newer version than m,
  // and a queue that holds one of m's batches, not two: a thread must not begin two of m's runs at once.
  const top = 'let infer;\nexport async function load(context) { infer = context.infer; await infer(\'base\', [{ x: 1 }]); }';
  const before = 'const base = await infer(\'base\', batch);\n  const byX = new Map(batch.map((r, i) => [r.x, base[i].y]));';
  const repo = writeRepo({
    m: { versions: { 1: threadTakingModel(dir, 'byX.get(x) + 1', top, before) } },
    base: { yaml: 'batching:\n  max_queue: 60\n', versions: { 1: jsModel('x * 100'), 2: jsModel('x * 1000') } },
  });
  const { threaded } = await sameWithThread(repo, dir, writeCsv(3000, 7), 'csv');
  assert.equal(threaded.code, 3);
  const csv = readFileSync(join(dir, 'threaded.csv'), 'utf8').split('\n');
  assert.equal(csv[4], 'r3,3001');
});

test('--workers and --model-threads together are a usage error', async () => {
  const result = await runCli(['batch', '--model', 'm', '--input', 'x.csv', '--output', 'y.csv', '--workers', '2', '--model-threads', '1']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--workers .* or --model-threads .*not both/);
});

/** A model whose runs answer with an output named `here`. */
function countingModel(): LoadedModel {
  return {
    signature: { inputs: [], outputs: [] },
    description: {} as LoadedModel['description'],
    run: async (inputs: TensorMap) => ({ here: { dtype: 'float64', shape: [1], data: new Float64Array([inputs.x?.shape[0] ?? 0]) } }),
    unload: async () => undefined,
  };
}

test('a threaded model sends its runs to threads that take its name and version, and runs the rest on this thread', async () => {
  const asked: string[] = [];
  let taking = true;
  const threads: ModelThreads = {
    takes: (name, version) => {
      asked.push(`${name}@${version}`);
      return taking;
    },
    run: async (_inputs: TensorMap, _options?: RunOptions) => ({ there: { dtype: 'float64', shape: [1], data: new Float64Array([1]) } }),
  };
  const model = new ThreadedModel(countingModel(), threads, 'm', '3');
  const x = { x: { dtype: 'float32' as const, shape: [3, 1], data: new Float32Array(3) } };
  assert.deepEqual(Object.keys(await model.run(x)), ['there']);
  taking = false;
  assert.deepEqual(Object.keys(await model.run(x)), ['here']);
  assert.deepEqual(asked, ['m@3', 'm@3']);
});

test('a worker pool of depth 2 hands a thread its second request before the first is answered, and is full until one is', { timeout: 10_000 }, async () => {
  // The thread answers nothing until it holds two requests: with one request per thread at a time it would never answer.
  const script = new URL(`data:text/javascript,${encodeURIComponent(`
    import { parentPort } from 'node:worker_threads';
    const held = [];
    parentPort.on('message', (m) => {
      held.push(m);
      if (held.length === 2) for (const h of held.splice(0)) parentPort.postMessage({ id: h.id, result: h.request * 10 });
    });
  `)}`);
  const pool = new WorkerPool<number, number>(script, undefined, 1, 2);
  try {
    assert.equal(pool.full, false);
    const first = pool.run(1);
    assert.equal(pool.full, false);
    const second = pool.run(2);
    assert.equal(pool.full, true);
    assert.deepEqual(await Promise.all([first, second]), [10, 20]);
    assert.equal(pool.full, false);
  } finally {
    await pool.close();
  }
});

test('by default, two cores give inputs large enough for threads one model thread; more cores give threads that parse and score, as defaultWorkers counts them', () => {
  const text = (bytes: number | undefined): InputExtent => ({ format: 'text', bytes });
  const parquet = (rows: number): InputExtent => ({ format: 'parquet', rows, rowGroups: 9, largestGroupBytes: 14 * 1024 * 1024 });
  assert.deepEqual(defaultThreads(text(THREADS_FROM_BYTES), 2), { kind: 'model', threads: 1 });
  assert.deepEqual(defaultThreads(text(undefined), 2), { kind: 'model', threads: 1 });
  assert.deepEqual(defaultThreads(text(THREADS_FROM_BYTES - 1), 2), { kind: 'none' });
  assert.deepEqual(defaultThreads(parquet(PARQUET_THREADS_FROM_ROWS), 2), { kind: 'model', threads: 1 });
  assert.deepEqual(defaultThreads(parquet(PARQUET_THREADS_FROM_ROWS - 1), 2), { kind: 'none' });
  // Row groups of unknown size do not matter to model threads: the main thread decodes them as it would alone.
  assert.deepEqual(defaultThreads({ format: 'parquet', rows: 10_000_000, rowGroups: 1, largestGroupBytes: undefined }, 2), { kind: 'model', threads: 1 });
  assert.deepEqual(defaultThreads(text(THREADS_FROM_BYTES), 1), { kind: 'none' });
  assert.deepEqual(defaultThreads(text(THREADS_FROM_BYTES), 4), { kind: 'pieces', threads: defaultWorkers(text(THREADS_FROM_BYTES), 4) });
  assert.deepEqual(defaultThreads(parquet(PARQUET_THREADS_FROM_ROWS), 8), { kind: 'pieces', threads: defaultWorkers(parquet(PARQUET_THREADS_FROM_ROWS), 8) });
  assert.deepEqual(defaultThreads(text(THREADS_FROM_BYTES - 1), 8), { kind: 'none' });
});

test('model threads take runs only of the model and version they loaded, once loaded, and run it', async () => {
  const repo = writeRepo({ m: { versions: { 1: jsModel('x * 2'), 2: jsModel('x * 3') } } });
  const threads = new ModelThreadPool({ repo, target: 'm' }, 1);
  try {
    assert.equal(threads.takes('m', '1'), false, 'nothing before it knows the version');
    threads.load('m', '1');
    assert.equal(threads.takes('m', '1'), false, 'nothing while loading');
    const started = Date.now();
    while (!threads.takes('m', '1') && Date.now() - started < 20_000) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(threads.takes('m', '1'), true, 'takes runs once loaded');
    assert.equal(threads.takes('m', '2'), false, 'not of another version');
    assert.equal(threads.takes('other', '1'), false, 'not of another model');
    assert.equal(threads.used, 0);
    const out = await threads.run({ features: { dtype: 'float64', shape: [2, 1], data: new Float64Array([5, 7]) } });
    assert.deepEqual([...(out.y?.data as Float64Array)], [10, 14]);
    assert.equal(threads.used, 1);
  } finally {
    await threads.close();
  }
});
