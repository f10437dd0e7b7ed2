import { writeFileSync } from 'node:fs';
import { PROJECT_ROOT } from './fixtures.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SAMPLE = readFileSync(join(PROJECT_ROOT, 'examples', 'fraud', 'data', 'sample.csv'), 'utf8').trim().split('\n');

export const SAMPLE_HEADER = SAMPLE[0] as string;
export const SAMPLE_ROWS = SAMPLE.slice(1);

export interface FraudCsvOptions {
  readonly rows: number;
  /** Every `badEvery`-th row (1-based) gets a non-numeric amount, which the model rejects. */
  readonly badEvery?: number;
}

/**
 * A CSV of `rows` transactions cycling through the fraud sample, each with
 * its own transaction id (T + row number), so outputs can be matched to
 * inputs. Returns the path.
 */
export function writeFraudCsv(path: string, options: FraudCsvOptions): string {
  const lines = [SAMPLE_HEADER];
  for (let i = 1; i <= options.rows; i++) {
    const cells = (SAMPLE_ROWS[(i - 1) % SAMPLE_ROWS.length] as string).split(',');
    cells[0] = `T${String(i).padStart(9, '0')}`;
    if (options.badEvery && i % options.badEvery === 0) cells[3] = 'not-a-number';
    lines.push(cells.join(','));
  }
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}
