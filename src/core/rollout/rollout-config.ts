import { z } from 'zod';

const split = z.strictObject({
  /** The candidate version. */
  version: z.number().int().min(0).transform(String),
  /** Share of requests, 0-100. */
  percent: z.number().min(0).max(100),
});

/**
 * model.yaml `rollout`: a canary takes a share of live traffic (sticky per
 * route key when the caller sends one); a shadow gets a copy of a share of
 * traffic, its answers compared and discarded.
 */
export const rolloutSchema = z
  .strictObject({ canary: split.optional(), shadow: split.optional() })
  .refine((r) => !(r.canary && r.shadow && r.canary.version === r.shadow.version), { message: 'canary and shadow name the same version', path: ['shadow', 'version'] });

export type RolloutConfig = z.output<typeof rolloutSchema>;
