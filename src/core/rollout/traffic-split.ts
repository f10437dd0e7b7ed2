import { createHash } from 'node:crypto';
import type { RolloutConfig } from './rollout-config.ts';

/** Which version answers a call, and which (if any) gets a shadow copy. */
export interface TrafficDecision {
  readonly primary: string;
  readonly shadow?: string;
}

/**
 * Picks versions for one call among the ready ones (oldest first). The
 * stable version is the newest ready one that is neither canary nor shadow.
 * A route key always lands on the same side of a canary; without one the
 * split is random.
 */
export function splitTraffic(ready: readonly string[], rollout: RolloutConfig | undefined, routeKey: string | undefined, random: () => number = Math.random): TrafficDecision | undefined {
  if (ready.length === 0) return undefined;
  const candidates = new Set([rollout?.canary?.version, rollout?.shadow?.version]);
  const stable = [...ready].reverse().find((v) => !candidates.has(v)) ?? (ready[ready.length - 1] as string);
  let primary = stable;
  const canary = rollout?.canary;
  if (canary && ready.includes(canary.version) && bucket(routeKey, random) < canary.percent) primary = canary.version;
  const shadow = rollout?.shadow;
  if (shadow && ready.includes(shadow.version) && shadow.version !== primary && random() * 100 < shadow.percent) {
    return { primary, shadow: shadow.version };
  }
  return { primary };
}

/** A position in [0, 100): stable for a key, random without one. */
function bucket(key: string | undefined, random: () => number): number {
  if (key === undefined) return random() * 100;
  return createHash('sha1').update(key).digest().readUInt32BE(0) % 10_000 / 100;
}
