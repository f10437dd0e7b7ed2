import { ModelFieldError } from './document-error.ts';
import { type Doc, expectLength, intAt, intsAt, isObject, numbersAt, objectAt } from './doc-access.ts';

/**
 * One regression tree as stored, with values already rounded to float32.
 * For leaves `threshold` holds the leaf value (XGBoost keeps both in
 * `split_conditions`); trees with vector leaves keep them in `leafVectors`.
 */
export interface ParsedTree {
  readonly numNodes: number;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly defaultLeft: Uint8Array;
  /** Category codes that go right, per categorical split node; undefined for numeric splits and leaves. */
  readonly categories: (Int32Array | undefined)[];
  readonly hasCategorical: boolean;
  /** 1 for scalar leaves; the number of targets for multi-target trees. */
  readonly leafSize: number;
  readonly leafVectors?: Float32Array;
  /** Longest root-to-leaf path, in splits. */
  readonly depth: number;
}

const NODE_LIMIT = 2 ** 31 - 1;
// XGBoost cannot represent larger codes exactly in float32.
const MAX_CATEGORY_CODE = 2 ** 24 - 1;

export function parseTree(value: unknown, path: string, numFeature: number): ParsedTree {
  if (!isObject(value)) throw new ModelFieldError(path, 'expected a tree object');
  const t = value;
  const param = objectAt(t, 'tree_param', path);
  const left = intsAt(t, 'left_children', path, -1, NODE_LIMIT);
  const n = intAt(param, 'num_nodes', `${path}.tree_param`, left.length);
  if (n < 1) throw new ModelFieldError(`${path}.tree_param.num_nodes`, 'a tree needs at least one node');
  const leafSize = Math.max(1, intAt(param, 'size_leaf_vector', `${path}.tree_param`, 1));
  const right = intsAt(t, 'right_children', path, -1, n - 1);
  const feature = intsAt(t, 'split_indices', path, 0, NODE_LIMIT);
  const threshold = numbersAt(t, 'split_conditions', path);
  const defaultLeft = numbersAt(t, 'default_left', path);
  for (const [key, arr] of [['left_children', left], ['right_children', right], ['split_indices', feature], ['split_conditions', threshold], ['default_left', defaultLeft]] as const) {
    expectLength(arr, n, `${path}.${key}`);
  }
  const tree: ParsedTree = {
    numNodes: n,
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    feature: Int32Array.from(feature),
    threshold: Float32Array.from(threshold),
    defaultLeft: Uint8Array.from(defaultLeft, (v) => (v ? 1 : 0)),
    categories: readCategories(t, path, n),
    hasCategorical: false,
    leafSize,
    leafVectors: leafSize > 1 ? readLeafVectors(t, path, n, leafSize) : undefined,
    depth: 0,
  };
  const depth = checkStructure(tree, path, numFeature);
  return { ...tree, depth, hasCategorical: tree.categories.some((c) => c !== undefined) };
}

function readLeafVectors(t: Doc, path: string, n: number, size: number): Float32Array {
  const weights = numbersAt(t, 'base_weights', path);
  expectLength(weights, n * size, `${path}.base_weights`);
  return Float32Array.from(weights);
}

/**
 * Reads the categorical split sets: `categories_nodes[i]` lists the node,
 * `categories_segments[i]`/`categories_sizes[i]` its slice of `categories`.
 */
function readCategories(t: Doc, path: string, n: number): (Int32Array | undefined)[] {
  const out = new Array<Int32Array | undefined>(n).fill(undefined);
  if (t.categories_nodes === undefined) return out;
  const splitType = t.split_type === undefined ? undefined : intsAt(t, 'split_type', path, 0, 1);
  if (splitType) expectLength(splitType, n, `${path}.split_type`);
  const nodes = intsAt(t, 'categories_nodes', path, 0, n - 1);
  const segments = intsAt(t, 'categories_segments', path, 0, NODE_LIMIT);
  const sizes = intsAt(t, 'categories_sizes', path, 0, NODE_LIMIT);
  const cats = intsAt(t, 'categories', path, 0, MAX_CATEGORY_CODE);
  expectLength(segments, nodes.length, `${path}.categories_segments`);
  expectLength(sizes, nodes.length, `${path}.categories_sizes`);
  for (let i = 0; i < nodes.length; i++) {
    const start = segments[i] as number;
    const end = start + (sizes[i] as number);
    if (end > cats.length) throw new ModelFieldError(`${path}.categories_segments[${i}]`, `segment [${start}, ${end}) runs past the ${cats.length} categories`);
    const node = nodes[i] as number;
    if (splitType && splitType[node] !== 1) throw new ModelFieldError(`${path}.split_type[${node}]`, 'node has categories but is not a categorical split');
    out[node] = Int32Array.from({ length: end - start }, (_, j) => cats[start + j] as number);
  }
  if (splitType) {
    for (let i = 0; i < n; i++) {
      if (splitType[i] === 1 && out[i] === undefined) out[i] = new Int32Array(0);
    }
  }
  return out;
}

/**
 * Walks the tree from the root: every node reached once (no cycles or
 * shared children), children either both present or both absent, split
 * features inside the input width. Returns the depth.
 */
function checkStructure(tree: ParsedTree, path: string, numFeature: number): number {
  const seen = new Uint8Array(tree.numNodes);
  const stack: number[] = [0, 0];
  let depth = 0;
  seen[0] = 1;
  while (stack.length > 0) {
    const d = stack.pop() as number;
    const node = stack.pop() as number;
    const l = tree.left[node] as number;
    const r = tree.right[node] as number;
    if (l === -1 && r === -1) {
      depth = Math.max(depth, d);
      continue;
    }
    if (l < 0 || r < 0) throw new ModelFieldError(`${path}.left_children[${node}]`, 'a split node needs two children');
    if (l >= tree.numNodes) throw new ModelFieldError(`${path}.left_children[${node}]`, `child ${l} is outside the tree's ${tree.numNodes} nodes`);
    if ((tree.feature[node] as number) >= numFeature) throw new ModelFieldError(`${path}.split_indices[${node}]`, `feature ${tree.feature[node]} is outside the model's ${numFeature} features`);
    for (const child of [l, r]) {
      if (seen[child]) throw new ModelFieldError(`${path}.left_children[${node}]`, `node ${child} is reached twice`);
      seen[child] = 1;
      stack.push(child, d + 1);
    }
  }
  return depth;
}
