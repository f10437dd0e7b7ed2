import type { InputRecord, RejectedRow } from '../codec/record-encoder.ts';
import { TetraError } from '../errors/index.ts';
import type { FeatureHash, FeatureValue, OnlineFeatureStore } from './online-feature-store.ts';
import { lookupCancelled, storeUnavailable, withDeadline } from './store-errors.ts';

/** model.yaml `online_features`, checked against the model and compiled. */
export interface OnlineFeatureSpec {
  /** The model the features are for (error messages). */
  readonly model: string;
  readonly storeName: string;
  readonly keyField: string;
  readonly keyPrefix: string;
  readonly features: readonly string[];
  readonly defaults: ReadonlyMap<string, FeatureValue>;
  readonly maxAgeMs?: number;
  readonly timeoutMs: number;
  readonly onError: 'fail' | 'defaults';
}

export interface EnrichOptions {
  /** Row number of the first record in the caller's input, for error messages. */
  readonly firstRow?: number;
  /** Report rows with an unusable key in `rejected` instead of failing the call (batch mode's rejects). */
  readonly lenient?: boolean;
  readonly signal?: AbortSignal;
  /** What is left of the caller's own budget; the lookup takes the smaller of it and the configured timeout. */
  readonly timeoutMs?: number;
}

export interface EnrichedBatch {
  /** One record per input record, in order; records that needed nothing are the caller's own objects. */
  readonly records: readonly InputRecord[];
  /** Lenient only: rows whose key could not be used. Their records are returned unchanged and must not be scored. */
  readonly rejected: RejectedRow[];
}

/** Which store key each row needs (undefined: no lookup), and the distinct keys to read. */
interface LookupPlan {
  readonly rowKeys: Array<string | undefined>;
  readonly keys: string[];
  readonly rejected: RejectedRow[];
}

/**
 * Fills a model's online features into records from a feature store, one
 * store round trip per batch. Precedence per feature: the request's value
 * (an explicit null included: the caller says "missing", and the model's
 * own missing-value rule applies), then the entity's fresh hash, then the
 * declared default; otherwise the feature stays absent. A hash older than
 * max_age counts as missing.
 */
export class OnlineFeatureEnricher {
  constructor(
    readonly spec: OnlineFeatureSpec,
    private readonly store: OnlineFeatureStore,
    /** Told each time a failed lookup is replaced by the defaults (on_error: defaults), so the fallback is visible. */
    private readonly onFallback?: (error: TetraError) => void,
  ) {}

  async enrich(records: readonly InputRecord[], options: EnrichOptions = {}): Promise<EnrichedBatch> {
    const plan = this.plan(records, options);
    const hashes = await this.lookup(plan.keys, options.signal, options.timeoutMs);
    const out = records.map((record, i) => {
      const key = plan.rowKeys[i];
      return key === undefined ? record : this.fill(record, hashes.get(key));
    });
    return { records: out, rejected: plan.rejected };
  }

  private plan(records: readonly InputRecord[], options: EnrichOptions): LookupPlan {
    const firstRow = options.firstRow ?? 0;
    const rowKeys: Array<string | undefined> = new Array(records.length).fill(undefined);
    const keys = new Set<string>();
    const rejected: RejectedRow[] = [];
    records.forEach((record, i) => {
      // Not a record: left for the encoder, which rejects it with its own message.
      if (typeof record !== 'object' || record === null || Array.isArray(record)) return;
      if (this.spec.features.every((name) => given(record, name))) return;
      try {
        const key = this.spec.keyPrefix + entityId(record, this.spec, firstRow + i);
        rowKeys[i] = key;
        keys.add(key);
      } catch (error) {
        if (!options.lenient || !TetraError.is(error)) throw error;
        rejected.push({ row: firstRow + i, error });
      }
    });
    return { rowKeys, keys: [...keys], rejected };
  }

  /** Reads the keys' hashes; on a store failure, fails or answers "no hashes" (then the defaults apply) per on_error. */
  private async lookup(keys: readonly string[], signal: AbortSignal | undefined, callerMs: number | undefined): Promise<Map<string, FeatureHash | undefined>> {
    if (keys.length === 0) return new Map();
    const { features } = this.spec;
    const timeoutMs = callerMs === undefined ? this.spec.timeoutMs : Math.min(callerMs, this.spec.timeoutMs);
    try {
      const read = Promise.resolve().then(() => this.store.read(keys, features, { timeoutMs, signal }));
      const hashes = await withDeadline(read, timeoutMs, signal, 'the store');
      if (!Array.isArray(hashes) || hashes.length !== keys.length) {
        throw storeUnavailable(`answered ${Array.isArray(hashes) ? hashes.length : 'no list of'} hashes for ${keys.length} keys`, undefined, false);
      }
      return new Map(keys.map((key, i) => [key, hashes[i]]));
    } catch (error) {
      if (signal?.aborted) throw TetraError.is(error) && error.code === 'CANCELLED' ? error : lookupCancelled(signal);
      const failure = this.failure(error, keys.length);
      if (this.spec.onError === 'fail') throw failure;
      this.onFallback?.(failure);
      return new Map();
    }
  }

  private failure(error: unknown, keyCount: number): TetraError {
    const { model, storeName, keyField } = this.spec;
    const reason = error instanceof Error ? error.message : String(error);
    const retriable = TetraError.is(error) && error.code === 'FEATURE_STORE_UNAVAILABLE' ? error.retriable : true;
    const message = `model "${model}": looking up online features of ${keyCount} "${keyField}" value${keyCount === 1 ? '' : 's'} in feature store "${storeName}" failed: ${reason}`;
    return new TetraError('FEATURE_STORE_UNAVAILABLE', message, { model, cause: error, retriable });
  }

  /** A new record with the features the request left out taken from the hash or the defaults. */
  private fill(record: InputRecord, hash: FeatureHash | undefined): InputRecord {
    const { features, defaults, maxAgeMs } = this.spec;
    const stale = hash?.ageMs !== undefined && maxAgeMs !== undefined && hash.ageMs > maxAgeMs;
    const stored = hash && !stale ? hash.values : undefined;
    const filled: Array<[string, FeatureValue]> = [];
    for (const name of features) {
      if (given(record, name)) continue;
      const value = stored && Object.hasOwn(stored, name) ? stored[name] : defaults.get(name);
      if (value !== undefined) filled.push([name, value]);
    }
    // fromEntries and spread define own properties, so a feature named "__proto__" stays a plain field.
    return filled.length === 0 ? record : { ...record, ...Object.fromEntries(filled) };
  }
}

/** The request gives the field: any own value but undefined, null included. */
function given(record: InputRecord, name: string): boolean {
  return Object.hasOwn(record, name) && record[name] !== undefined;
}

/** The entity id a record names in the key field. */
function entityId(record: InputRecord, spec: OnlineFeatureSpec, row: number): string {
  const field = spec.keyField;
  const value = Object.hasOwn(record, field) ? record[field] : undefined;
  const looksUp = `model "${spec.model}" looks up ${spec.features.join(', ')} by it`;
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    throw new TetraError('INPUT_MISSING_FEATURE', `row ${row}: key field "${field}" is missing; ${looksUp} (or give all of them in the request)`, { row, field, model: spec.model });
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  const got = typeof value === 'number' ? String(value) : Array.isArray(value) ? 'an array' : typeof value;
  throw new TetraError('INPUT_WRONG_TYPE', `row ${row}: key field "${field}" must be a string or a finite number, got ${got}; ${looksUp}`, { row, field, model: spec.model });
}
