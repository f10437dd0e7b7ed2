import { TetraError } from '../../core/errors/index.ts';
import type { RuntimeOptions } from '../../core/model/index.ts';
import type { TreeRange } from './forest-eval.ts';

function optionInt(options: RuntimeOptions | undefined, key: string): number | undefined {
  const value = options?.[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TetraError('CONFIG_INVALID', `runtime option ${key} must be an integer, got ${JSON.stringify(value)}`, { path: `runtime_options.${key}` });
  }
  return value;
}

/**
 * The trees LightGBM's predict(start_iteration=S, num_iteration=N) uses,
 * clamped as its GBDT::InitPredict does: S below 0 counts as 0, N <= 0 means
 * every iteration from S on. Text models carry no best iteration (save_model
 * already cut the file at it), so the default is every tree in the file.
 */
export function iterationRange(options: RuntimeOptions | undefined, totalTrees: number, perIteration: number): TreeRange {
  const total = totalTrees / perIteration;
  const start = Math.min(Math.max(optionInt(options, 'start_iteration') ?? 0, 0), total);
  const requested = optionInt(options, 'num_iteration') ?? 0;
  const iterations = requested > 0 ? Math.min(requested, total - start) : total - start;
  return { firstTree: start * perIteration, iterations, perIteration };
}
