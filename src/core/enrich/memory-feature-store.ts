import { TetraError } from '../errors/index.ts';
import type { FeatureHash, FeatureReadOptions, FeatureValue, FeatureWriteOptions, OnlineFeatureStore } from './online-feature-store.ts';
import { lookupCancelled } from './store-errors.ts';
import { UPDATED_AT_FIELD, ageOfStamp } from './updated-at.ts';

interface StoredHash {
  readonly fields: Map<string, string>;
  expiresAtMs?: number;
}

/**
 * An online feature store in process memory, with the same semantics as
 * the Redis one (values kept as strings, `_updated_at` stamp, expiry): the
 * reference for tests, and the store of an embedded single-process setup.
 */
export class MemoryFeatureStore implements OnlineFeatureStore {
  private readonly hashes = new Map<string, StoredHash>();
  private readonly now: () => number;
  private closed = false;

  /** `now` lets tests move time without waiting. */
  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Merges `values` into the key's hash (null deletes a field), stamps it and sets its expiry. */
  write(key: string, values: Readonly<Record<string, FeatureValue | null>>, options: FeatureWriteOptions = {}): void {
    const now = this.now();
    const hash = this.live(key, now) ?? { fields: new Map<string, string>() };
    for (const [field, value] of Object.entries(values)) {
      if (value === null) hash.fields.delete(field);
      else hash.fields.set(field, String(value));
    }
    hash.fields.set(UPDATED_AT_FIELD, String(options.updatedAtMs ?? now));
    hash.expiresAtMs = options.ttlMs === undefined ? undefined : now + options.ttlMs;
    this.hashes.set(key, hash);
  }

  delete(key: string): void {
    this.hashes.delete(key);
  }

  async read(keys: readonly string[], fields: readonly string[], options: FeatureReadOptions = {}): Promise<Array<FeatureHash | undefined>> {
    if (this.closed) throw new TetraError('FEATURE_STORE_UNAVAILABLE', 'online feature store: the memory store is closed');
    if (options.signal?.aborted) throw lookupCancelled(options.signal);
    const now = this.now();
    return keys.map((key) => {
      const hash = this.live(key, now);
      return hash ? this.view(hash, fields, now) : undefined;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.hashes.clear();
  }

  /** The key's hash unless it has expired (expired hashes are dropped, as Redis does). */
  private live(key: string, now: number): StoredHash | undefined {
    const hash = this.hashes.get(key);
    if (hash?.expiresAtMs !== undefined && hash.expiresAtMs <= now) {
      this.hashes.delete(key);
      return undefined;
    }
    return hash;
  }

  private view(hash: StoredHash, fields: readonly string[], now: number): FeatureHash {
    const values: Record<string, string> = {};
    for (const field of fields) {
      const value = hash.fields.get(field);
      if (value !== undefined) values[field] = value;
    }
    const ageMs = ageOfStamp(hash.fields.get(UPDATED_AT_FIELD), now);
    const ttlMs = hash.expiresAtMs === undefined ? undefined : hash.expiresAtMs - now;
    return { values, ...(ageMs !== undefined ? { ageMs } : {}), ...(ttlMs !== undefined ? { ttlMs } : {}) };
  }
}
