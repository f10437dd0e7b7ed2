import { readFile } from 'node:fs/promises';
import { type ModelArtifact, type ModelRuntime, type RuntimeOptions, TetraError } from '../../core/index.ts';
import type { TreeBooster } from './booster-parser.ts';
import { compileForest, type ForestLayout } from './forest-compiler.ts';
import type { ForestSource, MarginEvaluator } from './forest-source.ts';
import { type IterationRange, resolveIterationRange } from './iteration-range.ts';
import { LinearModel } from './linear-model.ts';
import { fitsPerfectLayout } from './perfect-forest.ts';
import { decodeModel } from './model-decoder.ts';
import type { ParsedModel } from './model-parser.ts';
import { XgboostModel } from './xgboost-model.ts';

const KNOWN_OPTIONS = ['iteration_range', 'use_best_iteration', 'tree_layout'];
const LAYOUTS: readonly ForestLayout[] = ['auto', 'perfect', 'compact'];

/**
 * Runtime options (model.yaml `runtime_options`):
 * - `iteration_range: [begin, end]`: use only those boosting iterations (end 0 = all);
 * - `use_best_iteration: true`: iterations up to the `best_iteration` attribute;
 * - `tree_layout: auto | perfect | compact`: force an evaluator layout (for diagnosis).
 */
export const xgboostRuntime: ModelRuntime = {
  name: 'xgboost',
  recognizes,
  load: loadXgboost,
};

function recognizes(fileName: string, head: Uint8Array): boolean {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.ubj')) return head[0] === 0x7b;
  if (!lower.endsWith('.json')) return false;
  const text = new TextDecoder().decode(head);
  return text.trimStart().replace(/^\uFEFF/, '').startsWith('{') && text.includes('"learner"');
}

async function loadXgboost(artifact: ModelArtifact, options: RuntimeOptions = {}): Promise<XgboostModel> {
  const file = artifact.path;
  checkOptionNames(options, file);
  const bytes = await readModelFile(file);
  const model = decodeModel(bytes, file);
  return new XgboostModel(file, model, buildEvaluator(model, options, file));
}

async function readModelFile(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new TetraError('MODEL_FILE_UNREADABLE', `${file}: the model file could not be read (${reason})`, { file, cause: error });
  }
}

function checkOptionNames(options: RuntimeOptions, file: string): void {
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.includes(key)) {
      throw new TetraError('CONFIG_INVALID', `${file}: unknown xgboost runtime option "${key}" (known: ${KNOWN_OPTIONS.join(', ')})`, { path: `runtime_options.${key}`, file });
    }
  }
  const layout = options.tree_layout;
  if (layout !== undefined && !LAYOUTS.includes(layout as ForestLayout)) {
    throw new TetraError('CONFIG_INVALID', `${file}: runtime option tree_layout must be one of ${LAYOUTS.join(', ')}`, { path: 'runtime_options.tree_layout', file });
  }
}

function buildEvaluator(model: ParsedModel, options: RuntimeOptions, file: string): MarginEvaluator {
  const { booster } = model;
  if (booster.kind === 'linear') {
    // gblinear has one "iteration" worth of weights; ranges only make sense from 0.
    const range = resolveIterationRange(options, 1, undefined, file);
    if (range.begin !== 0) throw new TetraError('CONFIG_INVALID', `${file}: gblinear models cannot skip iterations`, { path: 'runtime_options.iteration_range', file });
    return new LinearModel(booster.weights, model.numFeature, model.numOutputs);
  }
  const iterations = booster.iterationIndptr.length - 1;
  const range = resolveIterationRange(options, iterations, model.bestIteration, file);
  const layout = (options.tree_layout as ForestLayout | undefined) ?? 'auto';
  const source = selectTrees(booster, range, model);
  if (layout === 'perfect' && !fitsPerfectLayout(source.trees)) {
    const why = 'the perfect layout needs numeric splits, scalar leaves, finite thresholds and trees at most 10 deep';
    throw new TetraError('CONFIG_INVALID', `${file}: tree_layout perfect: ${why}`, { path: 'runtime_options.tree_layout', file });
  }
  return compileForest(source, layout);
}

function selectTrees(booster: TreeBooster, range: IterationRange, model: ParsedModel): ForestSource {
  const begin = booster.iterationIndptr[range.begin] as number;
  const end = booster.iterationIndptr[range.end] as number;
  return {
    trees: booster.trees.slice(begin, end),
    groups: booster.treeInfo.slice(begin, end),
    weights: booster.weights?.slice(begin, end),
    numFeature: model.numFeature,
    numOutputs: model.numOutputs,
  };
}
