import { join } from 'node:path';
import { InferenceService, ModelRepository } from '../../src/core/index.ts';
import { allRuntimes } from '../../src/cli/runtimes.ts';
import { fraudRecords } from './codec-throughput.ts';
import { callsPerSecond } from './timing.ts';

/**
 * Microseconds per call of `service.infer()` with one record, against
 * `model.run()` on the already-encoded row, for the same model, back to back.
 */
export async function measureInferOverhead(modelName = 'fraud-xgb'): Promise<{ model: string; directUs: number; inferUs: number; overheadUs: number }> {
  const repository = new ModelRepository({ runtimes: allRuntimes(), root: join(import.meta.dirname, '..', '..', 'examples', 'fraud', 'models') });
  await repository.scan();
  await repository.load(modelName);
  const service = new InferenceService(repository);
  const served = repository.resolve(modelName);
  const { typed, encoder } = fraudRecords();
  const record = [typed[0] as Record<string, unknown>];
  const inputs = { [served.schema.inputTensor as string]: encoder.encode(record) };
  const rounds = 3;
  let direct = 0;
  let infer = 0;
  for (let i = 0; i < rounds; i++) {
    direct = Math.max(direct, await callsPerSecond(() => served.model.run(inputs), 700));
    infer = Math.max(infer, await callsPerSecond(() => service.infer({ model: modelName, records: record }), 700));
  }
  await repository.close();
  const directUs = 1e6 / direct;
  const inferUs = 1e6 / infer;
  return { model: modelName, directUs, inferUs, overheadUs: inferUs - directUs };
}
