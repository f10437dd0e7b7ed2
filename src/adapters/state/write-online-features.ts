import { ReplyError, type Redis } from 'ioredis';
import {
  TetraError,
  UPDATED_AT_FIELD,
  storeUnavailable,
  withDeadline,
  type FeatureValue,
  type FeatureWriteOptions,
} from '../../core/index.ts';

export interface RedisFeatureWriteOptions extends FeatureWriteOptions {
  /** The write fails with FEATURE_STORE_UNAVAILABLE when Redis has not confirmed it by then. */
  readonly timeoutMs?: number;
}

/**
 * Writes an entity's features as the Redis store reads them, atomically
 * (one MULTI): HSET of the values (null deletes a field) and of the
 * `_updated_at` stamp, then PEXPIRE with `ttlMs`, or PERSIST without it,
 * so each write decides the hash's lifetime as the memory store does.
 */
export async function writeOnlineFeatures(redis: Redis, key: string, values: Readonly<Record<string, FeatureValue | null>>, options: RedisFeatureWriteOptions = {}): Promise<void> {
  const { ttlMs, timeoutMs } = options;
  if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs >= 1)) {
    throw new TetraError('INTERNAL', `writeOnlineFeatures: ttlMs must be at least 1 millisecond, got ${ttlMs}`);
  }
  const set: string[] = [];
  const removed: string[] = [];
  for (const [field, value] of Object.entries(values)) {
    if (field === UPDATED_AT_FIELD) throw new TetraError('INTERNAL', `writeOnlineFeatures: "${UPDATED_AT_FIELD}" is set by the writer, not a feature`);
    if (value === null) removed.push(field);
    else set.push(field, String(value));
  }
  const multi = redis.multi();
  if (removed.length > 0) multi.hdel(key, ...removed);
  multi.hset(key, ...set, UPDATED_AT_FIELD, String(options.updatedAtMs ?? Date.now()));
  if (ttlMs !== undefined) multi.pexpire(key, Math.round(ttlMs));
  else multi.persist(key);
  await withDeadline(confirm(multi.exec(), key), timeoutMs, undefined, `writing "${key}" to Redis`);
}

async function confirm(pending: Promise<Array<[Error | null, unknown]> | null>, key: string): Promise<void> {
  let replies: Array<[Error | null, unknown]> | null;
  try {
    replies = await pending;
  } catch (error) {
    throw storeUnavailable(`writing "${key}" to Redis failed: ${(error as Error).message}`, error);
  }
  if (!replies) throw storeUnavailable(`writing "${key}" to Redis was aborted`);
  const failed = replies.find(([error]) => error !== null)?.[0];
  // A Redis reply error (the key is not a hash) will fail again; a connection error may pass.
  if (failed) throw storeUnavailable(`writing "${key}" to Redis failed: ${failed.message}`, failed, !(failed instanceof ReplyError));
}
