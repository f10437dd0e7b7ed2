import type { FeatureSpec } from '../codec/feature-spec.ts';
import type { TetraError } from '../errors/index.ts';
import type { LookupOutcome } from './lookup-observer.ts';
import type { FeatureHash } from './online-feature-store.ts';
import { badStoredData } from './store-errors.ts';
import { storedValueProblem } from './stored-value.ts';

/** What an entity's lookup needs to know of the model (a part of OnlineFeatureSpec). */
export interface EntityContext {
  readonly model: string;
  readonly storeName: string;
  readonly keyField: string;
  readonly keyPrefix: string;
  readonly inputs: ReadonlyMap<string, FeatureSpec>;
  readonly dtype: 'float32' | 'float64';
  readonly maxAgeMs?: number;
}

/**
 * One entity's lookup within one call: what the store answered for it and
 * what using it came to. Stored values are checked when first used (a
 * value the request overrides is never judged) and once per call.
 */
export class EntityLookup {
  outcome: LookupOutcome;
  private readonly stored: Readonly<Record<string, string>> | undefined;
  private checked: Map<string, string | TetraError> | undefined;

  constructor(
    private readonly context: EntityContext,
    readonly key: string,
    private readonly hash: FeatureHash | undefined,
    /** The whole read failed: every feature of the entity is the store's fault. */
    private readonly failure: TetraError | undefined,
  ) {
    const stale = hash?.ageMs !== undefined && context.maxAgeMs !== undefined && hash.ageMs > context.maxAgeMs;
    this.outcome = failure ? 'fallback' : hash === undefined ? 'miss' : hash.fault === undefined && stale ? 'stale' : 'hit';
    this.stored = hash && hash.fault === undefined && !stale ? hash.values : undefined;
  }

  /**
   * The stored value of `feature` the model can take; a TetraError when the
   * store is at fault for it (down, or holding a bad value); undefined when
   * the store simply has none (no hash, stale, field absent).
   */
  value(feature: string): string | TetraError | undefined {
    if (this.failure) return this.failure;
    if (this.hash?.fault !== undefined) return this.check(feature, () => this.fault(`holds no usable hash: ${this.hash?.fault}`));
    const stored = this.stored;
    if (!stored || !Object.hasOwn(stored, feature)) return undefined;
    return this.check(feature, () => this.judge(feature, stored[feature] as string));
  }

  private check(feature: string, judge: () => string | TetraError): string | TetraError {
    this.checked ??= new Map();
    let verdict = this.checked.get(feature);
    if (verdict === undefined) {
      verdict = judge();
      this.checked.set(feature, verdict);
    }
    return verdict;
  }

  private judge(feature: string, value: string): string | TetraError {
    const spec = this.context.inputs.get(feature);
    const problem = spec ? storedValueProblem(spec, value, this.context.dtype) : undefined;
    return problem === undefined ? value : this.fault(`holds a bad value: ${problem}`);
  }

  private fault(what: string): TetraError {
    const { model, storeName, keyField, keyPrefix } = this.context;
    const id = this.key.startsWith(keyPrefix) ? this.key.slice(keyPrefix.length) : this.key;
    return badStoredData(`model "${model}": feature store "${storeName}" ${what} (${keyField} "${id}", store key "${this.key}")`, model);
  }
}
