import type { TetraError } from '../errors/index.ts';

/**
 * What a lookup came to for one entity: `hit` (its fresh hash was used),
 * `miss` (no hash: the defaults apply), `stale` (older than max_age: the
 * defaults apply), `error` (the store failed or held a bad value and the
 * call failed), `fallback` (the same, but on_error: defaults went on).
 */
export type LookupOutcome = 'hit' | 'miss' | 'stale' | 'error' | 'fallback';

/** One store round trip of one call, for metrics and logs. */
export interface LookupReport {
  readonly model: string;
  readonly store: string;
  /** Distinct entities by outcome. */
  readonly outcomes: Readonly<Record<LookupOutcome, number>>;
  /** How long the round trip took; absent when none was made (the caller's deadline had already passed). */
  readonly seconds?: number;
  /** Why the defaults replaced looked-up values (on_error: defaults), when they did. */
  readonly fallback?: TetraError;
}

/** Told about every lookup; implemented by the process's telemetry. Must not throw. */
export interface LookupObserver {
  onLookup(report: LookupReport): void;
}

export const LOOKUP_OUTCOMES: readonly LookupOutcome[] = ['hit', 'miss', 'stale', 'error', 'fallback'];
