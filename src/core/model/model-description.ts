import type { FeatureConfig } from '../config/model-config.ts';
import type { RuntimeName } from './runtime-name.ts';

/** How a feature's values are written by callers. */
export type FeatureKind = 'number' | 'integer' | 'boolean' | 'category';

/** One column of a tabular model's feature matrix, as the model file describes it. */
export interface FeatureDescription {
  readonly name: string;
  readonly kind: FeatureKind;
  /**
   * For categories: the level names in code order (code = index). The model
   * receives the code. Absent when the file stores codes without names.
   */
  readonly levels?: readonly string[];
}

/** What the model computes, as far as the file tells. */
export type ModelTask = 'binary' | 'multiclass' | 'regression' | 'other';

/**
 * What a runtime learned about a model from its file, beyond tensor shapes.
 * The records codec uses it when `model.yaml` does not say otherwise.
 */
export interface ModelDescription {
  readonly format: RuntimeName;
  readonly task: ModelTask;
  /** Objective or operator family as the file names it (e.g. `binary:logistic`, `multiclass`). */
  readonly objective?: string;
  /**
   * The input tensor that takes the feature matrix `[batch, features.length]`,
   * for tabular models. Absent when the model is not tabular.
   */
  readonly featureInput?: string;
  /** Columns of the feature matrix in order. Names are `f0..fn` when `featureNamesFromFile` is false. */
  readonly features?: readonly FeatureDescription[];
  readonly featureNamesFromFile?: boolean;
  /**
   * Feature declarations in model.yaml form carried by the artifact itself
   * (a JS module's `features` export): used, with their policies, when
   * model.yaml lists no inputs.
   */
  readonly declaredInputs?: readonly FeatureConfig[];
  /** Number of classes for classifiers (2 for binary). */
  readonly numClasses?: number;
  /** Class labels in score-column order, when the file has them. */
  readonly classes?: readonly (string | number)[];
  /**
   * Output holding the prediction in output space: probabilities for
   * classifiers (`[batch]` = P(class 1) for binary, `[batch, K]` for
   * multiclass), the value for regressors.
   */
  readonly scoreOutput?: string;
  /** Output holding predicted class labels, when the model computes them itself. */
  readonly labelOutput?: string;
}
