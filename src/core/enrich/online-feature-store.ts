/** A feature value as written or declared; stores keep it as a string. */
export type FeatureValue = string | number | boolean;

/** What the store holds for one entity: its hash fields, as stored (strings). */
export interface FeatureHash {
  /** The requested fields the hash has; a field the hash lacks is absent. */
  readonly values: Readonly<Record<string, string>>;
  /** Milliseconds since the hash's `_updated_at` stamp; absent when the hash has no (readable) stamp. */
  readonly ageMs?: number;
  /** Milliseconds until the hash expires; absent when it never expires. */
  readonly ttlMs?: number;
  /**
   * The store holds something unusable under this key (e.g. not a hash):
   * what. `values` is then empty. Reported per key so one bad entity does
   * not fail the lookup of the others.
   */
  readonly fault?: string;
}

/** How a writer stores a hash (every store's writer takes these). */
export interface FeatureWriteOptions {
  /** The hash expires this long after the write; absent = never. */
  readonly ttlMs?: number;
  /** The `_updated_at` stamp in epoch milliseconds; default: now. */
  readonly updatedAtMs?: number;
}

export interface FeatureReadOptions {
  /** The read fails with FEATURE_STORE_UNAVAILABLE when the store has not answered by then. */
  readonly timeoutMs?: number;
  /** The caller gave up: the read stops waiting and fails with CANCELLED. */
  readonly signal?: AbortSignal;
}

/**
 * An online feature store: one hash of feature values per entity key,
 * written by a stream job and read on the request path.
 *
 * @remarks A read is one round trip for the whole batch of keys. Failures
 * are TetraErrors: FEATURE_STORE_UNAVAILABLE (unreachable, too slow, a bad
 * reply) or CANCELLED; no driver error escapes. A key holding something
 * that is not a hash is not a failure of the read: its entry has `fault`. Writing is not part of this
 * contract: writers are store-specific.
 */
export interface OnlineFeatureStore {
  /**
   * Reads `fields` of each key's hash, answers in key order: undefined
   * where the key has no hash (never written, or expired).
   */
  read(keys: readonly string[], fields: readonly string[], options: FeatureReadOptions): Promise<Array<FeatureHash | undefined>>;
  /** Releases connections; reads after close fail. */
  close(): Promise<void>;
}
