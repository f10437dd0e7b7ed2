import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './fixtures.ts';

/** The fraud example's model repository. */
export const FRAUD_REPO = join(PROJECT_ROOT, 'examples', 'fraud', 'models');

/** The fraud models' features, in model.yaml (matrix) order. */
export const FRAUD_FEATURES = [
  'amount', 'mcc', 'hour', 'is_foreign', 'card_age_days', 'distance_from_home_km',
  'device_changed', 'is_online', 'txn_count_1h', 'txn_count_24h', 'amount_sum_24h', 'avg_amount_30d',
] as const;

const lines = readFileSync(join(PROJECT_ROOT, 'examples', 'fraud', 'data', 'sample.csv'), 'utf8').trim().split('\n');
const header = (lines[0] as string).split(',');

/** Rows of sample.csv as records of every column (strings; empty cells as null). */
export const SAMPLE_RECORDS: Record<string, string | null>[] = lines.slice(1).map((line) => Object.fromEntries(line.split(',').map((v, i) => [header[i] as string, v === '' ? null : v])));

/** Rows of sample.csv as feature values in schema order (empty cells stay empty), for CSV requests. */
export const SAMPLE_FEATURE_ROWS: string[][] = SAMPLE_RECORDS.map((r) => FRAUD_FEATURES.map((f) => r[f] ?? ''));

/** The reference predictions of each model for sample.csv, row by row. */
export const SAMPLE_EXPECTED = JSON.parse(readFileSync(join(PROJECT_ROOT, 'examples', 'fraud', 'data', 'sample.expected.json'), 'utf8')) as Record<string, number[]>;

/** Asserts each probability is within 1e-6 of the reference for `model`, from row `first` on. */
export function closeToExpected(model: string, probabilities: readonly number[], first = 0): string | undefined {
  const expected = SAMPLE_EXPECTED[model] ?? [];
  for (let i = 0; i < probabilities.length; i++) {
    const want = expected[first + i];
    const got = probabilities[i];
    if (want === undefined || got === undefined || !(Math.abs(got - want) < 1e-6)) return `row ${first + i}: ${model} gave ${got}, reference ${want}`;
  }
  return undefined;
}
