import type { FlatForest } from './flat-forest.ts';

// Decision semantics follow LightGBM's tree.h (NumericalDecision,
// CategoricalDecision): decision_type bit 0 = categorical, bit 1 =
// default_left, bits 2-3 = missing type (0 None, 1 Zero, 2 NaN).
const CATEGORICAL = 1;
const DEFAULT_LEFT = 2;
const MISSING_ZERO = 1;
const MISSING_NAN = 2;
/** LightGBM's kZeroThreshold: |x| <= this counts as zero for missing type Zero. */
const ZERO_THRESHOLD = 1e-35;
/** static_cast<int> of anything at or above 2^31 gives INT_MIN on x86, a negative category. */
const INT_LIMIT = 2147483648;

/**
 * Whether category value `v` is in the node's bitset. NaN, values that
 * truncate to a negative int and values beyond int range are never in it
 * (they go right), as in LightGBM; (-1, 0) truncates to category 0.
 */
function inCategorySet(f: FlatForest, node: number, v: number): boolean {
  if (!(v > -1 && v < INT_LIMIT)) return false;
  const c = Math.trunc(v);
  const word = c >>> 5;
  if (word >= f.catWords[node]!) return false;
  return ((f.catBits[f.catStart[node]! + word]! >>> (c & 31)) & 1) === 1;
}

/** Global leaf reached by the row whose features start at `x[base]`. */
export function findLeaf(f: FlatForest, tree: number, x: Float64Array, base: number): number {
  const { feature, threshold, decision, left, right } = f;
  let node = f.treeRoot[tree]!;
  while (node >= 0) {
    let v = x[base + feature[node]!]!;
    const d = decision[node]!;
    if ((d & CATEGORICAL) !== 0) {
      node = inCategorySet(f, node, v) ? left[node]! : right[node]!;
      continue;
    }
    const missing = (d >> 2) & 3;
    if (v !== v) {
      if (missing === MISSING_NAN) {
        node = (d & DEFAULT_LEFT) !== 0 ? left[node]! : right[node]!;
        continue;
      }
      v = 0;
    }
    if (missing === MISSING_ZERO && v >= -ZERO_THRESHOLD && v <= ZERO_THRESHOLD) {
      node = (d & DEFAULT_LEFT) !== 0 ? left[node]! : right[node]!;
      continue;
    }
    node = v <= threshold[node]! ? left[node]! : right[node]!;
  }
  return ~node;
}

/** Linear leaf: constant + sum(coeff * x); the plain leaf value when any of its features is NaN. */
function linearLeafOutput(f: FlatForest, leaf: number, x: Float64Array, base: number): number {
  let out = f.leafConst[leaf]!;
  const end = f.termStart[leaf + 1]!;
  for (let j = f.termStart[leaf]!; j < end; j++) {
    const v = x[base + f.termFeature[j]!]!;
    if (v !== v) return f.leafValue[leaf]!;
    out += f.termCoeff[j]! * v;
  }
  return out;
}

function treeOutput(f: FlatForest, tree: number, x: Float64Array, base: number): number {
  const leaf = findLeaf(f, tree, x, base);
  return f.treeIsLinear[tree] === 0 ? f.leafValue[leaf]! : linearLeafOutput(f, leaf, x, base);
}

/** Which trees to use: `iterations` iterations of `perIteration` trees from tree `firstTree`. */
export interface TreeRange {
  readonly firstTree: number;
  readonly iterations: number;
  readonly perIteration: number;
}

/**
 * Adds the trees' outputs into `out` ([rows, perIteration], zeroed), in
 * LightGBM's order (iteration by iteration, class by class) so float64 sums
 * match its raw scores bit for bit.
 */
export function accumulateScores(f: FlatForest, x: Float64Array, rows: number, numFeatures: number, range: TreeRange, out: Float64Array): void {
  const k = range.perIteration;
  for (let r = 0; r < rows; r++) {
    const base = r * numFeatures;
    const o = r * k;
    let t = range.firstTree;
    for (let i = 0; i < range.iterations; i++) {
      for (let c = 0; c < k; c++, t++) out[o + c] += treeOutput(f, t, x, base);
    }
  }
}

/** Leaf index (within its tree) per row and tree: `out` is [rows, iterations * perIteration]. */
export function writeLeafIndices(f: FlatForest, x: Float64Array, rows: number, numFeatures: number, range: TreeRange, out: Int32Array): void {
  const trees = range.iterations * range.perIteration;
  for (let r = 0; r < rows; r++) {
    const base = r * numFeatures;
    const o = r * trees;
    for (let j = 0; j < trees; j++) {
      const t = range.firstTree + j;
      out[o + j] = findLeaf(f, t, x, base) - f.treeLeafBase[t]!;
    }
  }
}
