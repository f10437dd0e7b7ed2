import { join } from 'node:path';
import { InferenceService, ModelRepository, tensor, type ModelMetadata, type RecordEncoder } from '../../src/core/index.ts';
import { allRuntimes } from '../../src/cli/runtimes.ts';

export const FRAUD_REPO = join(import.meta.dirname, '..', '..', 'examples', 'fraud', 'models');
export const FRAUD_MODEL = 'fraud-xgb';

/** A batch of encoded rows: `rows` x the model's feature count, row-major. */
export type FeatureMatrix = Float32Array | Float64Array;

export interface FraudModel {
  readonly encoder: RecordEncoder;
  /** What batch mode reads from the model before a job (the record fields, the features' kinds). */
  readonly metadata: ModelMetadata;
  /** The loaded runtime called directly, as the inference service calls it: default outputs, no queue. */
  run(matrix: FeatureMatrix, rows: number): Promise<unknown>;
  close(): Promise<void>;
}

/** The fraud example's tree model, loaded through the repository so its model.yaml applies as in batch mode. */
export async function openFraudModel(): Promise<FraudModel> {
  const repository = new ModelRepository({ runtimes: allRuntimes(), root: FRAUD_REPO });
  await repository.scan();
  await repository.load(FRAUD_MODEL);
  const served = repository.resolve(FRAUD_MODEL);
  const encoder = served.schema.encoder as RecordEncoder;
  const input = served.schema.inputTensor as string;
  const width = encoder.features.length;
  return {
    encoder,
    metadata: new InferenceService(repository).metadata(FRAUD_MODEL),
    run: (matrix, rows) => served.model.run({ [input]: tensor(encoder.dtype, [rows, width], matrix) }),
    close: () => repository.close(),
  };
}

/** What a model thread is given: the encoded batches to cycle through, and which of the run's batches are its. */
export interface ModelShare {
  readonly pool: readonly FeatureMatrix[];
  readonly chunkRows: number;
  readonly totalRows: number;
  readonly first: number;
  readonly step: number;
}

/** Rows in batch `k` of a run of `totalRows` rows cut every `chunkRows` (the last one is short). */
export function batchRows(k: number, chunkRows: number, totalRows: number): number {
  return Math.min(chunkRows, totalRows - k * chunkRows);
}

/** Runs the model once on each pooled batch, so compilation and first-touch costs fall outside the timing. */
export async function warmUp(model: FraudModel, pool: readonly FeatureMatrix[]): Promise<void> {
  const width = model.encoder.features.length;
  for (const matrix of pool) await model.run(matrix, matrix.length / width);
}

/** Scores a share of the run's batches one after another; returns the rows scored. */
export async function scoreShare(model: FraudModel, share: ModelShare): Promise<number> {
  const width = model.encoder.features.length;
  let rows = 0;
  for (let k = share.first; k * share.chunkRows < share.totalRows; k += share.step) {
    const n = batchRows(k, share.chunkRows, share.totalRows);
    const matrix = share.pool[k % share.pool.length] as FeatureMatrix;
    await model.run(n * width === matrix.length ? matrix : matrix.subarray(0, n * width), n);
    rows += n;
  }
  return rows;
}
