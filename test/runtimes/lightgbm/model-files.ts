import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { lightgbmRuntime } from '../../../src/runtimes/lightgbm/index.ts';
import type { LoadedModel, RuntimeOptions } from '../../../src/core/model/index.ts';
import type { TensorMap } from '../../../src/core/tensor.ts';

let dir: string | undefined;

// Registered at import so it runs once, after every test of the importing file.
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Writes `text` to a file in a temporary folder that is removed after the test file. */
export function writeModel(name: string, text: string): string {
  dir ??= mkdtempSync(join(tmpdir(), 'tetra-lightgbm-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export interface TreeSpec {
  numLeaves: number;
  numCat?: number;
  /** Extra or replacement `key=value` lines, e.g. `split_feature: '0 1'`. */
  keys: Record<string, string>;
}

export interface ModelSpec {
  version?: string;
  objective?: string;
  numClass?: number;
  numFeatures: number;
  featureInfos?: string;
  extraHeader?: string[];
  trees: TreeSpec[];
  trailer?: string[];
}

/** A LightGBM text model in the layout save_model writes. */
export function modelText(spec: ModelSpec): string {
  const k = spec.numClass ?? 1;
  const header = [
    'tree',
    `version=${spec.version ?? 'v4'}`,
    `num_class=${k}`,
    `num_tree_per_iteration=${k}`,
    'label_index=0',
    `max_feature_idx=${spec.numFeatures - 1}`,
    `objective=${spec.objective ?? 'regression'}`,
    ...(spec.extraHeader ?? []),
    `feature_names=${Array.from({ length: spec.numFeatures }, (_, i) => `x${i}`).join(' ')}`,
    `feature_infos=${spec.featureInfos ?? Array.from({ length: spec.numFeatures }, () => '[0:1]').join(' ')}`,
    '',
  ];
  const trees = spec.trees.map((t, i) => [
    `Tree=${i}`,
    `num_leaves=${t.numLeaves}`,
    `num_cat=${t.numCat ?? 0}`,
    ...Object.entries(t.keys).map(([key, value]) => `${key}=${value}`),
    'shrinkage=1',
    '',
    '',
  ].join('\n'));
  return [...header, ...trees, 'end of trees', '', ...(spec.trailer ?? ['pandas_categorical:null']), ''].join('\n');
}

/** Loads a model from text written to a temporary file. */
export async function loadText(name: string, text: string, options?: RuntimeOptions): Promise<LoadedModel> {
  return lightgbmRuntime.load({ path: writeModel(name, text) }, options);
}

/** Runs one model on rows of numbers and returns the requested outputs. */
export async function runRows(model: LoadedModel, rows: number[][], outputs?: string[]): Promise<TensorMap> {
  const numFeatures = model.signature.inputs[0]!.shape[1]!;
  const data = new Float64Array(rows.flat());
  return model.run({ features: { dtype: 'float64', shape: [rows.length, numFeatures], data } }, outputs ? { outputs } : undefined);
}

/** A one-split regression tree on feature `feature`: leaf values `leftValue` / `rightValue`. */
export function stump(feature: number, threshold: string, decisionType: number, leftValue: number, rightValue: number): TreeSpec {
  return {
    numLeaves: 2,
    keys: {
      split_feature: String(feature),
      split_gain: '1',
      threshold,
      decision_type: String(decisionType),
      left_child: '-1',
      right_child: '-2',
      leaf_value: `${leftValue} ${rightValue}`,
    },
  };
}
