import { z } from 'zod';
import { RUNTIME_NAMES } from '../model/runtime-name.ts';
import { rolloutSchema } from '../rollout/rollout-config.ts';
import { durationMs } from './duration.ts';
import { onlineFeaturesSchema } from './online-features-config.ts';

const featureName = z.string().min(1, 'a feature name cannot be empty');

const baseFeature = {
  name: featureName,
  description: z.string().optional(),
  /** Absent, null or empty values are an error when true (and no default is given). */
  required: z.boolean().optional(),
};

const numberFeature = z
  .strictObject({
  ...baseFeature,
  type: z.literal(['number', 'integer']),
  default: z.number().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  /** Accept NaN/Infinity as values (as missing / as is). Off by default. */
  allow_non_finite: z.boolean().optional(),
  })
  .refine((f) => f.min === undefined || f.max === undefined || f.min <= f.max, { message: 'min is greater than max', path: ['min'] });

const booleanFeature = z.strictObject({
  ...baseFeature,
  type: z.literal('boolean'),
  default: z.boolean().optional(),
});

const categoryFeature = z.strictObject({
  ...baseFeature,
  type: z.literal('category'),
  /** Level names in code order: the model receives the index. Absent = the model file's levels. */
  levels: z
    .array(z.union([z.string(), z.number(), z.boolean()]).transform(String))
    .min(1)
    .refine((ls) => new Set(ls).size === ls.length, { message: 'levels must be distinct (a level listed twice would have two codes)' })
    .optional(),
  /** What an unseen value becomes: an error, a missing value, or one of the levels. */
  unknown: z.string().optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).transform(String).optional(),
});

export const featureSchema = z
  .discriminatedUnion('type', [numberFeature, booleanFeature, categoryFeature])
  .refine((f) => !(f.required === true && f.default !== undefined), { message: 'a required feature cannot have a default (the default would never apply); drop one of them', path: ['default'] });

/** Feature lists: names are unique, since records map names to columns. */
const featureList = z.array(featureSchema).superRefine((features, ctx) => {
  const seen = new Map<string, number>();
  features.forEach((f, i) => {
    const first = seen.get(f.name);
    if (first !== undefined) ctx.addIssue({ code: 'custom', message: `feature "${f.name}" is already declared at inputs[${first}]`, path: [i, 'name'] });
    else seen.set(f.name, i);
  });
});

const outputsSchema = z.strictObject({
  task: z.enum(['binary', 'multiclass', 'regression', 'other']).optional(),
  /** The output tensor holding probabilities (classifiers) or values (regressors); default: the one the runtime names. */
  score_output: z.string().min(1).optional(),
  /** Class labels in score-column order; for binary the second is the positive class. */
  classes: z.array(z.union([z.string(), z.number()])).min(2).optional(),
  threshold: z.number().min(0).max(1).optional(),
  probability_field: z.string().min(1).optional(),
  probabilities_field: z.string().min(1).optional(),
  label_field: z.string().min(1).optional(),
  value_field: z.string().min(1).optional(),
});

const versionPolicySchema = z.union(
  [
    z.literal('latest'),
    z.strictObject({ latest: z.number().int().min(1) }),
    z.strictObject({ pinned: z.union([z.number().int().min(0), z.array(z.number().int().min(0)).min(1)]) }),
  ],
  { error: 'expected "latest", {latest: N} (the N newest versions) or {pinned: V} / {pinned: [V, ...]}' },
);

const batchingSchema = z.strictObject({
  max_batch_size: z.number().int().min(1).optional(),
  max_queue: z.number().int().min(1).optional(),
  max_wait: durationMs.optional(),
  timeout: durationMs.refine((ms) => ms > 0, { message: 'timeout must be longer than 0' }).optional(),
});

/** The schema of `models/<name>/model.yaml`. */
export const modelConfigSchema = z.strictObject({
  description: z.string().optional(),
  runtime: z.enum(RUNTIME_NAMES).optional(),
  /** File name inside each version folder; absent = the one model file found there. */
  artifact: z.string().min(1).optional(),
  version_policy: versionPolicySchema.optional(),
  runtime_options: z.record(z.string(), z.unknown()).optional(),
  /** The model input that takes the feature matrix (default: the one the runtime reports). */
  input_tensor: z.string().min(1).optional(),
  inputs: featureList.optional(),
  outputs: outputsSchema.optional(),
  batching: batchingSchema.optional(),
  online_features: onlineFeaturesSchema.optional(),
  rollout: rolloutSchema.optional(),
});

export type ModelConfigFile = z.output<typeof modelConfigSchema>;
export type FeatureConfig = z.output<typeof featureSchema>;
