import { type ForestSource, type MarginEvaluator, weightedLeaf } from './forest-source.ts';
import type { ParsedTree } from './tree-parser.ts';

const NUMERIC = 0;
const CATEGORICAL = 1;
const LEAF = 2;
const VECTOR_LEAF = 3;

/** XGBoost treats category codes at or above 2^24 (not exact in float32) as unknown. */
const MAX_CATEGORY = 2 ** 24;

/**
 * The general layout: every node reachable from a root, renumbered so the
 * two children of a split sit next to each other (right = left + 1), in
 * flat typed arrays. Handles everything the format allows: categorical
 * splits, vector leaves, non-finite thresholds, any depth.
 */
export class CompactForest implements MarginEvaluator {
  private readonly roots: Int32Array;
  private readonly groups: Int32Array;
  private readonly kind: Uint8Array;
  private readonly feature: Int32Array;
  /** Threshold for splits, value for scalar leaves. */
  private readonly value: Float32Array;
  /** Left child for splits, offset into `leafVectors` for vector leaves. */
  private readonly child: Int32Array;
  private readonly defaultLeft: Uint8Array;
  /** Per categorical split, its slice of `catCodes` (sorted, so membership is a binary search). */
  private readonly catStart: Int32Array;
  private readonly catCount: Int32Array;
  private readonly catCodes: Int32Array;
  private readonly leafVectors: Float32Array;
  private readonly numFeature: number;
  private readonly numOutputs: number;

  constructor(source: ForestSource) {
    const b = new CompactBuilder();
    source.trees.forEach((tree, t) => b.addTree(tree, source.weights ? (source.weights[t] as number) : 1));
    this.roots = Int32Array.from(b.roots);
    this.groups = source.groups;
    this.kind = Uint8Array.from(b.kind);
    this.feature = Int32Array.from(b.feature);
    this.value = Float32Array.from(b.value);
    this.child = Int32Array.from(b.child);
    this.defaultLeft = Uint8Array.from(b.defaultLeft);
    this.catStart = Int32Array.from(b.catStart);
    this.catCount = Int32Array.from(b.catCount);
    this.catCodes = Int32Array.from(b.catCodes);
    this.leafVectors = Float32Array.from(b.leafVectors);
    this.numFeature = source.numFeature;
    this.numOutputs = source.numOutputs;
  }

  accumulate(x: Float32Array, rows: number, margins: Float32Array): void {
    const { roots, groups, kind, value, child, leafVectors, numFeature, numOutputs } = this;
    for (let r = 0; r < rows; r++) {
      const xo = r * numFeature;
      const mo = r * numOutputs;
      for (let t = 0; t < roots.length; t++) {
        const n = this.leafOf(roots[t] as number, x, xo);
        if (kind[n] === LEAF) {
          margins[mo + (groups[t] as number)] += value[n] as number;
        } else {
          const v = child[n] as number;
          for (let j = 0; j < numOutputs; j++) margins[mo + j] += leafVectors[v + j] as number;
        }
      }
    }
  }

  private leafOf(root: number, x: Float32Array, xo: number): number {
    const { kind, feature, value, child, defaultLeft } = this;
    let n = root;
    let k: number;
    while ((k = kind[n] as number) < LEAF) {
      const v = x[xo + (feature[n] as number)] as number;
      let right: number;
      if (v !== v) right = 1 - (defaultLeft[n] as number);
      else if (k === NUMERIC) right = v < (value[n] as number) ? 0 : 1;
      else right = this.categoryGoesRight(n, v);
      n = (child[n] as number) + right;
    }
    return n;
  }

  /** A code listed in the split's set goes right; anything else (unknown, negative, too large) goes left. */
  private categoryGoesRight(n: number, v: number): number {
    if (v < 0 || v >= MAX_CATEGORY) return 0;
    const code = v | 0;
    const codes = this.catCodes;
    let lo = this.catStart[n] as number;
    let hi = lo + (this.catCount[n] as number);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = codes[mid] as number;
      if (c === code) return 1;
      if (c < code) lo = mid + 1;
      else hi = mid;
    }
    return 0;
  }
}

class CompactBuilder {
  readonly roots: number[] = [];
  readonly kind: number[] = [];
  readonly feature: number[] = [];
  readonly value: number[] = [];
  readonly child: number[] = [];
  readonly defaultLeft: number[] = [];
  readonly catStart: number[] = [];
  readonly catCount: number[] = [];
  readonly catCodes: number[] = [];
  readonly leafVectors: number[] = [];

  /** Breadth-first, so each split's children can be allocated as an adjacent pair. */
  addTree(tree: ParsedTree, weight: number): void {
    const root = this.allocate(1);
    this.roots.push(root);
    const queue: [number, number][] = [[0, root]];
    for (let q = 0; q < queue.length; q++) {
      const [old, id] = queue[q] as [number, number];
      const l = tree.left[old] as number;
      if (l === -1) {
        this.setLeaf(tree, old, id, weight);
        continue;
      }
      const pair = this.allocate(2);
      this.setSplit(tree, old, id, pair);
      queue.push([l, pair], [tree.right[old] as number, pair + 1]);
    }
  }

  private allocate(count: number): number {
    const id = this.kind.length;
    for (let i = 0; i < count; i++) {
      this.kind.push(LEAF);
      this.feature.push(0);
      this.value.push(0);
      this.child.push(0);
      this.defaultLeft.push(0);
      this.catStart.push(0);
      this.catCount.push(0);
    }
    return id;
  }

  private setLeaf(tree: ParsedTree, old: number, id: number, weight: number): void {
    if (tree.leafSize === 1) {
      this.value[id] = weightedLeaf(tree.threshold[old] as number, weight);
      return;
    }
    this.kind[id] = VECTOR_LEAF;
    this.child[id] = this.leafVectors.length;
    const size = tree.leafSize;
    for (let j = 0; j < size; j++) this.leafVectors.push(weightedLeaf((tree.leafVectors as Float32Array)[old * size + j] as number, weight));
  }

  private setSplit(tree: ParsedTree, old: number, id: number, pair: number): void {
    this.feature[id] = tree.feature[old] as number;
    this.value[id] = tree.threshold[old] as number;
    this.child[id] = pair;
    this.defaultLeft[id] = tree.defaultLeft[old] as number;
    const cats = tree.categories[old];
    if (!cats) {
      this.kind[id] = NUMERIC;
      return;
    }
    this.kind[id] = CATEGORICAL;
    const sorted = Array.from(new Set(cats)).sort((a, b) => a - b);
    this.catStart[id] = this.catCodes.length;
    this.catCount[id] = sorted.length;
    for (const c of sorted) this.catCodes.push(c);
  }
}
