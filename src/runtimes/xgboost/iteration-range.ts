import { type RuntimeOptions, TetraError } from '../../core/index.ts';

/** Boosting iterations [begin, end) to use; end is exclusive. */
export interface IterationRange {
  readonly begin: number;
  readonly end: number;
}

/**
 * Resolves the runtime options `iteration_range: [begin, end]` (end 0 means
 * the last iteration, as in XGBoost's predict) and `use_best_iteration: true`
 * (iterations up to the model's `best_iteration` attribute, inclusive).
 */
export function resolveIterationRange(options: RuntimeOptions, numIterations: number, bestIteration: number | undefined, file: string): IterationRange {
  const range = options.iteration_range;
  const useBest = options.use_best_iteration;
  if (useBest !== undefined && typeof useBest !== 'boolean') {
    throw invalid('use_best_iteration', `must be true or false, found ${JSON.stringify(useBest)}`, file);
  }
  if (range !== undefined && useBest === true) {
    throw invalid('iteration_range', 'cannot be combined with use_best_iteration', file);
  }
  if (useBest === true) {
    if (bestIteration === undefined) throw invalid('use_best_iteration', 'the model has no best_iteration attribute (it was not trained with early stopping)', file);
    return checked({ begin: 0, end: bestIteration + 1 }, numIterations, file);
  }
  if (range === undefined) return { begin: 0, end: numIterations };
  if (!Array.isArray(range) || range.length !== 2 || !range.every((v) => Number.isSafeInteger(v) && v >= 0)) {
    throw invalid('iteration_range', `must be [begin, end] with whole numbers >= 0, found ${JSON.stringify(range)}`, file);
  }
  const [begin, end] = range as [number, number];
  return checked({ begin, end: end === 0 ? numIterations : end }, numIterations, file);
}

function checked(r: IterationRange, numIterations: number, file: string): IterationRange {
  if (r.begin >= r.end || r.end > numIterations) {
    throw invalid('iteration_range', `[${r.begin}, ${r.end}) is not a non-empty range within the model's ${numIterations} iterations`, file);
  }
  return r;
}

function invalid(key: string, message: string, file: string): TetraError {
  return new TetraError('CONFIG_INVALID', `${file}: runtime option ${key} ${message}`, { path: `runtime_options.${key}`, file });
}
