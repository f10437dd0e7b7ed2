import type { FeatureDescription } from '../../core/model/index.ts';
import { corrupt } from './model-error.ts';
import { headerRef, type ModelText } from './model-text-parser.ts';

export interface FeatureColumns {
  readonly features: readonly FeatureDescription[];
  readonly namesFromFile: boolean;
}

/**
 * Describes the feature matrix columns in file order: names from
 * `feature_names`, kind from `feature_infos` (a `[min:max]` range is numeric,
 * a `a:b:c` list holds the categories seen in training, `none` marks an
 * unused feature) and the `categorical_feature` parameter, and category
 * level names from the `pandas_categorical` trailer.
 */
export function describeFeatures(text: ModelText, numFeatures: number): FeatureColumns {
  const names = featureNames(text, numFeatures);
  const categorical = categoricalFeatures(text, numFeatures);
  const levels = pandasLevels(text, categorical);
  const features = (names ?? defaultNames(numFeatures)).map((name, i): FeatureDescription => {
    if (!categorical.includes(i)) return { name, kind: 'number' };
    const named = levels?.get(i);
    return named ? { name, kind: 'category', levels: named } : { name, kind: 'category' };
  });
  return { features, namesFromFile: names !== undefined };
}

function defaultNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `f${i}`);
}

function tokens(value: string): string[] {
  return value.trim() === '' ? [] : value.trim().split(/\s+/);
}

function featureNames(text: ModelText, numFeatures: number): string[] | undefined {
  const kv = text.header.get('feature_names');
  if (!kv) return undefined;
  const names = tokens(kv.value);
  if (names.length !== numFeatures) {
    throw corrupt(headerRef(text, 'feature_names'), `lists ${names.length} names but max_feature_idx implies ${numFeatures} features`);
  }
  return names;
}

/** Sorted indices of categorical features. */
function categoricalFeatures(text: ModelText, numFeatures: number): number[] {
  const found = new Set<number>();
  const infos = text.header.get('feature_infos');
  if (infos) {
    const list = tokens(infos.value);
    if (list.length !== numFeatures) {
      throw corrupt(headerRef(text, 'feature_infos'), `lists ${list.length} entries but the model has ${numFeatures} features`);
    }
    list.forEach((info, i) => {
      if (info !== 'none' && !info.startsWith('[')) found.add(i);
    });
  }
  // Only purely numeric lists are indices; LightGBM also accepts `name:` forms, which feature_infos already covers.
  const param = text.parameters.get('categorical_feature') ?? '';
  if (/^\d+(,\d+)*$/.test(param)) {
    for (const index of param.split(',').map(Number)) if (index < numFeatures) found.add(index);
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * Python's LightGBM writes one category list per pandas `category` column,
 * in column order; those columns are exactly the categorical features when
 * the counts agree. Otherwise the mapping is unknowable and levels stay unset.
 */
function pandasLevels(text: ModelText, categorical: readonly number[]): Map<number, string[]> | undefined {
  const kv = text.pandasCategorical;
  if (!kv) return undefined;
  const ref = { file: text.file, line: kv.line, what: 'pandas_categorical' };
  let lists: unknown;
  try {
    lists = JSON.parse(kv.value);
  } catch (error) {
    throw corrupt(ref, `is not valid JSON (${(error as Error).message})`);
  }
  if (lists === null) return undefined;
  if (!Array.isArray(lists) || !lists.every((l) => Array.isArray(l))) throw corrupt(ref, 'is not a list of category lists');
  if (lists.length === 0 || lists.length !== categorical.length) return undefined;
  const levels = new Map<number, string[]>();
  (lists as unknown[][]).forEach((list, i) => levels.set(categorical[i]!, list.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))));
  return levels;
}
