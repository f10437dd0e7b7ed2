import { TetraError, allocate, type FeatureDescription, type Tensor, type TensorMap } from '../../core/index.ts';
import type { JsInputRecord, JsOutputDType } from './js-model-module.ts';

/** Turns rows of the feature matrix back into the plain records a JS model reads. */
export function matrixToRecords(matrix: Tensor, features: readonly FeatureDescription[]): JsInputRecord[] {
  const width = features.length;
  const rows = matrix.shape[0] as number;
  const data = matrix.data as Float32Array | Float64Array;
  const records: JsInputRecord[] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    const record: JsInputRecord = {};
    for (let f = 0; f < width; f++) record[(features[f] as FeatureDescription).name] = decodeCell(features[f] as FeatureDescription, data[r * width + f] as number);
    records[r] = record;
  }
  return records;
}

function decodeCell(feature: FeatureDescription, value: number): number | boolean | string | null {
  if (Number.isNaN(value)) return null;
  if (feature.kind === 'boolean') return value !== 0;
  if (feature.kind === 'category' && feature.levels) return feature.levels[value] ?? null;
  return value;
}

/** Collects predict() results into one tensor per declared output, checking each value. */
export function resultsToTensors(results: unknown, rows: number, outputs: Readonly<Record<string, JsOutputDType>>, file: string): TensorMap {
  if (!Array.isArray(results) || results.length !== rows) {
    const got = Array.isArray(results) ? `${results.length} results` : typeof results;
    throw new TetraError('MODEL_RUN_FAILED', `${file}: predict() must return an array with one result per record (${rows}), got ${got}`, { file });
  }
  const names = Object.keys(outputs);
  const single = names.length === 1 ? names[0] : undefined;
  const tensors: TensorMap = {};
  for (const name of names) {
    const dtype = outputs[name] as JsOutputDType;
    const data = allocate(dtype, rows);
    for (let r = 0; r < rows; r++) {
      const result = results[r];
      const value = single !== undefined && (typeof result !== 'object' || result === null) ? result : (result as Record<string, unknown> | null)?.[name];
      (data as unknown[])[r] = convert(value, dtype, { file, row: r, name });
    }
    tensors[name] = { dtype, shape: [rows], data };
  }
  return tensors;
}

function convert(value: unknown, dtype: JsOutputDType, at: { file: string; row: number; name: string }): unknown {
  const fail = (expected: string): never => {
    throw new TetraError('MODEL_RUN_FAILED', `${at.file}: predict() result ${at.row} has ${JSON.stringify(value) ?? 'nothing'} for output "${at.name}", expected ${expected}`, { file: at.file, row: at.row, field: at.name });
  };
  switch (dtype) {
    case 'string':
      return typeof value === 'string' ? value : fail('a string');
    case 'bool':
      return typeof value === 'boolean' ? (value ? 1 : 0) : fail('a boolean');
    case 'int64':
      return Number.isInteger(value) ? BigInt(value as number) : fail('an integer');
    case 'int32':
      return Number.isInteger(value) ? value : fail('an integer');
    default:
      return typeof value === 'number' ? value : fail('a number');
  }
}
