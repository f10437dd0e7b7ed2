import { TetraError } from '../../core/errors/index.ts';
import type {
  FeatureDescription, FeatureKind, ModelDescription, ModelSignature, ModelTask, TensorSpec,
} from '../../core/model/index.ts';
import type { DType } from '../../core/tensor.ts';
import { classLabels } from './onnx-attributes.ts';
import type { OnnxModel, OnnxNode } from './onnx-proto.ts';

const CLASSIFIERS = new Set(['TreeEnsembleClassifier', 'LinearClassifier', 'SVMClassifier']);
const REGRESSORS = new Set(['TreeEnsembleRegressor', 'LinearRegressor', 'SVMRegressor', 'TreeEnsemble']);
const FLOATS: readonly DType[] = ['float32', 'float64', 'float16'];
const LABEL_TYPES: readonly DType[] = ['int64', 'int32', 'string'];

/** Metadata key holding the feature names as a JSON array of strings. */
export const FEATURES_METADATA_KEY = 'tetra.features';

/**
 * What the file tells about the model beyond tensor shapes: the task (from
 * the ai.onnx.ml operator, else from a probabilities-like output), the class
 * labels, which outputs hold scores and labels, and the feature matrix input.
 */
export function describeModel(model: OnnxModel, signature: ModelSignature, file: string): ModelDescription {
  const ml = model.graph.nodes.find((n) => n.domain === 'ai.onnx.ml' && (CLASSIFIERS.has(n.opType) || REGRESSORS.has(n.opType)));
  const features = describeFeatures(model, signature, file);
  const base = { format: 'onnx' as const, ...features };
  if (ml && REGRESSORS.has(ml.opType)) return { ...base, ...regression(signature), objective: ml.opType };
  const classifier = classification(signature, ml);
  if (classifier) return { ...base, ...classifier, ...(ml ? { objective: ml.opType } : {}) };
  return { ...base, ...soleFloatOutput(signature), task: 'other' };
}

/** Lets model.yaml declare the task of an undescribed model: a single float output is its prediction. */
function soleFloatOutput(signature: ModelSignature): Pick<ModelDescription, 'scoreOutput'> {
  const [only, ...others] = signature.outputs;
  return only && others.length === 0 && FLOATS.includes(only.dtype) ? { scoreOutput: only.name } : {};
}

type Outputs = Pick<ModelDescription, 'task' | 'numClasses' | 'classes' | 'scoreOutput' | 'labelOutput'>;

function regression(signature: ModelSignature): Outputs {
  const floats = signature.outputs.filter((o) => FLOATS.includes(o.dtype));
  const score = floats.find((o) => /variable|predict|output|score/i.test(o.name)) ?? floats[0];
  return { task: 'regression', ...(score ? { scoreOutput: score.name } : {}) };
}

/** Classifier facts, or undefined when neither an operator nor the outputs say the model classifies. */
function classification(signature: ModelSignature, node: OnnxNode | undefined): Outputs | undefined {
  const score = scoreOutput(signature);
  // A single-column "score" without a classifier operator is more likely a regression value.
  if (!node && (!score || score.shape[1] === 1)) return undefined;
  const classes = node ? classLabels(node) : undefined;
  const width = score?.shape[1];
  const numClasses = classes?.length ?? (width !== undefined && width > 0 ? width : undefined);
  const label = labelOutput(signature, score);
  const task: ModelTask = numClasses === 2 ? 'binary' : 'multiclass';
  return {
    task,
    ...(numClasses !== undefined ? { numClasses } : {}),
    ...(classes ? { classes } : {}),
    ...(score ? { scoreOutput: score.name } : {}),
    ...(label ? { labelOutput: label.name } : {}),
  };
}

/** The float [N, K] output holding class probabilities or scores. */
function scoreOutput(signature: ModelSignature): TensorSpec | undefined {
  const candidates = signature.outputs.filter((o) => FLOATS.includes(o.dtype) && o.shape.length === 2);
  return candidates.find((o) => /prob/i.test(o.name)) ?? candidates.find((o) => /score/i.test(o.name));
}

function labelOutput(signature: ModelSignature, score: TensorSpec | undefined): TensorSpec | undefined {
  const candidates = signature.outputs.filter((o) => o !== score && LABEL_TYPES.includes(o.dtype) && o.shape.length === 1);
  return candidates.find((o) => /label/i.test(o.name)) ?? (candidates.length === 1 ? candidates[0] : undefined);
}

type Features = Pick<ModelDescription, 'featureInput' | 'features' | 'featureNamesFromFile'>;

/** A tabular model has exactly one input, of shape [batch, F] with F fixed. */
function describeFeatures(model: OnnxModel, signature: ModelSignature, file: string): Features {
  const [input, ...others] = signature.inputs;
  if (!input || others.length > 0 || input.shape.length !== 2) return {};
  const [batch, width] = input.shape as [number, number];
  if (batch !== -1 || width < 0) return {};
  const kind = featureKind(input.dtype);
  const names = featureNames(model, width, file);
  const features: FeatureDescription[] = Array.from({ length: width }, (_, i) => ({ name: names?.[i] ?? `f${i}`, kind }));
  return { featureInput: input.name, features, featureNamesFromFile: names !== undefined };
}

function featureKind(dtype: DType): FeatureKind {
  if (dtype === 'bool') return 'boolean';
  if (dtype === 'string') return 'category';
  return FLOATS.includes(dtype) ? 'number' : 'integer';
}

function featureNames(model: OnnxModel, width: number, file: string): string[] | undefined {
  const raw = model.metadata.get(FEATURES_METADATA_KEY);
  if (raw === undefined) return undefined;
  let names: unknown;
  try {
    names = JSON.parse(raw);
  } catch (error) {
    throw badNames(file, `is not JSON (${(error as Error).message})`, error);
  }
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string' && n.length > 0)) {
    throw badNames(file, 'must be a JSON array of non-empty strings');
  }
  if (names.length !== width) throw badNames(file, `lists ${names.length} names but the feature input has ${width} columns`);
  if (new Set(names).size !== names.length) throw badNames(file, 'lists a name more than once');
  return names as string[];
}

function badNames(file: string, why: string, cause?: unknown): TetraError {
  return new TetraError('MODEL_UNSUPPORTED', `model ${file}: metadata "${FEATURES_METADATA_KEY}" ${why}`, { file, field: FEATURES_METADATA_KEY, cause });
}
