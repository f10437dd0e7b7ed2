import type { ParsedTree } from './tree-parser.ts';

/** The trees to compile, already narrowed to the selected iterations. */
export interface ForestSource {
  readonly trees: readonly ParsedTree[];
  /** Output each scalar-leaf tree adds to. */
  readonly groups: Int32Array;
  /** Per-tree DART weight, aligned with `trees`; undefined when all are 1. */
  readonly weights?: Float32Array;
  readonly numFeature: number;
  readonly numOutputs: number;
}

/** A compiled forest. */
export interface MarginEvaluator {
  /**
   * Adds every tree's output to `margins` (rows x numOutputs, pre-filled
   * with the base margin). `x` holds rows x numFeature float32 values, NaN
   * for missing. Sums run in float32 in tree order, as XGBoost's do.
   */
  accumulate(x: Float32Array, rows: number, margins: Float32Array): void;
}

/** A leaf value as XGBoost adds it: DART scales each tree's output by its weight in float32. */
export function weightedLeaf(value: number, weight: number): number {
  return weight === 1 ? value : Math.fround(value * weight);
}
