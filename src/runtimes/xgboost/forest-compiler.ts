import { CompactForest } from './compact-forest.ts';
import type { ForestSource, MarginEvaluator } from './forest-source.ts';
import { fitsPerfectLayout, PerfectForest } from './perfect-forest.ts';

/** Which flat layout to compile to; `auto` picks the fastest one the trees allow. */
export type ForestLayout = 'auto' | 'perfect' | 'compact';

/** Compiles to the perfect layout when asked or possible, else to the compact one; callers check `perfect` first. */
export function compileForest(source: ForestSource, layout: ForestLayout = 'auto'): MarginEvaluator {
  if (layout === 'compact' || !fitsPerfectLayout(source.trees)) return new CompactForest(source);
  return new PerfectForest(source);
}
