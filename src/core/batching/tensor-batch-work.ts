import { TetraError } from '../errors/index.ts';
import type { LoadedModel } from '../model/model-runtime.ts';
import { concatRows, sliceRows, type Tensor, type TensorMap } from '../tensor.ts';
import type { BatchWork } from './batch-work.ts';

/** One call to a model: its input tensors and the outputs it wants. */
export interface TensorCall {
  readonly inputs: TensorMap;
  readonly outputs?: readonly string[];
}

/** Batching for tensor models: inputs join along the batch dimension; outputs split back by rows. */
export function tensorBatchWork(model: LoadedModel): BatchWork<TensorCall, TensorMap> {
  return {
    size: (call) => batchRows(call.inputs),
    key: callKey,
    merge: (calls) => {
      const names = Object.keys((calls[0] as TensorCall).inputs);
      const inputs: TensorMap = {};
      for (const name of names) inputs[name] = concatRows(calls.map((c) => c.inputs[name] as Tensor));
      return { inputs, outputs: (calls[0] as TensorCall).outputs };
    },
    split: (result, sizes) => splitRows(result, sizes),
    run: (call) => model.run(call.inputs, call.outputs ? { outputs: call.outputs } : undefined),
  };
}

/**
 * Calls share a model call only when their tensors line up: the same input
 * names, dtypes and per-row shapes, and the same requested outputs.
 */
function callKey(call: TensorCall): string {
  const names = Object.keys(call.inputs);
  if (names.length > 1) names.sort();
  let key = call.outputs === undefined ? '*' : call.outputs.join(',');
  for (const name of names) {
    const t = call.inputs[name] as Tensor;
    key += `|${name}:${t.dtype}`;
    for (let d = 1; d < t.shape.length; d++) key += `x${t.shape[d]}`;
  }
  return key;
}

function batchRows(inputs: TensorMap): number {
  const first = Object.values(inputs)[0];
  if (!first) return 0;
  return first.shape.length === 0 ? 1 : (first.shape[0] as number);
}

function splitRows(result: TensorMap, sizes: readonly number[]): TensorMap[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const parts: TensorMap[] = sizes.map(() => ({}));
  for (const [name, t] of Object.entries(result)) {
    if (t.shape[0] !== total) {
      throw new TetraError('MODEL_RUN_FAILED', `output "${name}" has ${t.shape[0] ?? 'no'} rows for a batch of ${total}; it cannot be split between callers`);
    }
    let start = 0;
    sizes.forEach((rows, i) => {
      (parts[i] as TensorMap)[name] = sliceRows(t, start, start + rows);
      start += rows;
    });
  }
  return parts;
}
