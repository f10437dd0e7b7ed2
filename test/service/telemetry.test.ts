import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pino } from 'pino';
import { InferenceService, ModelRepository } from '../../src/core/index.ts';
import { Telemetry } from '../../src/core/telemetry/index.ts';
import { allRuntimes } from '../../src/cli/runtimes.ts';
import { PROJECT_ROOT } from '../helpers/fixtures.ts';

test('infer() counts calls by outcome and records batch sizes under tetra_* names', async () => {
  const telemetry = new Telemetry({ logger: pino({ level: 'silent' }) });
  const repository = new ModelRepository({ runtimes: allRuntimes(), root: join(PROJECT_ROOT, 'examples', 'fraud', 'models'), onBatch: telemetry.onBatch });
  const service = new InferenceService(repository, telemetry);
  await repository.scan();
  await repository.load('fraud-logreg');
  const tx = { amount: 120, mcc: '5812', hour: 13, is_foreign: false, card_age_days: 400, distance_from_home_km: 3, device_changed: false, is_online: false, txn_count_1h: 0, txn_count_24h: 2, amount_sum_24h: 80, avg_amount_30d: 60 };
  await Promise.all([1, 2, 3].map(() => service.infer({ model: 'fraud-logreg', records: [tx], mode: 'batch' })));
  await assert.rejects(service.infer({ model: 'fraud-logreg', records: [{ ...tx, hour: 'noon' }], mode: 'batch' }));
  const text = await telemetry.registry.metrics();
  assert.match(text, /tetra_inference_requests_total\{model="fraud-logreg",version="1",mode="batch",outcome="ok"\} 3/);
  assert.match(text, /tetra_inference_requests_total\{model="fraud-logreg",version="1",mode="batch",outcome="INPUT_WRONG_TYPE"\} 1/);
  assert.match(text, /tetra_batch_size_sum\{model="fraud-logreg",version="1"\} 3/);
  assert.match(text, /tetra_batch_size_count\{model="fraud-logreg",version="1"\} 1/);
  await repository.close();
});
