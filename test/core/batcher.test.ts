import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Batcher } from '../../src/core/batching/batcher.ts';
import type { BatchEvent, BatchWork } from '../../src/core/batching/batch-work.ts';
import { TetraError } from '../../src/core/errors/index.ts';

/** A model over number arrays: doubles each value; fails on negative values; optionally slow. */
function doubling(options: { delayMs?: number } = {}): { work: BatchWork<number[], number[]>; calls: number[][]; running: () => Promise<void> } {
  const calls: number[][] = [];
  let waiters: (() => void)[] = [];
  /** Resolves once the model has started a call: the next submits find it busy. */
  const running = (): Promise<void> => (calls.length > 0 ? Promise.resolve() : new Promise((r) => waiters.push(r)));
  const work: BatchWork<number[], number[]> = {
    size: (p) => p.length,
    key: () => '',
    merge: (ps) => ps.flat(),
    split: (r, sizes) => {
      let start = 0;
      return sizes.map((n) => r.slice(start, (start += n)));
    },
    run: async (p) => {
      calls.push(p);
      waiters.forEach((w) => w());
      waiters = [];
      if (options.delayMs) await sleep(options.delayMs);
      if (p.some((v) => v < 0)) throw new TetraError('MODEL_RUN_FAILED', 'negative value');
      return p.map((v) => v * 2);
    },
  };
  return { work, calls, running };
}

test('concurrent calls coalesce into one model call and each caller gets its own answer', async () => {
  const { work, calls } = doubling();
  const events: BatchEvent[] = [];
  const batcher = new Batcher(work, { maxBatchSize: 100 }, (e) => events.push(e));
  const results = await Promise.all([1, 2, 3, 4, 5].map((v) => batcher.submit([v, v + 10])));
  assert.deepEqual(results, [[2, 22], [4, 24], [6, 26], [8, 28], [10, 30]]);
  assert.equal(calls.length, 1);
  assert.equal(events[0]?.calls, 5);
  assert.equal(events[0]?.rows, 10);
});

test('calls arriving while a batch runs form the next batch, limited by maxBatchSize', async () => {
  const { work, calls, running } = doubling({ delayMs: 20 });
  const batcher = new Batcher(work, { maxBatchSize: 3 });
  const first = batcher.submit([1]);
  await running();
  const rest = [2, 3, 4, 5].map((v) => batcher.submit([v]));
  assert.deepEqual(await Promise.all([first, ...rest]), [[2], [4], [6], [8], [10]]);
  assert.deepEqual(calls, [[1], [2, 3, 4], [5]]);
});

test('a lone call is not delayed when the model is idle', async () => {
  const { work } = doubling();
  const answered = (b: Batcher<number[], number[]>): Promise<unknown> => Promise.race([b.submit([1]), sleep(500).then(() => 'still waiting')]);
  assert.deepEqual(await answered(new Batcher(work, { maxWaitMs: 0 })), [2]);
  assert.equal(await answered(new Batcher(work, { maxWaitMs: 2000 })), 'still waiting', 'with a max wait, a lone call waits for company');
});

test('maxWaitMs holds an idle call for a fuller batch', async () => {
  const { work, calls } = doubling();
  const batcher = new Batcher(work, { maxWaitMs: 30, maxBatchSize: 10 });
  const a = batcher.submit([1]);
  await sleep(10);
  const b = batcher.submit([2]);
  await Promise.all([a, b]);
  assert.deepEqual(calls, [[1, 2]]);
});

test('a full queue refuses at once with OVERLOADED', async () => {
  const { work, calls, running: started } = doubling({ delayMs: 30 });
  const batcher = new Batcher(work, { maxBatchSize: 1, maxQueueRows: 2 });
  const running = batcher.submit([1]);
  await started();
  const queued = [batcher.submit([2]), batcher.submit([3])];
  await assert.rejects(batcher.submit([4]), (e: unknown) => TetraError.is(e) && e.code === 'OVERLOADED' && e.retriable);
  assert.equal(calls.length, 1, 'refused while the first batch was still running');
  assert.deepEqual(await Promise.all([running, ...queued]), [[2], [4], [6]]);
});

test('an expired call fails with DEADLINE_EXCEEDED and is never run', async () => {
  const { work, calls, running: started } = doubling({ delayMs: 40 });
  const batcher = new Batcher(work, { maxBatchSize: 1 });
  const running = batcher.submit([1]);
  await started();
  const late = batcher.submit([2], { deadline: Date.now() + 10 });
  await assert.rejects(late, (e: unknown) => TetraError.is(e) && e.code === 'DEADLINE_EXCEEDED');
  await running;
  await batcher.whenIdle();
  assert.deepEqual(calls, [[1]]);
});

