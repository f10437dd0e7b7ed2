import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDatasetReader } from '../../src/adapters/io/text-dataset-reader.ts';
import { TextPieceScoring } from '../../src/cli/batch-threads.ts';
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
