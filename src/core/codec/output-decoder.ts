import { TetraError } from '../errors/index.ts';
import type { ModelTask } from '../model/model-description.ts';
import { halfBitsToNumber } from '../float16.ts';
import type { Tensor, TensorMap } from '../tensor.ts';
import { objectMaker, type ObjectMaker } from './object-maker.ts';

/** How a model's output tensors become named fields of a prediction record. */
export interface OutputSpec {
  readonly task: ModelTask;
  /** The tensor with probabilities (classifiers) or values (regressors). */
  readonly scoreOutput?: string;
  /** Class labels in score-column order. */
  readonly classes?: readonly (string | number)[];
  /** Binary: the positive class when P(positive) >= threshold. */
  readonly threshold: number;
  readonly probabilityField: string;
  readonly probabilitiesField: string;
  readonly labelField: string;
  readonly valueField: string;
}

export type PredictionRecord = Record<string, unknown>;

/** Turns output tensors (first dimension = rows) into one record per row. */
export function decodeOutputs(spec: OutputSpec, outputs: TensorMap, rows: number): PredictionRecord[] {
  const score = spec.scoreOutput ? outputs[spec.scoreOutput] : undefined;
  if (spec.scoreOutput && !score) {
    throw new TetraError('MODEL_RUN_FAILED', `the model did not return its score output "${spec.scoreOutput}"`, { field: spec.scoreOutput });
  }
  for (const name in outputs) {
    const t = outputs[name] as Tensor;
    if ((t.shape.length === 0 ? 1 : t.shape[0]) !== rows) {
      throw new TetraError('MODEL_RUN_FAILED', `output "${name}" has shape [${t.shape.join(', ')}] for ${rows} input rows; each row needs its own value`, { field: name });
    }
  }
  switch (score ? spec.task : 'other') {
    case 'binary':
      return decodeBinary(spec, score as Tensor, rows);
    case 'multiclass':
      return decodeMulticlass(spec, score as Tensor, rows);
    case 'regression':
      return decodeRegression(spec, score as Tensor, rows);
    default:
      return decodeAll(outputs, rows);
  }
}

function decodeBinary(spec: OutputSpec, score: Tensor, rows: number): PredictionRecord[] {
  const width = rowWidth(score);
  if (width !== 1 && width !== 2) {
    throw new TetraError('INTERNAL', `binary model output has ${width} columns; expected 1 (P(positive)) or 2 (P(negative), P(positive))`);
  }
  const data = numbers(score);
  const [negative, positive] = spec.classes ?? [0, 1];
  const prediction = predictionMaker(spec, 'binary');
  const out: PredictionRecord[] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    const p = Number(data[r * width + width - 1]);
    out[r] = prediction(p, p >= spec.threshold ? positive : negative);
  }
  return out;
}

function decodeMulticlass(spec: OutputSpec, score: Tensor, rows: number): PredictionRecord[] {
  const width = rowWidth(score);
  const classes = spec.classes ?? Array.from({ length: width }, (_, i) => i);
  if (classes.length !== width) {
    throw new TetraError('INTERNAL', `the model gives ${width} class scores but ${classes.length} classes are declared`);
  }
  const data = numbers(score);
  const out: PredictionRecord[] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    const probabilities: Record<string, number> = {};
    let best = 0;
    for (let k = 0; k < width; k++) {
      const p = Number(data[r * width + k]);
      probabilities[String(classes[k])] = p;
      if (p > Number(data[r * width + best])) best = k;
    }
    out[r] = { [spec.probabilitiesField]: probabilities, [spec.labelField]: classes[best] };
  }
  return out;
}

function decodeRegression(spec: OutputSpec, score: Tensor, rows: number): PredictionRecord[] {
  const width = rowWidth(score);
  const prediction = predictionMaker(spec, 'regression');
  const out: PredictionRecord[] = new Array(rows);
  for (let r = 0; r < rows; r++) out[r] = prediction(rowValue(score, r, width));
  return out;
}

/** A served model's spec lives as long as the model: its maker is found without building a key per call. */
const makers = new WeakMap<OutputSpec, ObjectMaker>();

function predictionMaker(spec: OutputSpec, task: 'binary' | 'regression'): ObjectMaker {
  let maker = makers.get(spec);
  if (!maker) {
    maker = objectMaker(task === 'binary' ? [spec.probabilityField, spec.labelField] : [spec.valueField]);
    makers.set(spec, maker);
  }
  return maker;
}

/** Models without a known meaning: every output tensor, row by row. */
function decodeAll(outputs: TensorMap, rows: number): PredictionRecord[] {
  const out: PredictionRecord[] = Array.from({ length: rows }, () => ({}));
  for (const [name, t] of Object.entries(outputs)) {
    const width = rowWidth(t);
    for (let r = 0; r < rows; r++) (out[r] as PredictionRecord)[name] = rowValue(t, r, width);
  }
  return out;
}

function rowWidth(t: Tensor): number {
  let width = 1;
  for (let d = 1; d < t.shape.length; d++) width *= t.shape[d] as number;
  return width;
}

/** A numeric tensor's values as plain numbers (float16 bits decoded). */
function numbers(t: Tensor): ArrayLike<number> {
  if (t.dtype === 'string' || t.dtype === 'bool') throw new TetraError('MODEL_RUN_FAILED', `the score output holds ${t.dtype} values, not numbers`);
  if (t.dtype === 'float16') return Array.from(t.data as Uint16Array, halfBitsToNumber);
  if (t.dtype === 'int64' || t.dtype === 'uint64') return Array.from(t.data as BigInt64Array, Number);
  return t.data as ArrayLike<number>;
}

/** One row of a tensor as a JSON-friendly value: a scalar, or an array when the row has several values. */
export function rowValue(t: Tensor, row: number, width: number): unknown {
  const data = t.data as ArrayLike<unknown>;
  if (width === 1 && t.shape.length <= 1) return plain(t, data[row]);
  const values = new Array(width);
  for (let i = 0; i < width; i++) values[i] = plain(t, data[row * width + i]);
  return values;
}

function plain(t: Tensor, v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (t.dtype === 'bool') return v === 1;
  if (t.dtype === 'float16') return halfBitsToNumber(v as number);
  return v;
}
