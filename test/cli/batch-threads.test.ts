import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDatasetReader } from '../../src/adapters/io/text-dataset-reader.ts';
import { TextPieceScoring } from '../../src/cli/batch-threads.ts';
import { defaultWorkers, PARQUET_BYTES_PER_GROUP_BYTE, PARQUET_THREADS_FROM_ROWS, PARQUET_THREADS_MEMORY, THREADS_FROM_BYTES } from '../../src/cli/commands/batch.ts';
import type { RowChunk } from '../../src/core/index.ts';
import type { ScoredRows, ScoringPlan } from '../../src/modes/batch/index.ts';
import { jsModel, writeRepo } from '../helpers/js-model-repo.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** Every output row the threads give for the plan, in input order. */
async function scoredRows(scoring: TextPieceScoring, plan: ScoringPlan): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  for await (const { scored } of scoring.chunks(plan)) rows.push(...((await scored) as ScoredRows).rows.map((r) => [...r]));
  return rows;
}

test('worker threads started before the job resolved its version score with the version the job resolved', async () => {
  // The threads load the newest version (2) as they start; a job that resolved version 1 (it was the newest when it looked) is scored with 1.
  const repo = writeRepo({ m: { versions: { 1: jsModel('x * 2'), 2: jsModel('x * 3') } } });
  const input = join(tempDir(), 'x.csv');
  writeFileSync(input, `id,x\n${Array.from({ length: 50 }, (_, i) => `r${i},${i}`).join('\n')}\n`);
  const scoring = new TextPieceScoring(new TextDatasetReader([input], { format: 'csv' }), { repo, target: 'm' }, 2);
  try {
    const plan = (version: string): ScoringPlan => ({
      model: 'm', version, kept: [{ name: 'id', type: 'string' }], fields: ['x', 'id'], plainKinds: { x: 'number' }, startRow: 0, chunkRows: 10,
    });
    assert.deepEqual(await scoredRows(scoring, plan('1')), Array.from({ length: 50 }, (_, i) => [`r${i}`, i * 2]));
    assert.deepEqual(await scoredRows(scoring, plan('2')), Array.from({ length: 50 }, (_, i) => [`r${i}`, i * 3]));
  } finally {
    await scoring.close();
  }
});

/** A plan over `id,x` rows, keeping the id, for the model `m` at version 1. */
function idPlan(chunkRows: number): ScoringPlan {
  return { model: 'm', version: '1', kept: [{ name: 'id', type: 'string' }], fields: ['x', 'id'], plainKinds: { x: 'number' }, startRow: 0, chunkRows };
}

function writeIdCsv(rows: number): string {
  const input = join(tempDir(), 'x.csv');
  writeFileSync(input, `id,x\n${Array.from({ length: rows }, (_, i) => `r${i},${i}`).join('\n')}\n`);
  return input;
}

test('while its threads start, the cutting thread scores pieces itself; once one is ready, the threads take the rest, in input order', async () => {
  const repo = writeRepo({ m: { versions: { 1: jsModel('x * 2') } } });
  const scoring = new TextPieceScoring(new TextDatasetReader([writeIdCsv(2000)], { format: 'csv' }), { repo, target: 'm' }, 2, true);
  const here: number[] = [];
  // Slow on purpose, so the threads become ready while this thread is still at the input's start.
  const scoreHere = async (chunk: RowChunk): Promise<ScoredRows> => {
    await new Promise((resolve) => setTimeout(resolve, 150));
    here.push(chunk.firstRow);
    const rows = chunk.records.map((r) => [r.id, 2 * Number(r.x)]);
    return { rowsIn: rows.length, rows, rejects: [], columns: [{ name: 'id', type: 'string' }, { name: 'y', type: 'float64' }] };
  };
  try {
    const rows: unknown[][] = [];
    for await (const { scored } of scoring.chunks(idPlan(20), scoreHere)) rows.push(...(await scored).rows.map((r) => [...r]));
    assert.deepEqual(rows, Array.from({ length: 2000 }, (_, i) => [`r${i}`, i * 2]));
    assert.ok(here.length > 0, 'the first pieces were scored on the cutting thread');
    assert.deepEqual(here, Array.from({ length: here.length }, (_, i) => i * 20), 'it scored the pieces at the input\'s start, in order');
    assert.ok(here.length < 100, `the threads scored the rest (the cutting thread scored ${here.length} of 100 pieces)`);
    assert.equal(scoring.threads, 2);
  } finally {
    await scoring.close();
  }
});

test('an input done before the threads are ready was scored on no thread, and closing does not wait for them to start', async () => {
  const repo = writeRepo({ m: { versions: { 1: jsModel('x * 2') } } });
  const scoring = new TextPieceScoring(new TextDatasetReader([writeIdCsv(30)], { format: 'csv' }), { repo, target: 'm' }, 2, true);
  const scoreHere = async (chunk: RowChunk): Promise<ScoredRows> => {
    const rows = chunk.records.map((r) => [r.id, 2 * Number(r.x)]);
    return { rowsIn: rows.length, rows, rejects: [], columns: [{ name: 'id', type: 'string' }, { name: 'y', type: 'float64' }] };
  };
  const rows: unknown[][] = [];
  for await (const { scored } of scoring.chunks(idPlan(100), scoreHere)) rows.push(...(await scored).rows.map((r) => [...r]));
  const closing = performance.now();
  await scoring.close();
  assert.deepEqual(rows, Array.from({ length: 30 }, (_, i) => [`r${i}`, i * 2]));
  assert.equal(scoring.threads, 0);
  assert.ok(performance.now() - closing < 1000, 'the threads were stopped, not awaited');
});

