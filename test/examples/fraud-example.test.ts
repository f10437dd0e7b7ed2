import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvRecords } from '../../src/adapters/io/csv-records.ts';
import { InferenceService, ModelRepository } from '../../src/core/index.ts';
import { allRuntimes } from '../../src/cli/runtimes.ts';
import { PROJECT_ROOT } from '../helpers/fixtures.ts';

const EXAMPLE = join(PROJECT_ROOT, 'examples', 'fraud');
const expected = JSON.parse(readFileSync(join(EXAMPLE, 'data', 'sample.expected.json'), 'utf8')) as Record<string, number[]>;

async function scoreSample(model: string): Promise<{ probabilities: number[]; labels: unknown[] }> {
  const repository = new ModelRepository({ runtimes: allRuntimes(), root: join(EXAMPLE, 'models') });
  await repository.scan();
  await repository.load(model);
  const service = new InferenceService(repository);
  const probabilities: number[] = [];
  const labels: unknown[] = [];
  for await (const batch of csvRecords(createReadStream(join(EXAMPLE, 'data', 'sample.csv'), 'utf8'), { batchSize: 128 })) {
    const result = await service.infer({ model, records: batch.records, firstRow: batch.firstRow });
    for (const p of result.predictions ?? []) {
      probabilities.push(p.fraud_probability as number);
      labels.push(p.label);
    }
  }
  await repository.close();
  return { probabilities, labels };
}

for (const [model, threshold, atol] of [['fraud-xgb', 0.33, 1e-6], ['fraud-logreg', 0.28, 1e-6]] as const) {
  test(`${model} scores the sample CSV as its training library did`, async () => {
    const { probabilities, labels } = await scoreSample(model);
    const reference = expected[model] as number[];
    assert.equal(probabilities.length, reference.length);
    probabilities.forEach((p, i) => assert.ok(Math.abs(p - (reference[i] as number)) <= atol, `row ${i + 1}: ${p} vs ${reference[i]}`));
    labels.forEach((label, i) => assert.equal(label, (probabilities[i] as number) >= threshold ? 'fraud' : 'legit'));
    assert.ok(labels.includes('fraud') && labels.includes('legit'));
  });
}

test('the sample holds some fraud, and the two models agree on which rows are riskiest', async () => {
  const xgb = expected['fraud-xgb'] as number[];
  const logreg = expected['fraud-logreg'] as number[];
  const top = (ps: number[]): Set<number> => new Set(ps.map((p, i) => [p, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 10).map(([, i]) => i));
  const overlap = [...top(xgb)].filter((i) => top(logreg).has(i)).length;
  assert.ok(overlap >= 3, `top-10 overlap ${overlap}`);
});
