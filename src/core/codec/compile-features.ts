import type { FeatureConfig } from '../config/model-config.ts';
import { TetraError } from '../errors/index.ts';
import type { FeatureDescription } from '../model/model-description.ts';
import type { FeatureSpec, UnknownCategoryPolicy } from './feature-spec.ts';
import { BOOLEAN_FALSE_KEY, BOOLEAN_TRUE_KEY, MISSING, encodeValue } from './parse-value.ts';

/** The model-file view of declared features (names, kinds, levels). */
export function describeFeatures(declared: readonly FeatureConfig[]): FeatureDescription[] {
  return declared.map((f) => ({ name: f.name, kind: f.type, ...(f.type === 'category' && f.levels ? { levels: f.levels } : {}) }));
}

/**
 * Merges the model.yaml inputs with the features the model file describes.
 * The yaml decides names, order and policies; the file supplies category
 * levels the yaml leaves out. Mismatches fail with the yaml path.
 */
export function compileFeatures(
  declared: readonly FeatureConfig[] | undefined,
  fromFile: readonly FeatureDescription[] | undefined,
  fileNamesAreReal: boolean,
  where: string,
): FeatureSpec[] {
  if (!declared) {
    if (!fromFile) throw new TetraError('CONFIG_INVALID', `${where}: the model file does not describe its features; list them under "inputs"`, { path: 'inputs' });
    return fromFile.map(featureFromFile);
  }
  if (fromFile && fromFile.length !== declared.length) {
    throw new TetraError('CONFIG_INVALID', `${where}: inputs lists ${declared.length} features but the model takes ${fromFile.length}`, { path: 'inputs' });
  }
  return declared.map((config, i) => {
    const file = fromFile?.[i];
    if (file && fileNamesAreReal && file.name !== config.name) {
      throw new TetraError('CONFIG_INVALID', `${where}: inputs[${i}].name is "${config.name}" but the model file calls feature ${i} "${file.name}"`, { path: `inputs[${i}].name` });
    }
    checkLevelsAgree(config, file, where, i);
    return featureFromConfig(config, file, `${where}: inputs[${i}]`, i);
  });
}

/** Codes are positions in the level list: a list that differs from the model's would feed it the wrong categories. */
function checkLevelsAgree(config: FeatureConfig, file: FeatureDescription | undefined, where: string, index: number): void {
  if (config.type !== 'category' || !config.levels || !file?.levels) return;
  if (config.levels.length === file.levels.length && config.levels.every((l, k) => l === file.levels?.[k])) return;
  const shown = (ls: readonly string[]): string => (ls.length > 12 ? `${ls.slice(0, 12).join(', ')}, ...` : ls.join(', '));
  throw new TetraError('CONFIG_INVALID', `${where}: inputs[${index}].levels [${shown(config.levels)}] differ from the levels the model was trained with [${shown(file.levels)}]; remove them from model.yaml or list them in the model's order`, { path: `inputs[${index}].levels` });
}

/** A feature known only from the model file: must be present, may be explicitly missing. */
function featureFromFile(file: FeatureDescription): FeatureSpec {
  return withLevels(
    { name: file.name, kind: file.kind, required: true, nullable: true, allowNonFinite: false, unknown: 'error' },
    file.levels,
  );
}

function featureFromConfig(config: FeatureConfig, file: FeatureDescription | undefined, where: string, index: number): FeatureSpec {
  const required = config.required ?? config.default === undefined;
  const base: FeatureSpec = {
    name: config.name,
    kind: config.type,
    required,
    nullable: !required,
    allowNonFinite: config.type === 'number' || config.type === 'integer' ? (config.allow_non_finite ?? false) : false,
    unknown: 'error',
    ...(config.type === 'number' || config.type === 'integer' ? { min: config.min, max: config.max } : {}),
  };
  if (config.type !== 'category') return withDefault(base, config.default, where, index);
  const levels = config.levels ?? file?.levels;
  const spec = withLevels({ ...base, unknown: unknownPolicy(config.unknown, levels, where, index) }, levels);
  return withDefault(spec, config.default, where, index);
}

function unknownPolicy(policy: string | undefined, levels: readonly string[] | undefined, where: string, index: number): UnknownCategoryPolicy {
  if (policy === undefined || policy === 'error') return 'error';
  if (policy === 'missing') return 'missing';
  const code = levels?.indexOf(policy) ?? -1;
  if (code < 0) {
    throw new TetraError('CONFIG_INVALID', `${where}.unknown: "${policy}" is not "error", "missing" or one of the levels`, { path: `inputs[${index}].unknown` });
  }
  return code;
}

function withLevels(spec: FeatureSpec, levels: readonly string[] | undefined): FeatureSpec {
  if (!levels) return spec;
  const codes = new Map<string, number>();
  levels.forEach((level, code) => {
    if (!codes.has(level)) codes.set(level, code);
    const lower = level.trim().toLowerCase();
    const alias = lower === 'true' ? BOOLEAN_TRUE_KEY : lower === 'false' ? BOOLEAN_FALSE_KEY : undefined;
    if (alias && !codes.has(alias)) codes.set(alias, code);
  });
  return { ...spec, levels, codes };
}

/** Encodes the declared default once, so a bad default fails at load with its path. */
function withDefault(spec: FeatureSpec, value: unknown, where: string, index: number): FeatureSpec {
  if (value === undefined) return spec;
  try {
    const encoded = encodeValue(spec, value, 0);
    if (encoded === MISSING) return { ...spec, required: false, nullable: true };
    return { ...spec, defaultValue: encoded, required: false };
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^row 0: /, '') : String(error);
    throw new TetraError('CONFIG_INVALID', `${where}.default: ${reason}`, { path: `inputs[${index}].default`, cause: error });
  }
}
