import type { FeatureDescription, FeatureKind } from '../../core/index.ts';
import { ModelFieldError } from './document-error.ts';
import { type Doc, intAt, isObject, objectAt, stringAt, stringsAt } from './doc-access.ts';
import { type Booster, parseBooster } from './booster-parser.ts';
import { readCategoryLevels } from './category-levels.ts';
import { baseScoreToMargin, type ObjectiveInfo, objectiveInfo, parseBaseScore } from './objectives.ts';

/** Everything the runtime needs from an XGBoost JSON/UBJSON model document. */
export interface ParsedModel {
  readonly objective: ObjectiveInfo;
  readonly numFeature: number;
  /** `num_class` as stored (0 for non-multiclass models). */
  readonly numClass: number;
  /** Values per row: classes, targets, or 1. */
  readonly numOutputs: number;
  /** Base score per output, already converted to margin space. */
  readonly baseMargin: Float32Array;
  readonly features: FeatureDescription[];
  readonly featureNamesFromFile: boolean;
  readonly bestIteration?: number;
  readonly booster: Booster;
}

const LP = 'learner.learner_model_param';

export function parseModel(doc: unknown): ParsedModel {
  if (!isObject(doc) || !isObject(doc.learner)) {
    throw new ModelFieldError('learner', 'not an XGBoost model: the document has no "learner" object');
  }
  const learner = doc.learner;
  const param = objectAt(learner, 'learner_model_param', 'learner');
  const numFeature = intAt(param, 'num_feature', LP);
  if (numFeature < 1) throw new ModelFieldError(`${LP}.num_feature`, `must be at least 1, found ${numFeature}`);
  const objective = objectiveInfo(stringAt(objectAt(learner, 'objective', 'learner'), 'name', 'learner.objective'), 'learner.objective.name');
  const numClass = intAt(param, 'num_class', LP, 0);
  const numTarget = intAt(param, 'num_target', LP, 1);
  if (objective.task === 'multiclass' && numClass < 1) throw new ModelFieldError(`${LP}.num_class`, `objective ${objective.name} needs num_class >= 1, found ${numClass}`);
  const numOutputs = numClass > 0 ? numClass : Math.max(1, numTarget);
  const booster = parseBooster(objectAt(learner, 'gradient_booster', 'learner'), { numFeature, numOutputs });
  const levels = booster.kind === 'tree' ? readCategoryLevels(booster.cats, booster.catsPath, numFeature) : [];
  const { features, fromFile } = readFeatures(learner, numFeature, levels);
  return {
    objective,
    numFeature,
    numClass,
    numOutputs,
    baseMargin: readBaseMargin(param, objective, numOutputs),
    features,
    featureNamesFromFile: fromFile,
    bestIteration: readBestIteration(learner),
    booster,
  };
}

function readBaseMargin(param: Doc, objective: ObjectiveInfo, numOutputs: number): Float32Array {
  const path = `${LP}.base_score`;
  const scores = param.base_score === undefined ? [0.5] : parseBaseScore(param.base_score, path);
  if (scores.length !== 1 && scores.length !== numOutputs) {
    throw new ModelFieldError(path, `has ${scores.length} values but the model has ${numOutputs} outputs`);
  }
  const margins = baseScoreToMargin(scores, objective.link, path);
  return Float32Array.from({ length: numOutputs }, (_, i) => margins[scores.length === 1 ? 0 : i] as number);
}

const KINDS: Record<string, FeatureKind> = { c: 'category', int: 'integer', i: 'boolean' };

function readFeatures(learner: Doc, numFeature: number, levels: (string[] | undefined)[]): { features: FeatureDescription[]; fromFile: boolean } {
  const names = stringsAt(learner, 'feature_names', 'learner');
  const types = stringsAt(learner, 'feature_types', 'learner');
  for (const [key, list] of [['feature_names', names], ['feature_types', types]] as const) {
    if (list.length !== 0 && list.length !== numFeature) {
      throw new ModelFieldError(`learner.${key}`, `has ${list.length} entries but the model has ${numFeature} features`);
    }
  }
  const features = Array.from({ length: numFeature }, (_, f): FeatureDescription => {
    const kind = KINDS[types[f] ?? ''] ?? 'number';
    const name = names.length > 0 ? (names[f] as string) : `f${f}`;
    const featureLevels = levels[f];
    return featureLevels ? { name, kind, levels: featureLevels } : { name, kind };
  });
  return { features, fromFile: names.length > 0 };
}

function readBestIteration(learner: Doc): number | undefined {
  const attributes = learner.attributes;
  if (!isObject(attributes) || attributes.best_iteration === undefined) return undefined;
  return intAt(attributes, 'best_iteration', 'learner.attributes');
}
