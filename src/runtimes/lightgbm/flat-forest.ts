import type { ParsedTree } from './tree-parser.ts';

/**
 * All trees of a model in flat typed arrays, so evaluation walks numbers
 * instead of objects. Node indices are global; a child < 0 is the global leaf
 * ~child. Categorical nodes keep their bitset as a slice of `catBits`.
 */
export interface FlatForest {
  readonly numTrees: number;
  /** Root of each tree: a node index, or ~leaf for single-leaf trees. */
  readonly treeRoot: Int32Array;
  /** Global index of each tree's leaf 0 (leaf-index output is local to the tree). */
  readonly treeLeafBase: Int32Array;
  readonly treeIsLinear: Uint8Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly decision: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly catStart: Int32Array;
  readonly catWords: Int32Array;
  readonly catBits: Uint32Array;
  readonly leafValue: Float64Array;
  /** Linear leaves (only meaningful where treeIsLinear): constant and terms [termStart[l], termStart[l+1]). */
  readonly leafConst: Float64Array;
  readonly termStart: Int32Array;
  readonly termFeature: Int32Array;
  readonly termCoeff: Float64Array;
}

interface Totals {
  nodes: number;
  leaves: number;
  catWords: number;
  terms: number;
}

function totals(trees: readonly ParsedTree[]): Totals {
  const t: Totals = { nodes: 0, leaves: 0, catWords: 0, terms: 0 };
  for (const tree of trees) {
    t.nodes += tree.numLeaves - 1;
    t.leaves += tree.numLeaves;
    t.catWords += tree.catThreshold.length;
    t.terms += tree.linear ? tree.linear.termFeature.length : 0;
  }
  return t;
}

function allocate(numTrees: number, t: Totals): FlatForest {
  return {
    numTrees,
    treeRoot: new Int32Array(numTrees),
    treeLeafBase: new Int32Array(numTrees),
    treeIsLinear: new Uint8Array(numTrees),
    feature: new Int32Array(t.nodes),
    threshold: new Float64Array(t.nodes),
    decision: new Uint8Array(t.nodes),
    left: new Int32Array(t.nodes),
    right: new Int32Array(t.nodes),
    catStart: new Int32Array(t.nodes),
    catWords: new Int32Array(t.nodes),
    catBits: new Uint32Array(t.catWords),
    leafValue: new Float64Array(t.leaves),
    leafConst: new Float64Array(t.leaves),
    termStart: new Int32Array(t.leaves + 1),
    termFeature: new Int32Array(t.terms),
    termCoeff: new Float64Array(t.terms),
  };
}

/** Lays every tree out in one set of arrays, in file order. */
export function flattenForest(trees: readonly ParsedTree[]): FlatForest {
  const forest = allocate(trees.length, totals(trees));
  const at: Totals = { nodes: 0, leaves: 0, catWords: 0, terms: 0 };
  trees.forEach((tree, t) => {
    forest.treeRoot[t] = tree.numLeaves > 1 ? at.nodes : ~at.leaves;
    forest.treeLeafBase[t] = at.leaves;
    forest.treeIsLinear[t] = tree.linear ? 1 : 0;
    copyNodes(forest, tree, at);
    copyLeaves(forest, tree, at);
    at.nodes += tree.numLeaves - 1;
    at.leaves += tree.numLeaves;
    at.catWords += tree.catThreshold.length;
  });
  return forest;
}

function copyNodes(forest: FlatForest, tree: ParsedTree, at: Totals): void {
  const relocate = (child: number): number => (child >= 0 ? child + at.nodes : ~(~child + at.leaves));
  forest.catBits.set(tree.catThreshold, at.catWords);
  for (let i = 0; i < tree.numLeaves - 1; i++) {
    const g = at.nodes + i;
    forest.feature[g] = tree.splitFeature[i]!;
    forest.threshold[g] = tree.threshold[i]!;
    forest.decision[g] = tree.decisionType[i]!;
    forest.left[g] = relocate(tree.left[i]!);
    forest.right[g] = relocate(tree.right[i]!);
    if ((tree.decisionType[i]! & 1) !== 0) {
      const bitset = tree.threshold[i]!;
      forest.catStart[g] = at.catWords + tree.catBoundaries[bitset]!;
      forest.catWords[g] = tree.catBoundaries[bitset + 1]! - tree.catBoundaries[bitset]!;
    }
  }
}

function copyLeaves(forest: FlatForest, tree: ParsedTree, at: Totals): void {
  forest.leafValue.set(tree.leafValue, at.leaves);
  const linear = tree.linear;
  for (let leaf = 0; leaf < tree.numLeaves; leaf++) {
    const g = at.leaves + leaf;
    const count = linear ? linear.termStart[leaf + 1]! - linear.termStart[leaf]! : 0;
    forest.termStart[g + 1] = forest.termStart[g]! + count;
  }
  if (!linear) return;
  forest.leafConst.set(linear.leafConst, at.leaves);
  forest.termFeature.set(linear.termFeature, at.terms);
  forest.termCoeff.set(linear.termCoeff, at.terms);
  at.terms += linear.termFeature.length;
}
