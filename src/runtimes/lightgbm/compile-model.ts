import type { ModelDescription, RuntimeOptions } from '../../core/model/index.ts';
import { describeFeatures } from './features.ts';
import { flattenForest } from './flat-forest.ts';
import { iterationRange } from './iteration-range.ts';
import { FEATURE_INPUT, OUTPUT_PREDICTION, type CompiledModel } from './lightgbm-model.ts';
import { readHeader } from './model-header.ts';
import { splitModelText } from './model-text-parser.ts';
import { parseTree } from './tree-parser.ts';

/**
 * Parses LightGBM model text into flat arrays plus the model's description.
 * Throws MODEL_FILE_CORRUPT / MODEL_UNSUPPORTED naming `file`.
 */
export function compileModel(file: string, text: string, options?: RuntimeOptions): CompiledModel {
  const parts = splitModelText(file, text);
  const header = readHeader(parts);
  const trees = parts.trees.map((block) => parseTree(file, block, header.numFeatures));
  const forest = flattenForest(trees);
  const range = iterationRange(options, forest.numTrees, header.treesPerIteration);
  const columns = describeFeatures(parts, header.numFeatures);
  const { objective } = header;
  const description: ModelDescription = {
    format: 'lightgbm',
    task: objective.task,
    ...(objective.name === undefined ? {} : { objective: objective.name }),
    featureInput: FEATURE_INPUT,
    features: columns.features,
    featureNamesFromFile: columns.namesFromFile,
    ...(objective.numClasses === undefined ? {} : { numClasses: objective.numClasses }),
    scoreOutput: OUTPUT_PREDICTION,
  };
  return { forest, header, range, description };
}
