import type { ModelTask } from '../../core/index.ts';
import { ModelFieldError, ModelUnsupportedError } from './document-error.ts';

/** How predict() turns a margin into what it returns. */
export type OutputTransform = 'identity' | 'sigmoid' | 'exp' | 'softprob' | 'softmax' | 'hinge';

/** How `base_score` (stored in output space) maps to the margin the trees add to. */
export type BaseScoreLink = 'identity' | 'logit' | 'log';

export interface ObjectiveInfo {
  readonly name: string;
  readonly task: ModelTask;
  readonly transform: OutputTransform;
  readonly link: BaseScoreLink;
}

const IDENTITY_REGRESSION = [
  'reg:squarederror', 'reg:linear', 'reg:squaredlogerror', 'reg:pseudohubererror',
  'reg:absoluteerror', 'reg:quantileerror', 'reg:expectileerror',
];
const LOG_LINK = ['count:poisson', 'reg:gamma', 'reg:tweedie', 'survival:aft', 'survival:cox'];
const RANKING = ['rank:pairwise', 'rank:ndcg', 'rank:map'];

const TABLE: Record<string, Omit<ObjectiveInfo, 'name'>> = {
  'binary:logistic': { task: 'binary', transform: 'sigmoid', link: 'logit' },
  'reg:logistic': { task: 'regression', transform: 'sigmoid', link: 'logit' },
  // logitraw trains with the logistic loss but stores base_score as a margin already.
  'binary:logitraw': { task: 'binary', transform: 'identity', link: 'identity' },
  'binary:hinge': { task: 'binary', transform: 'hinge', link: 'identity' },
  'multi:softprob': { task: 'multiclass', transform: 'softprob', link: 'identity' },
  'multi:softmax': { task: 'multiclass', transform: 'softmax', link: 'identity' },
  ...Object.fromEntries(IDENTITY_REGRESSION.map((n) => [n, { task: 'regression', transform: 'identity', link: 'identity' }])),
  ...Object.fromEntries(LOG_LINK.map((n) => [n, { task: 'regression', transform: 'exp', link: 'log' }])),
  ...Object.fromEntries(RANKING.map((n) => [n, { task: 'other', transform: 'identity', link: 'identity' }])),
};

export function objectiveInfo(name: string, path: string): ObjectiveInfo {
  const info = TABLE[name];
  if (!info) throw new ModelUnsupportedError(path, `objective "${name}" is not supported (supported: ${Object.keys(TABLE).join(', ')})`);
  return { name, ...info };
}

/**
 * Parses `base_score` in every stored form: a number, a scalar string
 * ("5E-1") or a bracketed vector ("[2.35E-1]", "[0.3,0.3,0.4]").
 */
export function parseBaseScore(value: unknown, path: string): number[] {
  if (typeof value === 'number') return [value];
  if (typeof value !== 'string') throw new ModelFieldError(path, `expected a number or a numeric string, found ${typeof value}`);
  const inner = value.trim().replace(/^\[/, '').replace(/\]$/, '');
  const parts = inner.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  if (parts.some((s) => s === '') || values.some((v) => !Number.isFinite(v))) {
    throw new ModelFieldError(path, `"${value}" is not a number or a list of numbers`);
  }
  return values;
}

/**
 * Converts base scores from output space to margins. XGBoost holds the
 * score as float32 and computes `1/p - 1` in float32 before the logarithm;
 * doing the same reproduces its margins bit for bit.
 */
export function baseScoreToMargin(values: readonly number[], link: BaseScoreLink, path: string): number[] {
  return values.map((stored) => {
    const v = Math.fround(stored);
    if (link === 'identity') return v;
    if (link === 'log') {
      if (!(v > 0)) throw new ModelFieldError(path, `base_score ${v} must be positive for a log-link objective`);
      return Math.fround(Math.log(v));
    }
    if (!(v > 0 && v < 1)) throw new ModelFieldError(path, `base_score ${v} must lie strictly between 0 and 1 for a logistic objective`);
    return Math.fround(-Math.log(Math.fround(1 / v) - 1));
  });
}

/**
 * Applies the objective's transform to `margins` (rows x k) into `out`.
 * For softmax `out` receives the class probabilities; the class index is
 * taken separately by `argmaxRows`.
 */
export function transformMargins(transform: OutputTransform, margins: Float32Array, rows: number, k: number, out: Float32Array): void {
  switch (transform) {
    case 'identity':
      out.set(margins);
      return;
    case 'sigmoid':
      for (let i = 0; i < margins.length; i++) out[i] = 1 / (1 + Math.exp(-(margins[i] as number)));
      return;
    case 'exp':
      for (let i = 0; i < margins.length; i++) out[i] = Math.exp(margins[i] as number);
      return;
    case 'hinge':
      for (let i = 0; i < margins.length; i++) out[i] = (margins[i] as number) > 0 ? 1 : 0;
      return;
    default:
      softmaxRows(margins, rows, k, out);
  }
}

function softmaxRows(margins: Float32Array, rows: number, k: number, out: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < k; j++) max = Math.max(max, margins[o + j] as number);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp((margins[o + j] as number) - max);
    for (let j = 0; j < k; j++) out[o + j] = Math.exp((margins[o + j] as number) - max) / sum;
  }
}

/** Index of the largest margin in each row; the first one wins ties, as in XGBoost. */
export function argmaxRows(margins: Float32Array, rows: number, k: number, out: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    let best = 0;
    for (let j = 1; j < k; j++) if ((margins[o + j] as number) > (margins[o + best] as number)) best = j;
    out[r] = best;
  }
}
