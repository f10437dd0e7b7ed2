import type { FeatureKind } from '../model/model-description.ts';

/** What an unseen category value becomes. A number is the code of the replacement level. */
export type UnknownCategoryPolicy = 'error' | 'missing' | number;

/**
 * One feature as the records codec applies it: the model.yaml declaration
 * merged with what the model file says, ready for the hot loop.
 */
export interface FeatureSpec {
  readonly name: string;
  readonly kind: FeatureKind;
  /** The key must be present in every record. */
  readonly required: boolean;
  /** null, empty or NA values are accepted and become missing (NaN). */
  readonly nullable: boolean;
  /** Encoded value used when the key is absent or null (overrides required/nullable). */
  readonly defaultValue?: number;
  readonly min?: number;
  readonly max?: number;
  /** NaN/Infinity strings are accepted as values. */
  readonly allowNonFinite: boolean;
  /** Category level names in code order. */
  readonly levels?: readonly string[];
  /** Level name -> code; built once from `levels`. */
  readonly codes?: ReadonlyMap<string, number>;
  readonly unknown: UnknownCategoryPolicy;
}
