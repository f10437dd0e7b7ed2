import { Redis, ReplyError, type RedisOptions } from 'ioredis';
import {
  UPDATED_AT_FIELD,
  ageOfStamp,
  storeUnavailable,
  withDeadline,
  type FeatureHash,
  type FeatureReadOptions,
  type OnlineFeatureStore,
} from '../../core/index.ts';

export interface RedisFeatureStoreOptions {
  /** e.g. `redis://127.0.0.1:6379/0`; ignored when `client` is given. */
  readonly url?: string;
  /** ioredis options, over the store's own (lazy connect, fail fast while disconnected). */
  readonly redisOptions?: RedisOptions;
  /** A client to share; the store then leaves it open on close. */
  readonly client?: Redis;
}

/** How long close() waits for QUIT before dropping the connection. */
const QUIT_GRACE_MS = 1000;

/**
 * Serving-path defaults. Connect on first use, so loading a model never
 * waits for Redis. A request's lookup has its own short deadline; the
 * connection itself keeps reconnecting in the background, and a command
 * queued while disconnected is failed after one retry instead of twenty,
 * so callers' queues do not pile up behind a dead server.
 */
const DEFAULT_OPTIONS: RedisOptions = {
  lazyConnect: true,
  maxRetriesPerRequest: 1,
  connectTimeout: 2000,
  retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
};

/** Replies of one pipeline: [error, result] per command. */
type PipelineReplies = Array<[Error | null, unknown]>;

/**
 * The online feature store on Redis: one hash per entity. A read is one
 * pipeline (HMGET of the fields and `_updated_at`, then PTTL, per key).
 * A failed read surfaces as FEATURE_STORE_UNAVAILABLE; no ioredis error
 * escapes. A key that is not a hash is that key's `fault`, not a failed read.
 */
export class RedisFeatureStore implements OnlineFeatureStore {
  private readonly redis: Redis;
  private readonly owned: boolean;
  private lastError: Error | undefined;
  private closed = false;
  private readonly onError = (error: Error): void => {
    // Kept for messages; listening also stops ioredis printing every reconnect failure.
    this.lastError = error;
  };

  constructor(options: RedisFeatureStoreOptions = {}) {
    this.owned = options.client === undefined;
    this.redis = options.client ?? new Redis(options.url ?? 'redis://127.0.0.1:6379', { ...DEFAULT_OPTIONS, ...options.redisOptions });
    this.redis.on('error', this.onError);
  }

  async read(keys: readonly string[], fields: readonly string[], options: FeatureReadOptions = {}): Promise<Array<FeatureHash | undefined>> {
    if (this.closed) throw storeUnavailable(`${this.describe()} is closed`, undefined, false);
    if (keys.length === 0) return [];
    const asked = [...fields, UPDATED_AT_FIELD];
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.hmget(key, ...asked).pttl(key);
    const replies = await withDeadline(this.exec(pipeline.exec()), options.timeoutMs, options.signal, this.describe());
    if (replies.length !== 2 * keys.length) throw storeUnavailable(`${this.describe()}: ${replies.length} replies for ${2 * keys.length} commands`);
    const now = Date.now();
    return keys.map((key, i) => {
      const hmget = replies[2 * i] as [Error | null, unknown];
      const pttl = replies[2 * i + 1] as [Error | null, unknown];
      const fault = this.checkReply(hmget[0], key) ?? this.checkReply(pttl[0], key);
      return fault !== undefined ? { values: {}, fault } : toHash(hmget[1], pttl[1], fields, now);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.redis.off('error', this.onError);
    if (!this.owned) return;
    if (this.redis.status !== 'ready') {
      this.redis.disconnect();
      return;
    }
    const quit = this.redis.quit().then(() => undefined);
    await withDeadline(quit, QUIT_GRACE_MS, undefined, 'QUIT').catch(() => this.redis.disconnect());
  }

  /** Turns the pipeline's outcome into replies or a typed error, whatever ioredis rejects with. */
  private async exec(pending: Promise<PipelineReplies | null>): Promise<PipelineReplies> {
    let replies: PipelineReplies | null;
    try {
      replies = await pending;
    } catch (error) {
      throw storeUnavailable(`${this.describe()}: ${(error as Error).message}`, error);
    }
    if (!replies) throw storeUnavailable(`${this.describe()}: the pipeline was discarded`);
    return replies;
  }

  /**
   * ioredis answers a pipeline on a lost connection with one error per
   * command rather than a rejection: that fails the read. A Redis reply
   * error (WRONGTYPE: the key is not a hash) is the key's own data fault,
   * returned as its `fault` so the other keys' hashes are still used.
   */
  private checkReply(error: Error | null, key: string): string | undefined {
    if (error === null) return undefined;
    if (error instanceof ReplyError) return `${this.describe()}: key "${key}": ${error.message}`;
    throw storeUnavailable(`${this.describe()}: ${error.message}`, error);
  }

  /** Where the store is, and how the connection fares when it is not ready (never the password). */
  private describe(): string {
    const { host, port, path } = this.redis.options;
    const where = `Redis at ${path ?? `${host}:${port}`}`;
    if (this.redis.status === 'ready' || this.redis.status === 'wait') return where;
    return `${where} (connection ${this.redis.status}${this.lastError ? `: ${this.lastError.message}` : ''})`;
  }
}

/** One key's HMGET and PTTL replies as a hash; undefined when the key does not exist. */
function toHash(hmget: unknown, ttl: unknown, fields: readonly string[], now: number): FeatureHash | undefined {
  const list = hmget as Array<string | null>;
  const entries = fields.flatMap((field, i) => (list[i] === null || list[i] === undefined ? [] : [[field, list[i] as string] as const]));
  const stamp = list[fields.length];
  const ttlMs = Number(ttl);
  // PTTL -2: no such key. Values read a moment earlier still count (it expired in between).
  if (entries.length === 0 && (stamp === null || stamp === undefined) && ttlMs === -2) return undefined;
  const ageMs = ageOfStamp(stamp, now);
  return {
    values: Object.fromEntries(entries),
    ...(ageMs !== undefined ? { ageMs } : {}),
    ...(ttlMs >= 0 ? { ttlMs } : ttlMs === -2 ? { ttlMs: 0 } : {}),
  };
}
