import { join } from 'node:path';
import { ModelRepository, type InputRecord, type RecordEncoder } from '../../src/core/index.ts';
import { allRuntimes } from '../../src/cli/runtimes.ts';
import { callsPerSecond } from '../core/timing.ts';

const RECORD: InputRecord = { amount: 412.5, mcc: '5944', hour: 2, is_foreign: true, card_age_days: 12, distance_from_home_km: 3800, device_changed: true, is_online: true, txn_count_1h: 3, txn_count_24h: 7, amount_sum_24h: 1290, avg_amount_30d: 64.2 };

/** The in-process limit: rows per second of each model's run() on encoded rows, at batch 1 and 64. */
export async function inProcessRowsPerSecond(models: readonly string[]): Promise<Record<string, { batch1: number; batch64: number }>> {
  const repository = new ModelRepository({ runtimes: allRuntimes(), root: join(import.meta.dirname, '..', '..', 'examples', 'fraud', 'models') });
  await repository.scan();
  const out: Record<string, { batch1: number; batch64: number }> = {};
  for (const name of models) {
    await repository.load(name);
    const served = repository.resolve(name);
    const encoder = served.schema.encoder as RecordEncoder;
    const input = served.schema.inputTensor as string;
    const one = { [input]: encoder.encode([RECORD]) };
    const many = { [input]: encoder.encode(Array.from({ length: 64 }, () => RECORD)) };
    out[name] = {
      batch1: await callsPerSecond(() => served.model.run(one), 1500),
      batch64: 64 * (await callsPerSecond(() => served.model.run(many), 1500)),
    };
  }
  await repository.close();
  return out;
}
