import { TetraError } from '../errors/index.ts';
import type { FeatureHash, OnlineFeatureStore } from './online-feature-store.ts';
import { lookupCancelled, storeUnavailable, withDeadline } from './store-errors.ts';

/** What a lookup needs of OnlineFeatureSpec. */
export interface ReadContext {
  readonly model: string;
  readonly storeName: string;
  readonly keyField: string;
  readonly features: readonly string[];
  readonly timeoutMs: number;
}

export interface ReadOptions {
  readonly signal?: AbortSignal;
  /** What is left of the caller's own budget. */
  readonly timeoutMs?: number;
}

/** The store's answer for a batch of keys, or why there is none. */
export interface StoreAnswer {
  readonly hashes: ReadonlyMap<string, FeatureHash | undefined>;
  /** The read failed (down, too slow, nonsense): FEATURE_STORE_UNAVAILABLE naming model, store and key field. */
  readonly failure?: TetraError;
  readonly seconds: number;
}

/** Timers may fire up to a millisecond early. */
const TIMER_SLACK_MS = 1;

/**
 * One store round trip for `keys`, within the smaller of the configured
 * lookup timeout and the caller's remaining budget. A store failure is
 * answered, not thrown, so the caller can apply on_error. Thrown instead:
 * CANCELLED when the caller gave up, and DEADLINE_EXCEEDED when it was the
 * caller's budget, not the store's timeout, that ran out (the store may
 * be fine; the request simply had no time left for it).
 */
export async function readHashes(store: OnlineFeatureStore, context: ReadContext, keys: readonly string[], options: ReadOptions): Promise<StoreAnswer> {
  const { signal } = options;
  const callerMs = options.timeoutMs;
  const callerBound = callerMs !== undefined && callerMs < context.timeoutMs;
  if (callerBound && callerMs <= 0) throw deadlinePassed(context, callerMs);
  const timeoutMs = callerBound ? callerMs : context.timeoutMs;
  const started = performance.now();
  try {
    const read = Promise.resolve().then(() => store.read(keys, context.features, { timeoutMs, signal }));
    const hashes = await withDeadline(read, timeoutMs, signal, 'the store');
    if (!Array.isArray(hashes) || hashes.length !== keys.length) {
      throw storeUnavailable(`answered ${Array.isArray(hashes) ? hashes.length : 'no list of'} hashes for ${keys.length} keys`, undefined, false);
    }
    return { hashes: new Map(keys.map((key, i) => [key, hashes[i]])), seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    if (signal?.aborted) throw TetraError.is(error) && error.code === 'CANCELLED' ? error : lookupCancelled(signal);
    const elapsedMs = performance.now() - started;
    if (callerBound && elapsedMs + TIMER_SLACK_MS >= callerMs) throw deadlinePassed(context, callerMs, error);
    return { hashes: new Map(), failure: readFailed(context, error, keys.length), seconds: elapsedMs / 1000 };
  }
}

function readFailed(context: ReadContext, error: unknown, keyCount: number): TetraError {
  const { model, storeName, keyField } = context;
  const reason = error instanceof Error ? error.message : String(error);
  const retriable = TetraError.is(error) && error.code === 'FEATURE_STORE_UNAVAILABLE' ? error.retriable : true;
  const message = `model "${model}": looking up online features of ${keyCount} "${keyField}" value${keyCount === 1 ? '' : 's'} in feature store "${storeName}" failed: ${reason}`;
  return new TetraError('FEATURE_STORE_UNAVAILABLE', message, { model, cause: error, retriable });
}

function deadlinePassed(context: ReadContext, callerMs: number, cause?: unknown): TetraError {
  const left = callerMs <= 0 ? 'no time was left' : `${Math.round(callerMs)}ms were left`;
  const message = `model "${context.model}": the request's deadline passed during the online feature lookup in feature store "${context.storeName}" (${left}; the lookup may take ${context.timeoutMs}ms)`;
  return new TetraError('DEADLINE_EXCEEDED', message, { model: context.model, cause });
}
