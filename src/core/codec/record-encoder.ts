import { TetraError } from '../errors/index.ts';
import type { Tensor } from '../tensor.ts';
import type { FeatureSpec } from './feature-spec.ts';
import { MISSING, encodeValue } from './parse-value.ts';

/** A record as callers send it: feature name -> value. */
export type InputRecord = Readonly<Record<string, unknown>>;

/** A row that could not be encoded, with the reason. */
export interface RejectedRow {
  readonly row: number;
  readonly error: TetraError;
}

export interface EncodedBatch {
  /** The feature matrix of the accepted rows, `[accepted, features]`. */
  readonly tensor: Tensor<'float32' | 'float64'>;
  /** Input row index of each matrix row (identity when nothing was rejected). */
  readonly rows: readonly number[];
  readonly rejected: readonly RejectedRow[];
}

/**
 * Turns records into the model's feature matrix: column order from the
 * schema, categories to codes, missing values per the schema. One typed
 * array is filled for the whole batch; no per-row objects are made.
 */
export class RecordEncoder {
  readonly features: readonly FeatureSpec[];
  readonly dtype: 'float32' | 'float64';

  constructor(features: readonly FeatureSpec[], dtype: 'float32' | 'float64') {
    this.features = features;
    this.dtype = dtype;
  }

  /** Encodes every record; the first bad value throws, naming its row and field. */
  encode(records: readonly InputRecord[], firstRow = 0): Tensor<'float32' | 'float64'> {
    const width = this.features.length;
    const data = this.dtype === 'float32' ? new Float32Array(records.length * width) : new Float64Array(records.length * width);
    for (let r = 0; r < records.length; r++) this.encodeRow(records[r] as InputRecord, firstRow + r, data, r * width);
    return { dtype: this.dtype, shape: [records.length, width], data };
  }

  /** Encodes what it can; bad rows are reported instead of thrown (batch mode's rejects). */
  encodeLenient(records: readonly InputRecord[], firstRow = 0): EncodedBatch {
    const width = this.features.length;
    const data = this.dtype === 'float32' ? new Float32Array(records.length * width) : new Float64Array(records.length * width);
    const rows: number[] = [];
    const rejected: RejectedRow[] = [];
    for (let r = 0; r < records.length; r++) {
      try {
        this.encodeRow(records[r] as InputRecord, firstRow + r, data, rows.length * width);
        rows.push(firstRow + r);
      } catch (error) {
        if (!TetraError.is(error)) throw error;
        rejected.push({ row: firstRow + r, error });
      }
    }
    const kept = data.subarray(0, rows.length * width) as Float32Array | Float64Array;
    return { tensor: { dtype: this.dtype, shape: [rows.length, width], data: kept }, rows, rejected };
  }

  private encodeRow(record: InputRecord, row: number, out: Float32Array | Float64Array, offset: number): void {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new TetraError('INPUT_WRONG_TYPE', `row ${row}: expected a record (an object of feature values), got ${Array.isArray(record) ? 'an array' : typeof record}`, { row });
    }
    const features = this.features;
    for (let f = 0; f < features.length; f++) {
      const spec = features[f] as FeatureSpec;
      // Own keys only: a feature named "constructor" must not read Object.prototype.
      let encoded = Object.hasOwn(record, spec.name) ? encodeValue(spec, record[spec.name], row) : absent(spec, row);
      if (encoded === MISSING) encoded = missing(spec, row);
      if (this.dtype === 'float32' && Math.abs(encoded) > FLOAT32_MAX && Number.isFinite(encoded)) {
        throw new TetraError('INPUT_NOT_FINITE', `row ${row}: feature "${spec.name}" is ${encoded}, beyond the float32 range the model computes in`, { row, field: spec.name });
      }
      out[offset + f] = encoded;
    }
  }
}

const FLOAT32_MAX = 3.4028234663852886e38;

function absent(spec: FeatureSpec, row: number): number {
  if (spec.defaultValue !== undefined) return spec.defaultValue;
  if (!spec.required) return Number.NaN;
  throw new TetraError('INPUT_MISSING_FEATURE', `row ${row}: required feature "${spec.name}" is missing`, { row, field: spec.name });
}

function missing(spec: FeatureSpec, row: number): number {
  if (spec.defaultValue !== undefined) return spec.defaultValue;
  if (spec.nullable) return Number.NaN;
  throw new TetraError('INPUT_MISSING_FEATURE', `row ${row}: feature "${spec.name}" has no value and is required`, { row, field: spec.name });
}
