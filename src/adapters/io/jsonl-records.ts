import { TetraError, type InputRecord } from '../../core/index.ts';
import { DEFAULT_BATCH_ROWS, type RecordBatch, type RecordReaderOptions } from './record-batch.ts';

/**
 * Reads JSON Lines (one JSON object per line; blank lines skipped) into
 * record batches. A line that is not a JSON object fails, naming its line.
 * A line holding an array is taken as values by position (`f0`, `f1`, ...).
 */
export async function* jsonlRecords(chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer>, options: RecordReaderOptions = {}): AsyncGenerator<RecordBatch> {
  const source = options.source ?? 'input';
  const batchSize = options.batchSize ?? DEFAULT_BATCH_ROWS;
  let carry = '';
  let line = 0;
  let records: InputRecord[] = [];
  let lines: number[] = [];
  let firstRow = 1;
  const takeLine = (text: string): void => {
    line++;
    if (text.trim() === '') return;
    records.push(parseLine(text, source, line));
    lines.push(line);
  };
  for await (const chunk of chunks) {
    options.signal?.throwIfAborted();
    const text = carry + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    const parts = text.split('\n');
    carry = parts.pop() as string;
    for (const part of parts) takeLine(part);
    if (records.length >= batchSize) {
      yield { records, firstRow, lines };
      firstRow += records.length;
      records = [];
      lines = [];
    }
  }
  if (carry !== '') takeLine(carry);
  if (records.length > 0) yield { records, firstRow, lines };
}

function parseLine(text: string, source: string, line: number): InputRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TetraError('INPUT_MALFORMED', `${source} line ${line}: not valid JSON (${(error as Error).message})`, { file: source, line, cause: error });
  }
  if (Array.isArray(value)) return Object.fromEntries(value.map((v, i) => [`f${i}`, v]));
  if (typeof value !== 'object' || value === null) {
    throw new TetraError('INPUT_MALFORMED', `${source} line ${line}: expected a JSON object of feature values, got ${value === null ? 'null' : typeof value}`, { file: source, line });
  }
  return value as InputRecord;
}
