import type { ModelTask } from '../../core/model/index.ts';
import { corrupt, unsupported, type FieldRef } from './model-error.ts';
import { toDouble } from './number-lists.ts';

/** Turns raw scores into what LightGBM's predict() returns, in place: `scores` is [rows, k]. */
export type ConvertOutput = (scores: Float64Array, rows: number, k: number) => void;

export interface Objective {
  /** The objective's name as the file writes it (`binary`, `multiclass`, ...), absent when the file has none. */
  readonly name?: string;
  readonly task: ModelTask;
  readonly numClasses?: number;
  readonly convert: ConvertOutput;
}

const identity: ConvertOutput = () => {};

const signedSquare: ConvertOutput = (s) => {
  for (let i = 0; i < s.length; i++) s[i] = Math.sign(s[i]!) * s[i]! * s[i]!;
};

const exponential: ConvertOutput = (s) => {
  for (let i = 0; i < s.length; i++) s[i] = Math.exp(s[i]!);
};

const softplus: ConvertOutput = (s) => {
  for (let i = 0; i < s.length; i++) s[i] = Math.log1p(Math.exp(s[i]!));
};

function sigmoid(scale: number): ConvertOutput {
  return (s) => {
    for (let i = 0; i < s.length; i++) s[i] = 1 / (1 + Math.exp(-scale * s[i]!));
  };
}

/** Softmax per row, written as LightGBM's Common::Softmax so results match to the last bits. */
const softmax: ConvertOutput = (s, rows, k) => {
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    let max = s[o]!;
    for (let c = 1; c < k; c++) max = s[o + c]! < max ? max : s[o + c]!;
    let sum = 0;
    for (let c = 0; c < k; c++) {
      s[o + c] = Math.exp(s[o + c]! - max);
      sum += s[o + c]!;
    }
    for (let c = 0; c < k; c++) s[o + c] = s[o + c]! / sum;
  }
};

const REGRESSION_FAMILY = new Set(['regression', 'regression_l1', 'huber', 'fair', 'quantile', 'mape']);
const LOG_LINK = new Set(['poisson', 'gamma', 'tweedie']);
const RANKING = new Set(['lambdarank', 'rank_xendcg']);

interface ObjectiveLine {
  readonly name: string;
  readonly params: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
}

function splitLine(text: string): ObjectiveLine {
  const [name = '', ...rest] = text.trim().split(/\s+/);
  const params = new Map<string, string>();
  const flags = new Set<string>();
  for (const token of rest) {
    const colon = token.indexOf(':');
    if (colon < 0) flags.add(token);
    else params.set(token.slice(0, colon), token.slice(colon + 1));
  }
  return { name, params, flags };
}

function positiveParam(line: ObjectiveLine, key: string, fallback: number, ref: FieldRef): number {
  const text = line.params.get(key);
  if (text === undefined) return fallback;
  const value = toDouble(text);
  if (value === undefined || !(value > 0)) throw corrupt(ref, `objective parameter ${key}:${text} must be a positive number`);
  return value;
}

/**
 * Reads the `objective=` header the way LightGBM's loader does (canonical
 * names only). `treesPerIteration` is the model's class count.
 */
export function parseObjective(text: string | undefined, ref: FieldRef, treesPerIteration: number): Objective {
  if (text === undefined || text.trim() === '' || text.trim() === 'custom') {
    return { task: 'other', convert: identity };
  }
  const line = splitLine(text);
  const multi = line.name === 'multiclass' || line.name === 'multiclassova';
  if (multi) return multiclass(line, ref, treesPerIteration);
  const known = REGRESSION_FAMILY.has(line.name) || LOG_LINK.has(line.name) || RANKING.has(line.name)
    || ['binary', 'cross_entropy', 'cross_entropy_lambda'].includes(line.name);
  if (!known) throw unsupported(ref.file, `objective "${line.name}" is not supported`, ref.line);
  if (treesPerIteration !== 1) {
    throw corrupt(ref, `objective ${line.name} has one score per row but num_tree_per_iteration=${treesPerIteration}`);
  }
  return singleOutput(line, ref);
}

function singleOutput(line: ObjectiveLine, ref: FieldRef): Objective {
  const name = line.name;
  if (name === 'binary') return { name, task: 'binary', numClasses: 2, convert: sigmoid(positiveParam(line, 'sigmoid', 1, ref)) };
  if (name === 'cross_entropy') return { name, task: 'binary', numClasses: 2, convert: sigmoid(1) };
  if (name === 'cross_entropy_lambda') return { name, task: 'other', convert: softplus };
  if (LOG_LINK.has(name)) return { name, task: 'regression', convert: exponential };
  if (RANKING.has(name)) return { name, task: 'other', convert: identity };
  return { name, task: 'regression', convert: line.flags.has('sqrt') ? signedSquare : identity };
}

function multiclass(line: ObjectiveLine, ref: FieldRef, treesPerIteration: number): Objective {
  const declared = line.params.get('num_class');
  const numClasses = declared === undefined ? treesPerIteration : Number(declared);
  if (!Number.isInteger(numClasses) || numClasses !== treesPerIteration) {
    throw corrupt(ref, `objective ${line.name} declares num_class:${declared} but the model has ${treesPerIteration} trees per iteration`);
  }
  const convert = line.name === 'multiclass' ? softmax : sigmoid(positiveParam(line, 'sigmoid', 1, ref));
  return { name: line.name, task: 'multiclass', numClasses, convert };
}
