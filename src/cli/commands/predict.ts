import type { RecordBatch } from '../../adapters/io/record-batch.ts';
import type { InputRecord, ServedModel } from '../../core/index.ts';
import { readInput, type InputFormat } from '../input-source.ts';
import { openModel } from '../open-model.ts';
import { writeOut } from '../output.ts';

export interface PredictOptions {
  readonly model: string;
  readonly repo: string;
  readonly version?: string;
  readonly input?: string;
  readonly format?: InputFormat;
  readonly delimiter?: string;
  readonly batchSize?: number;
}

/** `tetra predict`: one JSON line of predictions per input row, in input order. */
export async function predictCommand(options: PredictOptions): Promise<void> {
  const { name, repository, service } = await openModel(options.model, options.repo);
  try {
    const served = repository.resolve(name, options.version);
    const byPosition = positionalNames(served);
    for await (const batch of readInput({ path: options.input, format: options.format, delimiter: options.delimiter, batchSize: options.batchSize })) {
      const records = byPosition ? renameByPosition(batch, byPosition) : batch.records;
      const result = await service.infer({ model: name, version: served.version, records, firstRow: batch.firstRow, mode: 'cli' });
      await writeOut((result.predictions ?? []).map((p) => JSON.stringify(p)).join('\n') + '\n');
    }
  } finally {
    await repository.close();
  }
}

/** Feature names when the model only knows its features by position (f0, f1, ...). */
function positionalNames(served: ServedModel): readonly string[] | undefined {
  if (served.config?.inputs || served.model.description.featureNamesFromFile) return undefined;
  return served.schema.encoder?.features.map((f) => f.name);
}

/**
 * A model without feature names takes columns by position, when the input's
 * columns are exactly as many as the features and none of them is named
 * like a feature.
 */
function renameByPosition(batch: RecordBatch, names: readonly string[]): InputRecord[] {
  const first = batch.records[0];
  if (!first) return batch.records;
  const keys = Object.keys(first);
  if (keys.length !== names.length || keys.some((k) => names.includes(k))) return batch.records;
  return batch.records.map((record) => {
    const values = Object.values(record);
    return Object.fromEntries(names.map((n, i) => [n, values[i]]));
  });
}
