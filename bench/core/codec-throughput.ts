import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CsvParser } from '../../src/adapters/io/csv-parser.ts';
import { compileFeatures, parseModelConfig, RecordEncoder, type InputRecord } from '../../src/core/index.ts';
import { callsPerSecond } from './timing.ts';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'fraud');

/** The fraud sample as records twice: typed JSON values, and CSV text cells. */
export function fraudRecords(): { typed: InputRecord[]; text: InputRecord[]; encoder: RecordEncoder } {
  const parser = new CsvParser();
  const [header, ...rows] = [...parser.push(readFileSync(join(EXAMPLE, 'data', 'sample.csv'), 'utf8')), ...parser.end()] as string[][];
  const text = rows.map((cells) => Object.fromEntries((header as string[]).map((h, i) => [h, cells[i] === '' ? null : cells[i]])));
  const typed = text.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typedValue(v)])));
  const config = parseModelConfig(readFileSync(join(EXAMPLE, 'models', 'fraud-xgb', 'model.yaml'), 'utf8'), 'model.yaml');
  const encoder = new RecordEncoder(compileFeatures(config.inputs, undefined, false, 'model.yaml'), 'float32');
  return { typed, text, encoder };
}

function typedValue(v: string | null | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (v === 'true' || v === 'false') return v === 'true';
  const n = Number(v);
  return Number.isNaN(n) || /^0\d/.test(v) ? v : n;
}

/** Records -> feature matrix rows/s, for a batch of `batch` records. */
export async function measureCodec(batch = 4096): Promise<{ typedRowsPerSec: number; textRowsPerSec: number }> {
  const { typed, text, encoder } = fraudRecords();
  const grow = (rs: InputRecord[]): InputRecord[] => Array.from({ length: batch }, (_, i) => rs[i % rs.length] as InputRecord);
  const typedBatch = grow(typed);
  const textBatch = grow(text);
  const typedCalls = await callsPerSecond(() => encoder.encode(typedBatch), 800);
  const textCalls = await callsPerSecond(() => encoder.encode(textBatch), 800);
  return { typedRowsPerSec: typedCalls * batch, textRowsPerSec: textCalls * batch };
}
