import { type ForestSource, type MarginEvaluator, weightedLeaf } from './forest-source.ts';
import type { ParsedTree } from './tree-parser.ts';

/** Deeper trees would waste too much memory once padded to a full binary tree. */
export const MAX_PERFECT_DEPTH = 10;

/** Padded slots any forest may use regardless of how sparse its trees are. */
const PADDING_ALLOWANCE = 1 << 20;

/** Rows pushed through one tree before moving to the next: keeps the tree and the rows in L1. */
const BLOCK_ROWS = 64;

/** True when every tree can use the perfect layout (numeric splits, scalar leaves, finite thresholds, shallow). */
export function fitsPerfectLayout(trees: readonly ParsedTree[]): boolean {
  let padded = 0;
  let stored = 0;
  const ok = trees.every((t) => {
    if (t.hasCategorical || t.leafSize > 1 || t.depth > MAX_PERFECT_DEPTH) return false;
    for (let i = 0; i < t.numNodes; i++) if (t.left[i] !== -1 && !Number.isFinite(t.threshold[i] as number)) return false;
    padded += 2 << t.depth;
    stored += t.numNodes;
    return true;
  });
  // Sparse deep trees would balloon when padded; small forests can afford it.
  return ok && (padded <= 8 * stored || padded <= PADDING_ALLOWANCE);
}

