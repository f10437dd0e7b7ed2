import type { ModelDescription, ModelSignature, TensorSpec } from '../../core/index.ts';
import type { ParsedModel } from './model-parser.ts';

export const FEATURES = 'features';
export const PREDICTION = 'prediction';
export const MARGIN = 'margin';
export const PROBABILITIES = 'probabilities';

/** Outputs computed when a call does not name any. */
export const DEFAULT_OUTPUTS = [PREDICTION, MARGIN] as const;

/**
 * One input, the float32 feature matrix (float64 accepted and rounded, as
 * XGBoost's DMatrix does). `prediction` is what XGBoost's predict() returns;
 * multi:softmax also offers the class probabilities.
 */
export function buildSignature(model: ParsedModel): ModelSignature {
  const k = model.numOutputs;
  const perRow = k === 1 ? [-1] : [-1, k];
  const softmax = model.objective.transform === 'softmax';
  const outputs: TensorSpec[] = [
    { name: PREDICTION, dtype: 'float32', shape: softmax ? [-1] : perRow },
    { name: MARGIN, dtype: 'float32', shape: perRow },
  ];
  if (softmax) outputs.push({ name: PROBABILITIES, dtype: 'float32', shape: [-1, k] });
  return {
    inputs: [{ name: FEATURES, dtype: 'float32', shape: [-1, model.numFeature], accepts: ['float64'] }],
    outputs,
  };
}

export function buildDescription(model: ParsedModel): ModelDescription {
  const { objective } = model;
  const softmax = objective.transform === 'softmax';
  const numClasses = objective.task === 'binary' ? 2 : objective.task === 'multiclass' ? model.numClass : undefined;
  return {
    format: 'xgboost',
    task: objective.task,
    objective: objective.name,
    featureInput: FEATURES,
    features: model.features,
    featureNamesFromFile: model.featureNamesFromFile,
    ...(numClasses === undefined ? {} : { numClasses }),
    scoreOutput: softmax ? PROBABILITIES : PREDICTION,
    ...(softmax ? { labelOutput: PREDICTION } : {}),
  };
}
