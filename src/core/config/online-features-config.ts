import { z } from 'zod';
import { durationMs } from './duration.ts';

/** The hash field a writer stamps with the epoch milliseconds of its last write; never a feature. */
export const UPDATED_AT_FIELD = '_updated_at';

/** Lookup deadline when model.yaml gives none: a lookup without one could hold a caller as long as the store hangs. */
export const DEFAULT_LOOKUP_TIMEOUT_MS = 50;

const positiveDuration = (what: string) => durationMs.refine((ms) => ms > 0, { message: `${what} must be longer than 0` });

/** Node fires a longer timer at once (with a warning): a longer lookup timeout would fail every lookup as "too slow". */
const MAX_TIMER_MS = 2 ** 31 - 1;

const featureNames = z
  .array(z.string().min(1, 'a feature name cannot be empty'))
  .min(1, 'list at least one feature to look up')
  .superRefine((names, ctx) => {
    const seen = new Map<string, number>();
    names.forEach((name, i) => {
      const first = seen.get(name);
      if (first !== undefined) ctx.addIssue({ code: 'custom', message: `feature "${name}" is already listed at features[${first}]`, path: [i] });
      else seen.set(name, i);
      if (name === UPDATED_AT_FIELD) ctx.addIssue({ code: 'custom', message: `"${UPDATED_AT_FIELD}" is the write timestamp, not a feature`, path: [i] });
    });
  });

/**
 * model.yaml `online_features`: features looked up by an entity key in an
 * online feature store (one hash per entity) before the model runs.
 */
export const onlineFeaturesSchema = z
  .strictObject({
    /** The feature store, by its name in the server configuration. */
    store: z.string().min(1).default('default'),
    /** The request field holding the entity id; it need not be a model feature. */
    key: z.string().min(1),
    /** Store key = key_prefix + entity id. */
    key_prefix: z.string().default(''),
    /** Hash fields to read; each is a model feature filled when the request does not give it. */
    features: featureNames,
    /** Used when the entity has no (fresh) hash or the hash lacks the field. */
    defaults: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
    /** A hash whose `_updated_at` is older counts as missing. A hash without `_updated_at` has no known age and is used. Compiled to OnlineFeatureSpec.maxAgeMs. */
    max_age: positiveDuration('max_age').optional(),
    /** How long one lookup may take, e.g. "50ms"; compiled to OnlineFeatureSpec.timeoutMs. */
    timeout: positiveDuration('timeout')
      .refine((ms) => ms <= MAX_TIMER_MS, { message: `timeout must be at most ${MAX_TIMER_MS}ms (about 24 days), the longest a timer can wait` })
      .default(DEFAULT_LOOKUP_TIMEOUT_MS),
    /** When the store is down or slow, or holds a value the model cannot take: fail the call or go on with the defaults. */
    on_error: z.enum(['fail', 'defaults']).default('fail'),
  })
  .superRefine((config, ctx) => {
    const listed = new Set(config.features);
    for (const name of Object.keys(config.defaults ?? {})) {
      if (!listed.has(name)) ctx.addIssue({ code: 'custom', message: `"${name}" has a default but is not one of the looked-up features (${config.features.join(', ')})`, path: ['defaults', name] });
    }
    const keyAt = config.features.indexOf(config.key);
    if (keyAt >= 0) ctx.addIssue({ code: 'custom', message: `the key field "${config.key}" cannot also be looked up by itself`, path: ['features', keyAt] });
  });

export type OnlineFeaturesConfig = z.output<typeof onlineFeaturesSchema>;
