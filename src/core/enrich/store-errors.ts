import { TetraError } from '../errors/index.ts';

/** The typed failure of a store that is down, slow or answered nonsense; `cause` keeps the driver's error. */
export function storeUnavailable(message: string, cause?: unknown, retriable = true): TetraError {
  return new TetraError('FEATURE_STORE_UNAVAILABLE', `online feature store: ${message}`, { cause, retriable });
}

export function lookupCancelled(signal: AbortSignal): TetraError {
  return new TetraError('CANCELLED', 'the caller cancelled the request during the online feature lookup', { cause: signal.reason });
}

/**
 * Settles with `work`, or fails when `timeoutMs` passes or `signal` aborts,
 * whichever comes first. `work` keeps running after a timeout; its late
 * outcome is swallowed here so it can never surface as an unhandled rejection.
 */
export function withDeadline<T>(work: Promise<T>, timeoutMs: number | undefined, signal: AbortSignal | undefined, what: string): Promise<T> {
  work.catch(() => undefined);
  if (signal?.aborted) return Promise.reject(lookupCancelled(signal));
  if (timeoutMs === undefined && signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => finish(() => reject(storeUnavailable(`${what} did not answer within ${timeoutMs}ms`))), timeoutMs);
    const onAbort = (): void => finish(() => reject(lookupCancelled(signal as AbortSignal)));
    signal?.addEventListener('abort', onAbort, { once: true });
    function finish(settle: () => void): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    }
    work.then((value) => finish(() => resolve(value)), (error: unknown) => finish(() => reject(error)));
  });
}

/**
 * The store holds something the model cannot use for one entity: the
 * store's fault, not the caller's, and not fixed by retrying until the
 * writer rewrites it.
 */
export function badStoredData(message: string, model: string): TetraError {
  // No `field`: to a caller, a field in an error is one of theirs to fix.
  return new TetraError('FEATURE_STORE_BAD_DATA', message, { model });
}
