import { type ForestSource, type MarginEvaluator, weightedLeaf } from './forest-source.ts';
import type { ParsedTree } from './tree-parser.ts';

/** Deeper trees would waste too much memory once padded to a full binary tree. */
export const MAX_PERFECT_DEPTH = 10;

/** Rows pushed through one tree before moving to the next: keeps the tree and the rows in L1. */
const BLOCK_ROWS = 64;

/** True when every tree can use the perfect layout (numeric splits, scalar leaves, finite thresholds, shallow). */
export function fitsPerfectLayout(trees: readonly ParsedTree[]): boolean {
  return trees.every((t) => {
    if (t.hasCategorical || t.leafSize > 1 || t.depth > MAX_PERFECT_DEPTH) return false;
    for (let i = 0; i < t.numNodes; i++) if (t.left[i] !== -1 && !Number.isFinite(t.threshold[i] as number)) return false;
    return true;
  });
}

/**
 * Each tree padded to a perfect binary tree of its own depth d and stored
 * heap-ordered (children of i at 2i and 2i+1), so a row descends with
 * `i = 2i + (x >= threshold)` for exactly d steps: no leaf test, no branch
 * to mispredict. A leaf above depth d is copied into every padded leaf
 * below it.
 *
 * Missing values: each row is expanded to two copies of its features, NaN
 * replaced by -Infinity in the first and +Infinity in the second. A split
 * whose missing values go left reads the first copy (-Inf < threshold), one
 * whose missing values go right reads the second, so `x >= threshold` alone
 * decides every case.
 */
export class PerfectForest implements MarginEvaluator {
  private readonly depth: Int32Array;
  private readonly nodeBase: Int32Array;
  private readonly leafBase: Int32Array;
  private readonly groups: Int32Array;
  private readonly feature: Int32Array;
  private readonly threshold: Float32Array;
  private readonly leaves: Float32Array;
  private readonly numFeature: number;
  private readonly numOutputs: number;
  private readonly block: Float32Array;

  constructor(source: ForestSource) {
    const { trees, weights, numFeature } = source;
    this.numFeature = numFeature;
    this.numOutputs = source.numOutputs;
    this.groups = source.groups;
    this.depth = Int32Array.from(trees, (t) => t.depth);
    this.nodeBase = new Int32Array(trees.length);
    this.leafBase = new Int32Array(trees.length);
    let nodes = 0;
    let leaves = 0;
    trees.forEach((t, i) => {
      // Heap index 0 is unused, so node i of tree t lives at nodeBase[t] + i.
      this.nodeBase[i] = nodes;
      nodes += 1 << t.depth;
      this.leafBase[i] = leaves - (1 << t.depth);
      leaves += 1 << t.depth;
    });
    this.feature = new Int32Array(nodes);
    this.threshold = new Float32Array(nodes);
    this.leaves = new Float32Array(leaves);
    trees.forEach((t, i) => this.fill(t, i, weights ? (weights[i] as number) : 1));
    this.block = new Float32Array(BLOCK_ROWS * 2 * numFeature);
  }

  private fill(tree: ParsedTree, t: number, weight: number): void {
    const d = tree.depth;
    const nb = this.nodeBase[t] as number;
    const lb = this.leafBase[t] as number;
    const stack: number[] = [0, 1, 0];
    while (stack.length > 0) {
      const level = stack.pop() as number;
      const heap = stack.pop() as number;
      const node = stack.pop() as number;
      if (tree.left[node] === -1) {
        // Every padded leaf under this heap position gets the leaf's value.
        const span = 1 << (d - level);
        const first = heap * span;
        this.leaves.fill(weightedLeaf(tree.threshold[node] as number, weight), lb + first, lb + first + span);
        continue;
      }
      const f = tree.feature[node] as number;
      this.feature[nb + heap] = tree.defaultLeft[node] ? f : f + this.numFeature;
      this.threshold[nb + heap] = tree.threshold[node] as number;
      stack.push(tree.left[node] as number, 2 * heap, level + 1, tree.right[node] as number, 2 * heap + 1, level + 1);
    }
  }

  accumulate(x: Float32Array, rows: number, margins: Float32Array): void {
    for (let start = 0; start < rows; start += BLOCK_ROWS) {
      const count = Math.min(BLOCK_ROWS, rows - start);
      this.expand(x, start, count);
      this.runBlock(count, margins, start * this.numOutputs);
    }
  }

  /** Writes the two NaN-replaced copies of each row of the block. */
  private expand(x: Float32Array, start: number, count: number): void {
    const nf = this.numFeature;
    const block = this.block;
    for (let r = 0; r < count; r++) {
      const src = (start + r) * nf;
      const dst = r * 2 * nf;
      for (let f = 0; f < nf; f++) {
        const v = x[src + f] as number;
        const missing = v !== v;
        block[dst + f] = missing ? Number.NEGATIVE_INFINITY : v;
        block[dst + nf + f] = missing ? Number.POSITIVE_INFINITY : v;
      }
    }
  }

  private runBlock(count: number, margins: Float32Array, marginStart: number): void {
    const { depth, nodeBase, leafBase, groups, feature, threshold, leaves, block } = this;
    const width = 2 * this.numFeature;
    const k = this.numOutputs;
    for (let t = 0; t < depth.length; t++) {
      const d = depth[t] as number;
      const nb = nodeBase[t] as number;
      const lb = leafBase[t] as number;
      let m = marginStart + (groups[t] as number);
      let r = 0;
      for (; r + 4 <= count; r += 4) {
        const o0 = r * width;
        const o1 = o0 + width;
        const o2 = o1 + width;
        const o3 = o2 + width;
        let i0 = 1;
        let i1 = 1;
        let i2 = 1;
        let i3 = 1;
        for (let l = 0; l < d; l++) {
          i0 = (i0 << 1) + +((block[o0 + (feature[nb + i0] as number)] as number) >= (threshold[nb + i0] as number));
          i1 = (i1 << 1) + +((block[o1 + (feature[nb + i1] as number)] as number) >= (threshold[nb + i1] as number));
          i2 = (i2 << 1) + +((block[o2 + (feature[nb + i2] as number)] as number) >= (threshold[nb + i2] as number));
          i3 = (i3 << 1) + +((block[o3 + (feature[nb + i3] as number)] as number) >= (threshold[nb + i3] as number));
        }
        margins[m] += leaves[lb + i0] as number;
        margins[m + k] += leaves[lb + i1] as number;
        margins[m + 2 * k] += leaves[lb + i2] as number;
        margins[m + 3 * k] += leaves[lb + i3] as number;
        m += 4 * k;
      }
      for (; r < count; r++) {
        const o = r * width;
        let i = 1;
        for (let l = 0; l < d; l++) i = (i << 1) + +((block[o + (feature[nb + i] as number)] as number) >= (threshold[nb + i] as number));
        margins[m] += leaves[lb + i] as number;
        m += k;
      }
    }
  }
}
