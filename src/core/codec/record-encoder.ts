import { TetraError } from '../errors/index.ts';
import type { Tensor } from '../tensor.ts';
import type { FeatureSpec } from './feature-spec.ts';
import { compileRowEncoder, type RowEncoder } from './row-encoder.ts';

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

  private readonly rowEncoder: RowEncoder;

  constructor(features: readonly FeatureSpec[], dtype: 'float32' | 'float64') {
    this.features = features;
    this.dtype = dtype;
    this.rowEncoder = compileRowEncoder(features, dtype);
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
    this.rowEncoder(record, row, out, offset);
  }
}
