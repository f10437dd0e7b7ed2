import { readFileSync } from 'node:fs';
import { fixture } from './fixtures.ts';

/** One entry of `cases.json` (XGBoost or LightGBM). */
export interface TreeCase {
  id: string;
  model: string;
  model_ubj?: string;
  input: { path: string; format: 'json' | 'libsvm' | 'tsv' | 'whitespace'; rows_key?: string; missing?: string; absent?: string; skip_first_column?: boolean };
  expected: { path: string; key?: string; kind: 'margin' | 'prediction' | 'raw' | 'leaf_index' }[];
  rtol?: number;
  atol?: number;
  iteration_range?: [number, number];
  notes?: string;
}

export function loadCases(kind: 'xgboost' | 'lightgbm'): TreeCase[] {
  const all = JSON.parse(readFileSync(fixture('cases.json'), 'utf8')) as Record<string, TreeCase[]>;
  return all[kind] ?? [];
}

/**
 * Reads a case's input rows as numbers, NaN for missing. `numFeatures` sizes
 * sparse (libsvm) rows; absent libsvm entries are NaN unless the case says 0.
 */
export function loadRows(c: TreeCase, numFeatures: number): number[][] {
  const text = readFileSync(fixture(c.input.path), 'utf8');
  switch (c.input.format) {
    case 'json': {
      const doc = JSON.parse(text) as Record<string, (number | null)[][]>;
      const rows = doc[c.input.rows_key ?? 'data'] ?? [];
      return rows.map((r) => r.map((v) => (v === null ? Number.NaN : v)));
    }
    case 'libsvm': {
      const absent = c.input.absent === '0' ? 0 : Number.NaN;
      return lines(text).map((line) => {
        const row = new Array<number>(numFeatures).fill(absent);
        for (const item of line.trim().split(/\s+/).slice(1)) {
          const [k, v] = item.split(':');
          row[Number(k)] = Number(v);
        }
        return row;
      });
    }
    case 'tsv':
    case 'whitespace': {
      const sep = c.input.format === 'tsv' ? '\t' : /\s+/;
      return lines(text).map((line) => {
        const cells = (c.input.format === 'tsv' ? line.replace(/\r$/, '') : line.trim()).split(sep).map((s) => (s === '' || s === 'NA' || s === 'nan' ? Number.NaN : Number(s)));
        return c.input.skip_first_column ? cells.slice(1) : cells;
      });
    }
  }
}

/** Expected values of one `expected` entry, flattened row-major. */
export function loadExpected(entry: TreeCase['expected'][number]): number[] {
  const text = readFileSync(fixture(entry.path), 'utf8');
  if (entry.key) {
    const doc = JSON.parse(text) as Record<string, unknown>;
    return (doc[entry.key] as unknown[]).flat(Infinity as 1) as number[];
  }
  return lines(text).flatMap((line) => line.trim().split(/\s+/).map(Number));
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '');
}

/** Asserts |a - e| <= atol + rtol * |e| for every element; the message names the first offending index. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number, label: string): void {
  if (actual.length !== expected.length) {
    throw new Error(`${label}: got ${actual.length} values, expected ${expected.length}`);
  }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`${label}: value ${i} is ${a}, expected ${e} (rtol ${rtol}, atol ${atol})`);
    }
  }
}
