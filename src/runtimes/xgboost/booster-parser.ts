import { ModelFieldError, ModelUnsupportedError } from './document-error.ts';
import { arrayAt, type Doc, expectLength, intAt, intsAt, numbersAt, objectAt, stringAt } from './doc-access.ts';
import { type ParsedTree, parseTree } from './tree-parser.ts';

export interface TreeBooster {
  readonly kind: 'tree';
  readonly trees: readonly ParsedTree[];
  /** Output (class or target) each tree adds to; ignored for vector-leaf trees. */
  readonly treeInfo: Int32Array;
  /** DART tree weights, float32; undefined when every tree counts fully. */
  readonly weights?: Float32Array;
  /** Trees of iteration i are [indptr[i], indptr[i+1]). */
  readonly iterationIndptr: readonly number[];
  /** The tree model object, where XGBoost 3 keeps the category names (`cats`). */
  readonly cats?: unknown;
  readonly catsPath: string;
}

export interface LinearBooster {
  readonly kind: 'linear';
  /** (numFeature + 1) x numOutputs, feature-major; the last row holds the biases. */
  readonly weights: Float32Array;
}

export type Booster = TreeBooster | LinearBooster;

export interface BoosterShape {
  readonly numFeature: number;
  /** Values each row produces: classes, targets, or 1. */
  readonly numOutputs: number;
}

const GB = 'learner.gradient_booster';

export function parseBooster(gb: Doc, shape: BoosterShape): Booster {
  const name = stringAt(gb, 'name', GB);
  switch (name) {
    case 'gbtree': {
      // XGBoost 3.4 writes DART as a gbtree carrying tree weights.
      const model = objectAt(gb, 'model', GB);
      return parseTrees(model, `${GB}.model`, shape, gb.weight_drop ?? model.weight_drop, GB);
    }
    case 'dart': {
      const inner = objectAt(gb, 'gbtree', GB);
      return parseTrees(objectAt(inner, 'model', `${GB}.gbtree`), `${GB}.gbtree.model`, shape, gb.weight_drop, GB);
    }
    case 'gblinear':
      return parseLinear(objectAt(gb, 'model', GB), `${GB}.model`, shape);
    default:
      throw new ModelUnsupportedError(`${GB}.name`, `booster "${name}" is not supported (supported: gbtree, dart, gblinear)`);
  }
}

function parseTrees(model: Doc, path: string, shape: BoosterShape, weightDrop: unknown, gbPath: string): TreeBooster {
  const list = arrayAt(model, 'trees', path);
  const trees = Array.from({ length: list.length }, (_, i) => parseTree(list[i], `${path}.trees[${i}]`, shape.numFeature));
  const param = objectAt(model, 'gbtree_model_param', path);
  const declared = intAt(param, 'num_trees', `${path}.gbtree_model_param`, trees.length);
  if (declared !== trees.length) throw new ModelFieldError(`${path}.gbtree_model_param.num_trees`, `says ${declared} trees but ${trees.length} are stored`);
  const treeInfo = Int32Array.from(intsAt(model, 'tree_info', path, 0, shape.numOutputs - 1));
  expectLength(treeInfo, trees.length, `${path}.tree_info`);
  checkLeafSizes(trees, shape.numOutputs, path);
  const parallel = intAt(param, 'num_parallel_tree', `${path}.gbtree_model_param`, 1);
  return {
    kind: 'tree',
    trees,
    treeInfo,
    weights: readWeights(weightDrop, trees.length, gbPath),
    iterationIndptr: readIndptr(model, path, trees, parallel, shape.numOutputs),
    cats: model.cats,
    catsPath: `${path}.cats`,
  };
}

function checkLeafSizes(trees: readonly ParsedTree[], numOutputs: number, path: string): void {
  trees.forEach((t, i) => {
    if (t.leafSize > 1 && t.leafSize !== numOutputs) {
      throw new ModelFieldError(`${path}.trees[${i}].tree_param.size_leaf_vector`, `is ${t.leafSize} but the model has ${numOutputs} outputs`);
    }
  });
}

function readWeights(weightDrop: unknown, numTrees: number, gbPath: string): Float32Array | undefined {
  if (weightDrop === undefined) return undefined;
  const weights = numbersAt({ weight_drop: weightDrop }, 'weight_drop', gbPath);
  expectLength(weights, numTrees, `${gbPath}.weight_drop`);
  const out = Float32Array.from(weights);
  return out.every((w) => w === 1) ? undefined : out;
}

/**
 * XGBoost 2+ stores `iteration_indptr`; older files imply it: every
 * iteration adds one tree per output and parallel tree (a vector-leaf tree
 * covers all outputs at once).
 */
function readIndptr(model: Doc, path: string, trees: readonly ParsedTree[], parallel: number, numOutputs: number): number[] {
  if (model.iteration_indptr !== undefined) {
    const indptr = Array.from(intsAt(model, 'iteration_indptr', path, 0, trees.length));
    for (let i = 1; i < indptr.length; i++) {
      if ((indptr[i] as number) < (indptr[i - 1] as number)) throw new ModelFieldError(`${path}.iteration_indptr[${i}]`, 'offsets must not decrease');
    }
    if (indptr[0] !== 0 || indptr[indptr.length - 1] !== trees.length) {
      throw new ModelFieldError(`${path}.iteration_indptr`, `must run from 0 to the ${trees.length} trees`);
    }
    return indptr;
  }
  const perIteration = Math.max(1, parallel) * (trees[0] && trees[0].leafSize > 1 ? 1 : numOutputs);
  const indptr = [0];
  for (let end = perIteration; (indptr[indptr.length - 1] as number) < trees.length; end += perIteration) indptr.push(Math.min(end, trees.length));
  return indptr;
}

function parseLinear(model: Doc, path: string, shape: BoosterShape): LinearBooster {
  const weights = Float32Array.from(numbersAt(model, 'weights', path));
  expectLength(weights, (shape.numFeature + 1) * shape.numOutputs, `${path}.weights`);
  return { kind: 'linear', weights };
}
