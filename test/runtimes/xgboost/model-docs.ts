import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Builders for small hand-written XGBoost model documents, in the layout
 * XGBoost 2/3 save, so tests can pin down one behaviour at a time.
 */
export type Json = Record<string, unknown>;

export interface NodeSpec {
  /** Split: feature, threshold, children (node ids), missing direction. */
  split?: { feature: number; threshold: number; left: number; right: number; defaultLeft?: boolean; categories?: number[] };
  leaf?: number;
}

/** A tree from nodes listed by id (node 0 is the root). */
export function tree(nodes: NodeSpec[], id = 0): Json {
  const categorical = nodes.map((n, i) => [i, n.split?.categories] as const).filter(([, c]) => c !== undefined) as [number, number[]][];
  const segments: number[] = [];
  let offset = 0;
  for (const [, c] of categorical) {
    segments.push(offset);
    offset += c.length;
  }
  return {
    base_weights: nodes.map((n) => n.leaf ?? 0),
    categories: categorical.flatMap(([, c]) => c),
    categories_nodes: categorical.map(([i]) => i),
    categories_segments: segments,
    categories_sizes: categorical.map(([, c]) => c.length),
    default_left: nodes.map((n) => (n.split?.defaultLeft ? 1 : 0)),
    id,
    left_children: nodes.map((n) => n.split?.left ?? -1),
    loss_changes: nodes.map(() => 0),
    parents: nodes.map(() => 2147483647),
    right_children: nodes.map((n) => n.split?.right ?? -1),
    split_conditions: nodes.map((n) => n.split?.threshold ?? n.leaf ?? 0),
    split_indices: nodes.map((n) => n.split?.feature ?? 0),
    split_type: nodes.map((n) => (n.split?.categories ? 1 : 0)),
    sum_hessian: nodes.map(() => 1),
    tree_param: { num_deleted: '0', num_feature: '4', num_nodes: String(nodes.length), size_leaf_vector: '1' },
  };
}

/** One split on `feature` at `threshold`: left leaf `l`, right leaf `r`. */
export function stump(feature: number, threshold: number, l: number, r: number, defaultLeft = true, categories?: number[]): Json {
  return tree([{ split: { feature, threshold, left: 1, right: 2, defaultLeft, categories } }, { leaf: l }, { leaf: r }]);
}

export interface ModelSpec {
  trees?: Json[];
  treeInfo?: number[];
  objective?: string;
  numFeature?: number;
  numClass?: number;
  numTarget?: number;
  baseScore?: unknown;
  featureNames?: string[];
  featureTypes?: string[];
  cats?: Json;
  attributes?: Json;
  /** Replaces the whole gradient_booster object. */
  booster?: Json;
}

export function modelDoc(spec: ModelSpec = {}): Json {
  const trees = spec.trees ?? [stump(0, 0.5, -1, 1)];
  const treeInfo = spec.treeInfo ?? trees.map(() => 0);
  const param: Json = {
    boost_from_average: '1',
    num_class: String(spec.numClass ?? 0),
    num_feature: String(spec.numFeature ?? 4),
    num_target: String(spec.numTarget ?? 1),
  };
  if (spec.baseScore !== undefined) param.base_score = spec.baseScore;
  else param.base_score = '5E-1';
  return {
    learner: {
      attributes: spec.attributes ?? {},
      feature_names: spec.featureNames ?? [],
      feature_types: spec.featureTypes ?? [],
      gradient_booster: spec.booster ?? { model: treeModel(trees, treeInfo, spec.cats), name: 'gbtree' },
      learner_model_param: param,
      objective: { name: spec.objective ?? 'reg:squarederror' },
    },
    version: [3, 1, 1],
  };
}

export function treeModel(trees: Json[], treeInfo: number[], cats?: Json): Json {
  return {
    cats: cats ?? { enc: [], feature_segments: [], sorted_idx: [] },
    gbtree_model_param: { num_parallel_tree: '1', num_trees: String(trees.length) },
    iteration_indptr: trees.map((_, i) => i).concat(trees.length),
    tree_info: treeInfo,
    trees,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'tetra-xgb-'));
let counter = 0;

/** Writes a model (document, text or bytes) to a fresh temporary file and returns its path. */
export function writeModel(content: Json | string | Uint8Array, extension = '.json'): string {
  const path = join(dir, `model-${counter++}${extension}`);
  writeFileSync(path, typeof content === 'string' || content instanceof Uint8Array ? content : JSON.stringify(content));
  return path;
}
