import type { PredictionRecord } from '../codec/output-decoder.ts';
import type { TensorMap } from '../tensor.ts';

/** Relative tolerance under which two scores count as the same answer. */
const TOLERANCE = 1e-6;

/**
 * Whether a shadow version answered like the primary: the same label where
 * the predictions carry one, else the same values (numbers within 1e-6).
 */
export function predictionsAgree(primary: readonly PredictionRecord[], shadow: readonly PredictionRecord[], labelField: string): boolean {
  if (primary.length !== shadow.length) return false;
  return primary.every((p, i) => {
    const s = shadow[i] as PredictionRecord;
    if (labelField in p) return sameValue(p[labelField], s[labelField]);
    return sameValue(p, s);
  });
}

/** The same for tensor answers: every output present in both, equal within tolerance. */
export function tensorsAgree(primary: TensorMap, shadow: TensorMap): boolean {
  return Object.entries(primary).every(([name, t]) => {
    const other = shadow[name];
    if (!other || other.data.length !== t.data.length) return false;
    for (let i = 0; i < t.data.length; i++) if (!sameValue(t.data[i], other.data[i])) return false;
    return true;
  });
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b || (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}
