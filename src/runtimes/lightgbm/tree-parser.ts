import { corrupt, type FieldRef } from './model-error.ts';
import type { KeyValue, TreeBlock } from './model-text-parser.ts';
import { parseDoubles, parseInt1, parseInts, parseUint32s } from './number-lists.ts';

/** Per-leaf linear models of a `linear_tree` tree. */
export interface LinearLeaves {
  readonly leafConst: Float64Array;
  /** Leaf i's terms are [termStart[i], termStart[i + 1]). */
  readonly termStart: Int32Array;
  readonly termFeature: Int32Array;
  readonly termCoeff: Float64Array;
}

/**
 * One tree as stored: internal nodes 0..numLeaves-2; a child >= 0 is a node,
 * a child < 0 is leaf ~child.
 */
export interface ParsedTree {
  readonly numLeaves: number;
  readonly splitFeature: Int32Array;
  readonly threshold: Float64Array;
  readonly decisionType: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly leafValue: Float64Array;
  readonly catBoundaries: Int32Array;
  readonly catThreshold: Uint32Array;
  readonly linear?: LinearLeaves;
}

const CATEGORICAL = 1;

/** Reads and checks one tree block against the model's feature count. */
export function parseTree(file: string, block: TreeBlock, numFeatures: number): ParsedTree {
  const field = fieldReader(file, block);
  const numLeaves = parseInt1(field.text('num_leaves'), field.ref('num_leaves'), 1);
  const numCat = field.has('num_cat') ? parseInt1(field.text('num_cat'), field.ref('num_cat'), 0) : 0;
  const n = numLeaves - 1;
  const splitFeature = n > 0 ? parseInts(field.text('split_feature'), n, field.ref('split_feature'), 0, numFeatures - 1) : new Int32Array(0);
  const threshold = n > 0 ? parseDoubles(field.text('threshold'), n, field.ref('threshold')) : new Float64Array(0);
  const decisionType = Uint8Array.from(parseInts(field.optional('decision_type', n), n, field.ref('decision_type'), 0, 255));
  const left = n > 0 ? parseInts(field.text('left_child'), n, field.ref('left_child'), -numLeaves, n - 1) : new Int32Array(0);
  const right = n > 0 ? parseInts(field.text('right_child'), n, field.ref('right_child'), -numLeaves, n - 1) : new Int32Array(0);
  const leafValue = parseDoubles(field.text('leaf_value'), numLeaves, field.ref('leaf_value'));
  const catBoundaries = numCat > 0 ? parseInts(field.text('cat_boundaries'), numCat + 1, field.ref('cat_boundaries'), 0) : new Int32Array(1);
  const catWords = catBoundaries[numCat] as number;
  const catThreshold = numCat > 0 ? parseUint32s(field.text('cat_threshold'), catWords, field.ref('cat_threshold')) : new Uint32Array(0);
  const tree: ParsedTree = { numLeaves, splitFeature, threshold, decisionType, left, right, leafValue, catBoundaries, catThreshold };
  checkShape(tree, numCat, field);
  const linear = isLinear(field) ? parseLinear(field, numLeaves, numFeatures) : undefined;
  return linear ? { ...tree, linear } : tree;
}

interface FieldReader {
  has(key: string): boolean;
  text(key: string): string;
  /** The value, or `count` zeros when the key is absent (LightGBM's default). */
  optional(key: string, count: number): string;
  ref(key: string): FieldRef;
  treeRef(problem: string): Error;
}

function fieldReader(file: string, block: TreeBlock): FieldReader {
  const get = (key: string): KeyValue | undefined => block.keys.get(key);
  const ref = (key: string): FieldRef => ({ file, line: get(key)?.line ?? block.line, what: `tree ${block.index}, key ${key}` });
  return {
    has: (key) => get(key) !== undefined,
    text: (key) => {
      const kv = get(key);
      if (!kv) throw corrupt(ref(key), `key ${key} is missing from tree ${block.index}`);
      return kv.value;
    },
    optional: (key, count) => get(key)?.value ?? '0 '.repeat(count),
    ref,
    treeRef: (problem) => corrupt({ file, line: block.line, what: `tree ${block.index}` }, problem),
  };
}

/** Children must form a tree rooted at node 0 (one parent each), so evaluation always ends at a leaf. */
function checkShape(tree: ParsedTree, numCat: number, field: FieldReader): void {
  const n = tree.numLeaves - 1;
  const nodeParents = new Uint8Array(n);
  const leafParents = new Uint8Array(tree.numLeaves);
  for (let node = 0; node < n; node++) {
    for (const child of [tree.left[node] as number, tree.right[node] as number]) {
      if (child === 0) throw field.treeRef(`node ${node} points back to the root`);
      const seen = child > 0 ? nodeParents : leafParents;
      const at = child > 0 ? child : ~child;
      if (seen[at]! > 0) throw field.treeRef(`${child > 0 ? 'node' : 'leaf'} ${at} has two parents`);
      seen[at] = 1;
    }
    if ((tree.decisionType[node]! & CATEGORICAL) !== 0) checkCategoricalNode(tree, node, numCat, field);
  }
  for (let b = 1; b <= numCat; b++) {
    if (tree.catBoundaries[b]! < tree.catBoundaries[b - 1]!) throw corrupt(field.ref('cat_boundaries'), `boundaries decrease at position ${b}`);
  }
}

function checkCategoricalNode(tree: ParsedTree, node: number, numCat: number, field: FieldReader): void {
  const index = tree.threshold[node] as number;
  if (!Number.isInteger(index) || index < 0 || index >= numCat) {
    throw corrupt(field.ref('threshold'), `categorical node ${node} names bitset ${index} but the tree has num_cat=${numCat}`);
  }
}

function isLinear(field: FieldReader): boolean {
  if (!field.has('is_linear')) return false;
  return parseInt1(field.text('is_linear'), field.ref('is_linear'), 0, 1) === 1;
}

function parseLinear(field: FieldReader, numLeaves: number, numFeatures: number): LinearLeaves {
  const leafConst = parseDoubles(field.text('leaf_const'), numLeaves, field.ref('leaf_const'));
  const counts = parseInts(field.text('num_features'), numLeaves, field.ref('num_features'), 0, numFeatures);
  const termStart = new Int32Array(numLeaves + 1);
  for (let leaf = 0; leaf < numLeaves; leaf++) termStart[leaf + 1] = termStart[leaf]! + counts[leaf]!;
  const total = termStart[numLeaves] as number;
  const termFeature = total > 0 ? parseInts(field.text('leaf_features'), total, field.ref('leaf_features'), 0, numFeatures - 1) : new Int32Array(0);
  const termCoeff = total > 0 ? parseDoubles(field.text('leaf_coeff'), total, field.ref('leaf_coeff')) : new Float64Array(0);
  return { leafConst, termStart, termFeature, termCoeff };
}
