import type { EncodedBatch, InputRecord, RecordEncoder, RejectedRow } from '../codec/record-encoder.ts';

/**
 * RecordEncoder.encodeLenient for a batch some of whose rows were already
 * rejected (by enrichment): the rows between rejected ones are encoded run
 * by run, each with its own first row, so the encoder's errors keep the
 * caller's row numbers; then the runs are joined into one matrix.
 */
export function encodeLenientSkipping(encoder: RecordEncoder, records: readonly InputRecord[], firstRow: number, skipped: readonly RejectedRow[]): EncodedBatch {
  if (skipped.length === 0) return encoder.encodeLenient(records, firstRow);
  const skip = new Set(skipped.map((r) => r.row - firstRow));
  const runs: EncodedBatch[] = [];
  let start = 0;
  for (let i = 0; i <= records.length; i++) {
    if (i < records.length && !skip.has(i)) continue;
    if (i > start) runs.push(encoder.encodeLenient(records.slice(start, i), firstRow + start));
    start = i + 1;
  }
  return join(encoder, runs, skipped);
}

function join(encoder: RecordEncoder, runs: readonly EncodedBatch[], skipped: readonly RejectedRow[]): EncodedBatch {
  const width = encoder.features.length;
  const total = runs.reduce((n, run) => n + run.rows.length, 0);
  const data = encoder.dtype === 'float32' ? new Float32Array(total * width) : new Float64Array(total * width);
  let offset = 0;
  for (const run of runs) {
    data.set(run.tensor.data as Float32Array | Float64Array, offset);
    offset += run.rows.length * width;
  }
  const rows = runs.flatMap((run) => run.rows);
  const rejected = [...skipped, ...runs.flatMap((run) => run.rejected)].sort((a, b) => a.row - b.row);
  return { tensor: { dtype: encoder.dtype, shape: [total, width], data }, rows, rejected };
}