test('a call whose answer comes after its deadline gets an error, not a late answer', async () => {
  const { work } = doubling({ delayMs: 40 });
  const batcher = new Batcher(work);
  await assert.rejects(batcher.submit([1], { deadline: Date.now() + 10 }), (e: unknown) => TetraError.is(e) && e.code === 'DEADLINE_EXCEEDED');
});

test('an aborted call fails with CANCELLED', async () => {
  const { work } = doubling({ delayMs: 30 });
  const batcher = new Batcher(work, { maxBatchSize: 1 });
  const running = batcher.submit([1]);
  const controller = new AbortController();
  const queued = batcher.submit([2], { signal: controller.signal });
  controller.abort();
  await assert.rejects(queued, (e: unknown) => TetraError.is(e) && e.code === 'CANCELLED');
  await running;
});

test('one bad call fails alone; its batch-mates still get answers', async () => {
  const { work, calls } = doubling();
  const batcher = new Batcher(work);
  const results = await Promise.allSettled([batcher.submit([1]), batcher.submit([-1]), batcher.submit([3])]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.deepEqual((results[2] as PromiseFulfilledResult<number[]>).value, [6]);
  const reason = (results[1] as PromiseRejectedResult).reason as TetraError;
  assert.equal(reason.code, 'MODEL_RUN_FAILED');
  assert.equal(calls.length, 4, 'one failed batch, then each call alone');
});

test('calls with different keys never share a model call', async () => {
  const { work, calls } = doubling();
  const keyed: BatchWork<number[], number[]> = { ...work, key: (p) => (p[0]! > 100 ? 'big' : 'small') };
  const batcher = new Batcher(keyed);
  await Promise.all([batcher.submit([1]), batcher.submit([200]), batcher.submit([2])]);
  assert.deepEqual(calls, [[1, 2], [200]]);
});

test('a batch takes like calls past others up to maxBatchSize, and stops at a call of any key that would not fit', async () => {
  const { work, calls, running } = doubling({ delayMs: 20 });
  const keyed: BatchWork<number[], number[]> = { ...work, key: (p) => (p[0]! > 100 ? 'big' : 'small') };
  const batcher = new Batcher(keyed, { maxBatchSize: 3 });
  const first = batcher.submit([0]);
  await running();
  const queued = [[1], [200], [2], [3], [300, 301, 302], [4]].map((p) => batcher.submit(p));
  await Promise.all([first, ...queued]);
  assert.deepEqual(calls, [[0], [1, 2, 3], [200], [300, 301, 302], [4]]);
});

test('close drains queued calls and refuses new ones', async () => {
  const { work } = doubling({ delayMs: 10 });
  const batcher = new Batcher(work, { maxBatchSize: 1 });
  const pending = [batcher.submit([1]), batcher.submit([2])];
  const closing = batcher.close();
  await assert.rejects(batcher.submit([3]), (e: unknown) => TetraError.is(e) && e.code === 'SHUTTING_DOWN');
  assert.deepEqual(await Promise.all(pending), [[2], [4]]);
  await closing;
});

test('a model that fails every call is not retried once per caller', async () => {
  const calls: number[][] = [];
  const failing: BatchWork<number[], number[]> = {
    size: (p) => p.length, key: () => '', merge: (ps) => ps.flat(), split: (r) => [r],
    run: async (p) => {
      calls.push(p);
      throw new TetraError('MODEL_RUN_FAILED', 'the model is broken');
    },
  };
  const batcher = new Batcher(failing, { maxBatchSize: 100 });
  const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => batcher.submit([i])));
  assert.ok(results.every((r) => r.status === 'rejected' && TetraError.is(r.reason) && r.reason.code === 'MODEL_RUN_FAILED'));
  assert.equal(calls.length, 3, 'the batch, then two calls alone, then the rest fail with the batch error');
});

test('a throwing metrics listener does not break answers', async () => {
  const { work } = doubling();
  const batcher = new Batcher(work, {}, () => {
    throw new Error('metrics down');
  });
  assert.deepEqual(await Promise.all([batcher.submit([1]), batcher.submit([2])]), [[2], [4]]);
});

test('waiting for a fuller batch never outlasts a queued deadline', async () => {
  const { work } = doubling();
  const batcher = new Batcher(work, { maxWaitMs: 2000, maxBatchSize: 10 });
  assert.deepEqual(await batcher.submit([4], { deadline: Date.now() + 200 }), [8]);
});
