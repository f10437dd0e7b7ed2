import type { FeatureSpec } from '../codec/feature-spec.ts';
import type { InputRecord, RejectedRow } from '../codec/record-encoder.ts';
import { TetraError } from '../errors/index.ts';
import { EntityLookup } from './entity-lookup.ts';
import type { LookupObserver, LookupOutcome } from './lookup-observer.ts';
import type { FeatureValue, OnlineFeatureStore } from './online-feature-store.ts';
import { readHashes, type StoreAnswer } from './read-hashes.ts';

/** model.yaml `online_features`, checked against the model and compiled. */
export interface OnlineFeatureSpec {
  /** The model the features are for (error messages). */
  readonly model: string;
  readonly storeName: string;
  readonly keyField: string;
  readonly keyPrefix: string;
  readonly features: readonly string[];
  readonly defaults: ReadonlyMap<string, FeatureValue>;
  /**
   * How the model's encoder takes each looked-up feature, and its dtype:
   * stored values are checked against them so a bad one is blamed on the
   * store rather than on the caller.
   */
  readonly inputs: ReadonlyMap<string, FeatureSpec>;
  readonly dtype: 'float32' | 'float64';
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
  /** Told what the lookup came to (metrics, fallback warnings). */
  readonly observer?: LookupObserver;
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
 *
 * What the store gets wrong is never the caller's error: a store that is
 * down or slow, or a stored value the model cannot take, fails the call
 * with the store's code (on_error: fail) or gives way to the defaults
 * (on_error: defaults), and is reported to the observer either way.
 */
export class OnlineFeatureEnricher {
  constructor(
    readonly spec: OnlineFeatureSpec,
    private readonly store: OnlineFeatureStore,
    /** Told once per call in which the defaults replaced what the store failed to give (on_error: defaults). */
    private readonly onFallback?: (error: TetraError) => void,
  ) {}

  async enrich(records: readonly InputRecord[], options: EnrichOptions = {}): Promise<EnrichedBatch> {
    const plan = this.plan(records, options);
    if (plan.keys.length === 0) return { records, rejected: plan.rejected };
    const answer = await readHashes(this.store, this.spec, plan.keys, options);
    const entities = new Map(plan.keys.map((key) => [key, new EntityLookup(this.spec, key, answer.hashes.get(key), answer.failure)]));
    const fallbacks: TetraError[] = [];
    let failed = false;
    try {
      if (answer.failure && this.spec.onError === 'fail') throw answer.failure;
      const out = records.map((record, i) => {
        const key = plan.rowKeys[i];
        return key === undefined ? record : this.fill(record, entities.get(key) as EntityLookup, fallbacks);
      });
      return { records: out, rejected: plan.rejected };
    } catch (error) {
      failed = true;
      if (answer.failure) for (const entity of entities.values()) entity.outcome = 'error';
      throw error;
    } finally {
      // A call that failed did not go on with the defaults, whatever some of its entities did.
      this.report(entities, answer, failed ? undefined : fallbacks[0], options.observer);
    }
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

  /** A new record with the features the request left out taken from the entity's hash or the defaults. */
  private fill(record: InputRecord, entity: EntityLookup, fallbacks: TetraError[]): InputRecord {
    const { features, defaults } = this.spec;
    const filled: Array<[string, FeatureValue]> = [];
    for (const name of features) {
      if (given(record, name)) continue;
      const stored = entity.value(name);
      if (typeof stored === 'string') {
        filled.push([name, stored]);
        continue;
      }
      if (stored !== undefined) this.fallBack(entity, stored, name, fallbacks);
      const value = defaults.get(name);
      if (value !== undefined) filled.push([name, value]);
    }
    // fromEntries and spread define own properties, so a feature named "__proto__" stays a plain field.
    return filled.length === 0 ? record : { ...record, ...Object.fromEntries(filled) };
  }

  /**
   * The store failed `entity` for `feature`: fail the call (on_error: fail,
   * or no default to go on with where the model requires a value) or note
   * the fallback and let the default apply.
   */
  private fallBack(entity: EntityLookup, failure: TetraError, feature: string, fallbacks: TetraError[]): void {
    if (this.spec.onError === 'fail') {
      entity.outcome = 'error';
      throw failure;
    }
    if (!this.spec.defaults.has(feature) && !this.mayBeAbsent(feature)) {
      entity.outcome = 'error';
      const message = `${failure.message}; feature "${feature}" has no default in online_features to go on with, and the model requires it`;
      throw new TetraError(failure.code, message, { ...failure.where, cause: failure, retriable: failure.retriable });
    }
    if (entity.outcome !== 'error') entity.outcome = 'fallback';
    if (!fallbacks.includes(failure)) fallbacks.push(failure);
  }

  /** The encoder takes the feature's absence (a model default, or not required): no default is needed to go on. */
  private mayBeAbsent(feature: string): boolean {
    const input = this.spec.inputs.get(feature);
    return input === undefined || input.defaultValue !== undefined || !input.required;
  }

  private report(entities: ReadonlyMap<string, EntityLookup>, answer: StoreAnswer, fallback: TetraError | undefined, observer: LookupObserver | undefined): void {
    const outcomes: Record<LookupOutcome, number> = { hit: 0, miss: 0, stale: 0, error: 0, fallback: 0 };
    for (const entity of entities.values()) outcomes[entity.outcome]++;
    if (fallback) this.onFallback?.(fallback);
    try {
      observer?.onLookup({ model: this.spec.model, store: this.spec.storeName, outcomes, seconds: answer.seconds, ...(fallback ? { fallback } : {}) });
    } catch {
      // Metrics and logs must not change the call's outcome.
    }
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
