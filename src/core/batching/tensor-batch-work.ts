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
  const key = lastKeyMemo();
  return {
    size: (call) => batchRows(call.inputs),
    key,
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

/**
 * callKey, remembering the last key of the usual call (one `[N, width]`
 * input, default outputs: every records call). A model's calls mostly look
 * alike: the key is then found without building a string per call, and
 * being the same string, compares at once when batches are formed.
 */
function lastKeyMemo(): (call: TensorCall) => string {
  let last: { name: string; dtype: string; width: number; key: string } | undefined;
  return (call) => {
    const name = call.outputs === undefined ? onlyInputName(call.inputs) : undefined;
    const t = name === undefined ? undefined : call.inputs[name];
    if (name === undefined || !t || t.shape.length !== 2) return callKey(call);
    if (last && last.name === name && last.dtype === t.dtype && last.width === t.shape[1]) return last.key;
    last = { name, dtype: t.dtype, width: t.shape[1] as number, key: callKey(call) };
    return last.key;
  };
}

/** The name of a call's input when it has exactly one, without making the list of names. */
function onlyInputName(inputs: TensorMap): string | undefined {
  let found: string | undefined;
  for (const name in inputs) {
    if (found !== undefined) return undefined;
    found = name;
  }
  return found;
}

function batchRows(inputs: TensorMap): number {
  for (const name in inputs) {
    const first = inputs[name] as Tensor;
    return first.shape.length === 0 ? 1 : (first.shape[0] as number);
  }
  return 0;
}

function splitRows(result: TensorMap, sizes: readonly number[]): TensorMap[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const parts: TensorMap[] = sizes.map(() => ({}));
  for (const [name, t] of Object.entries(result)) {
    if (t.shape[0] !== total) {
      throw new TetraError('MODEL_RUN_FAILED', `output "${name}" has ${t.shape[0] ?? 'no'} rows for a batch of ${total}; it cannot be split between callers`);
    }
    let start = 0;
    for (let i = 0; i < sizes.length; i++) {
      const rows = sizes[i] as number;
      (parts[i] as TensorMap)[name] = sliceRows(t, start, start + rows);
      start += rows;
    }
  }
  return parts;
}