/**
 * Each tree padded to a perfect binary tree of its own depth d and stored
 * heap-ordered (children of i at 2i and 2i+1), so a row descends with
 * `i = 2i + (x >= threshold)` for exactly d steps: no leaf test, no branch
 * to mispredict. A leaf above depth d is copied into every padded leaf
 * below it.
 *
 * Missing values: each row is expanded to two copies of the features the
 * trees use, NaN replaced by -Infinity in the first and +Infinity in the
 * second. A split whose missing values go left reads the first copy
 * (-Inf < threshold), one whose missing values go right reads the second,
 * so `x >= threshold` alone decides every case.
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
  /** Input columns some split reads, ascending; a row's expanded copy holds only these. */
  private readonly used: Int32Array;
  /**
   * Expanded rows of the current block. Shared across calls: safe because
   * `accumulate` runs to completion without yielding.
   */
  private readonly block: Float32Array;
  /** Per group of eight consecutive trees: 1 when all have the same depth, so they can descend together. */
  private readonly uniformOctet: Uint8Array;

  constructor(source: ForestSource) {
    const { trees, weights, numFeature } = source;
    this.numFeature = numFeature;
    this.numOutputs = source.numOutputs;
    this.groups = source.groups;
    this.used = usedFeatures(trees);
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
    const column = new Int32Array(numFeature);
    this.used.forEach((f, c) => (column[f] = c));
    trees.forEach((t, i) => this.fill(t, i, weights ? (weights[i] as number) : 1, column));
    this.block = new Float32Array(BLOCK_ROWS * 2 * this.used.length);
    this.uniformOctet = Uint8Array.from({ length: trees.length >> 3 }, (_, q) => +trees.slice(8 * q, 8 * q + 8).every((t) => t.depth === trees[8 * q]?.depth));
  }

  /** Lays tree t out heap-ordered; `column` maps an input feature to its place in the expanded row. */
  private fill(tree: ParsedTree, t: number, weight: number, column: Int32Array): void {
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
      const c = column[tree.feature[node] as number] as number;
      this.feature[nb + heap] = tree.defaultLeft[node] ? c : c + this.used.length;
      this.threshold[nb + heap] = tree.threshold[node] as number;
      stack.push(tree.left[node] as number, 2 * heap, level + 1, tree.right[node] as number, 2 * heap + 1, level + 1);
    }
  }

  accumulate(x: Float32Array, rows: number, margins: Float32Array): void {
    const k = this.numOutputs;
    const width = 2 * this.used.length;
    for (let start = 0; start < rows; start += BLOCK_ROWS) {
      const count = Math.min(BLOCK_ROWS, rows - start);
      this.expand(x, start, count);
      const octets = count - (count % 8);
      if (octets > 0) this.runOctets(octets, margins, start * k);
      for (let r = octets; r < count; r++) this.runRow(r * width, margins, (start + r) * k);
    }
  }

  /** Writes the two NaN-replaced copies of each row of the block. */
  private expand(x: Float32Array, start: number, count: number): void {
    const { block, used } = this;
    const nf = this.numFeature;
    const nu = used.length;
    for (let r = 0; r < count; r++) {
      const src = (start + r) * nf;
      const dst = r * 2 * nu;
      for (let c = 0; c < nu; c++) {
        const v = x[src + (used[c] as number)] as number;
        const missing = v !== v;
        block[dst + c] = missing ? Number.NEGATIVE_INFINITY : v;
        block[dst + nu + c] = missing ? Number.POSITIVE_INFINITY : v;
      }
    }
  }

  /**
   * Eight rows descend each tree side by side: their paths are independent,
   * so the CPU overlaps eight chains of dependent loads (measured faster
   * than four; sixteen gains nothing more).
   */
  private runOctets(count: number, margins: Float32Array, marginStart: number): void {
    const { depth, nodeBase, leafBase, groups, feature: f, threshold: th, leaves, block: x } = this;
    const w = 2 * this.used.length;
    const k = this.numOutputs;
    for (let t = 0; t < depth.length; t++) {
      const d = depth[t] as number;
      const nb = nodeBase[t] as number;
      const lb = leafBase[t] as number;
      let m = marginStart + (groups[t] as number);
      for (let r = 0; r < count; r += 8) {
        const o0 = r * w;
        const o1 = o0 + w;
        const o2 = o1 + w;
        const o3 = o2 + w;
        const o4 = o3 + w;
        const o5 = o4 + w;
        const o6 = o5 + w;
        const o7 = o6 + w;
        let i0 = 1;
        let i1 = 1;
        let i2 = 1;
        let i3 = 1;
        let i4 = 1;
        let i5 = 1;
        let i6 = 1;
        let i7 = 1;
        for (let l = 0; l < d; l++) {
          i0 = (i0 << 1) + +((x[o0 + (f[nb + i0] as number)] as number) >= (th[nb + i0] as number));
          i1 = (i1 << 1) + +((x[o1 + (f[nb + i1] as number)] as number) >= (th[nb + i1] as number));
          i2 = (i2 << 1) + +((x[o2 + (f[nb + i2] as number)] as number) >= (th[nb + i2] as number));
          i3 = (i3 << 1) + +((x[o3 + (f[nb + i3] as number)] as number) >= (th[nb + i3] as number));
          i4 = (i4 << 1) + +((x[o4 + (f[nb + i4] as number)] as number) >= (th[nb + i4] as number));
          i5 = (i5 << 1) + +((x[o5 + (f[nb + i5] as number)] as number) >= (th[nb + i5] as number));
          i6 = (i6 << 1) + +((x[o6 + (f[nb + i6] as number)] as number) >= (th[nb + i6] as number));
          i7 = (i7 << 1) + +((x[o7 + (f[nb + i7] as number)] as number) >= (th[nb + i7] as number));
        }
        margins[m] += leaves[lb + i0] as number;
        margins[m + k] += leaves[lb + i1] as number;
        margins[m + 2 * k] += leaves[lb + i2] as number;
        margins[m + 3 * k] += leaves[lb + i3] as number;
        margins[m + 4 * k] += leaves[lb + i4] as number;
        margins[m + 5 * k] += leaves[lb + i5] as number;
        margins[m + 6 * k] += leaves[lb + i6] as number;
        margins[m + 7 * k] += leaves[lb + i7] as number;
        m += 8 * k;
      }
    }
  }

  /**
   * One row: eight trees of equal depth descend side by side instead, for
   * the same overlap. Leaves are still added in tree order.
   */
  private runRow(o: number, margins: Float32Array, m: number): void {
    const { depth, nodeBase: nb, leafBase: lb, groups: g, feature: f, threshold: th, leaves, block: x } = this;
    const trees = depth.length;
    let t = 0;
    for (; t + 8 <= trees; t += 8) {
      if (!this.uniformOctet[t >> 3]) {
        for (let j = t; j < t + 8; j++) margins[m + (g[j] as number)] += leaves[(lb[j] as number) + this.leafIndex(j, o)] as number;
        continue;
      }
      const d = depth[t] as number;
      const n0 = nb[t] as number;
      const n1 = nb[t + 1] as number;
      const n2 = nb[t + 2] as number;
      const n3 = nb[t + 3] as number;
      const n4 = nb[t + 4] as number;
      const n5 = nb[t + 5] as number;
      const n6 = nb[t + 6] as number;
      const n7 = nb[t + 7] as number;
      let i0 = 1;
      let i1 = 1;
      let i2 = 1;
      let i3 = 1;
      let i4 = 1;
      let i5 = 1;
      let i6 = 1;
      let i7 = 1;
      for (let l = 0; l < d; l++) {
        i0 = (i0 << 1) + +((x[o + (f[n0 + i0] as number)] as number) >= (th[n0 + i0] as number));
        i1 = (i1 << 1) + +((x[o + (f[n1 + i1] as number)] as number) >= (th[n1 + i1] as number));
        i2 = (i2 << 1) + +((x[o + (f[n2 + i2] as number)] as number) >= (th[n2 + i2] as number));
        i3 = (i3 << 1) + +((x[o + (f[n3 + i3] as number)] as number) >= (th[n3 + i3] as number));
        i4 = (i4 << 1) + +((x[o + (f[n4 + i4] as number)] as number) >= (th[n4 + i4] as number));
        i5 = (i5 << 1) + +((x[o + (f[n5 + i5] as number)] as number) >= (th[n5 + i5] as number));
        i6 = (i6 << 1) + +((x[o + (f[n6 + i6] as number)] as number) >= (th[n6 + i6] as number));
        i7 = (i7 << 1) + +((x[o + (f[n7 + i7] as number)] as number) >= (th[n7 + i7] as number));
      }
      margins[m + (g[t] as number)] += leaves[(lb[t] as number) + i0] as number;
      margins[m + (g[t + 1] as number)] += leaves[(lb[t + 1] as number) + i1] as number;
      margins[m + (g[t + 2] as number)] += leaves[(lb[t + 2] as number) + i2] as number;
      margins[m + (g[t + 3] as number)] += leaves[(lb[t + 3] as number) + i3] as number;
      margins[m + (g[t + 4] as number)] += leaves[(lb[t + 4] as number) + i4] as number;
      margins[m + (g[t + 5] as number)] += leaves[(lb[t + 5] as number) + i5] as number;
      margins[m + (g[t + 6] as number)] += leaves[(lb[t + 6] as number) + i6] as number;
      margins[m + (g[t + 7] as number)] += leaves[(lb[t + 7] as number) + i7] as number;
    }
    for (; t < trees; t++) margins[m + (g[t] as number)] += leaves[(lb[t] as number) + this.leafIndex(t, o)] as number;
  }

  /** Heap index of the leaf row `o` of the block reaches in tree t. */
  private leafIndex(t: number, o: number): number {
    const { feature, threshold, block } = this;
    const nb = this.nodeBase[t] as number;
    const d = this.depth[t] as number;
    let i = 1;
    for (let l = 0; l < d; l++) i = (i << 1) + +((block[o + (feature[nb + i] as number)] as number) >= (threshold[nb + i] as number));
    return i;
  }
}

function usedFeatures(trees: readonly ParsedTree[]): Int32Array {
  const seen = new Set<number>();
  for (const t of trees) for (let i = 0; i < t.numNodes; i++) if (t.left[i] !== -1) seen.add(t.feature[i] as number);
  return Int32Array.from([...seen].sort((a, b) => a - b));
}