test('a piece the cutting thread cannot parse fails as its own chunk, after the chunks before it, as on a thread', async () => {
  const repo = writeRepo({ m: { versions: { 1: jsModel('x * 2') } } });
  const input = join(tempDir(), 'x.csv');
  // The quote opened on line 47 is never closed: the last piece cannot be parsed.
  writeFileSync(input, `id,x\n${Array.from({ length: 50 }, (_, i) => (i === 45 ? `"r${i},${i}` : `r${i},${i}`)).join('\n')}\n`);
  const scoring = new TextPieceScoring(new TextDatasetReader([input], { format: 'csv' }), { repo, target: 'm' }, 2, true);
  const scoreHere = async (chunk: RowChunk): Promise<ScoredRows> => {
    const rows = chunk.records.map((r) => [r.id, 2 * Number(r.x)]);
    return { rowsIn: rows.length, rows, rejects: [], columns: [{ name: 'id', type: 'string' }, { name: 'y', type: 'float64' }] };
  };
  try {
    // Every chunk is taken before any is awaited, as a job keeps several in flight.
    const inFlight: Promise<ScoredRows>[] = [];
    for await (const { scored } of scoring.chunks(idPlan(10), scoreHere)) {
      scored.catch(() => undefined);
      inFlight.push(scored);
    }
    assert.equal(inFlight.length, 5);
    const settled = await Promise.allSettled(inFlight);
    assert.deepEqual(settled.slice(0, 4).map((s) => s.status), ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    const last = settled[4] as PromiseRejectedResult;
    assert.equal(last.status, 'rejected');
    assert.match(String(last.reason), /line 47: a quoted field is not closed/);
    assert.equal(scoring.threads, 0);
  } finally {
    await scoring.close();
  }
});

test('counted for threads that parse and score, text inputs under THREADS_FROM_BYTES get none; larger text inputs, or of unknown size, get a thread per core', () => {
  assert.equal(defaultWorkers({ format: 'text', bytes: 0 }, 4), 0);
  assert.equal(defaultWorkers({ format: 'text', bytes: THREADS_FROM_BYTES - 1 }, 4), 0);
  assert.equal(defaultWorkers({ format: 'text', bytes: THREADS_FROM_BYTES }, 4), 4);
  assert.equal(defaultWorkers({ format: 'text', bytes: undefined }, 2), 2);
});

test('counted for threads that parse and score, Parquet from PARQUET_THREADS_FROM_ROWS rows gets a thread per core, no more than its row groups or the memory budget allows, and at least two or none', () => {
  const parquet = (rows: number, rowGroups: number, largestGroupBytes: number | undefined) => ({ format: 'parquet' as const, rows, rowGroups, largestGroupBytes });
  const MiB = 1024 * 1024;
  const fitting = (bytes: number): number => Math.floor(PARQUET_THREADS_MEMORY / (PARQUET_BYTES_PER_GROUP_BYTE * bytes));
  // The benchmark's DuckDB file: a million rows in 9 groups of 14 MiB.
  assert.equal(defaultWorkers(parquet(1_000_000, 9, 14 * MiB), 2), 2);
  assert.equal(defaultWorkers(parquet(PARQUET_THREADS_FROM_ROWS - 1, 9, MiB), 4), 0);
  assert.equal(defaultWorkers(parquet(PARQUET_THREADS_FROM_ROWS, 9, MiB), 4), 4);
  // Many cores: as many threads as the budget holds, then as many as there are groups.
  assert.equal(defaultWorkers(parquet(10_000_000, 100, 14 * MiB), 64), fitting(14 * MiB));
  assert.ok(fitting(14 * MiB) >= 2 && fitting(14 * MiB) < 64);
  assert.equal(defaultWorkers(parquet(10_000_000, 3, MiB), 64), 3);
  // One group, or groups so large that one thread fits: no threads.
  assert.equal(defaultWorkers(parquet(10_000_000, 1, MiB), 8), 0);
  assert.equal(defaultWorkers(parquet(10_000_000, 10, Math.ceil(PARQUET_THREADS_MEMORY / PARQUET_BYTES_PER_GROUP_BYTE / 2) + 1), 8), 0);
  // A footer that does not tell a group's size: no threads.
  assert.equal(defaultWorkers(parquet(10_000_000, 10, undefined), 8), 0);
});

test('pieces cross to the threads and back without being transferred: no piece buffer is ever detached', async () => {
  const repo = writeRepo({ m: { versions: { 1: jsModel('x * 2') } } });
  const input = join(tempDir(), 'x.csv');
  writeFileSync(input, `id,x\n${Array.from({ length: 200 }, (_, i) => `r${i},${i}`).join('\n')}\n`);
  const reader = new TextDatasetReader([input], { format: 'csv' });
  // Every piece the scoring cuts, seen as it is handed out.
  const seen: Uint8Array[] = [];
  const pieces = reader.pieces.bind(reader);
  reader.pieces = (options, allocate) => (async function* () {
    for await (const piece of pieces(options, allocate)) {
      seen.push(piece.bytes);
      yield piece;
    }
  })();
  const scoring = new TextPieceScoring(reader, { repo, target: 'm' }, 2);
  try {
    assert.deepEqual(await scoredRows(scoring, idPlan(10)), Array.from({ length: 200 }, (_, i) => [`r${i}`, i * 2]));
  } finally {
    await scoring.close();
  }
  assert.equal(seen.length, 20);
  assert.ok(seen.every((bytes) => bytes.byteLength > 0 && bytes.buffer.byteLength > 0), 'a transferred buffer would read as empty here');
});
