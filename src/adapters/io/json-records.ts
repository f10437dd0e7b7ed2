import { TetraError, type InputRecord } from '../../core/index.ts';
import { DEFAULT_BATCH_ROWS, type RecordBatch, type RecordReaderOptions } from './record-batch.ts';

/**
 * Reads one JSON document of records: an array of objects (or of arrays,
 * taken by position as `f0`, `f1`, ...), or `{"instances": [...]}` as the
 * records API takes. The whole document is parsed at once, so this is for
 * files of a size JSON.parse handles; use JSON Lines for large inputs.
 */
export function* jsonDocumentRecords(text: string, options: RecordReaderOptions = {}): Generator<RecordBatch> {
  const source = options.source ?? 'input';
  const batchSize = options.batchSize ?? DEFAULT_BATCH_ROWS;
  const items = documentItems(text, source);
  for (let start = 0; start < items.length; start += batchSize) {
    const slice = items.slice(start, start + batchSize);
    yield { records: slice.map((item, i) => toRecord(item, source, start + i)), firstRow: start, lines: slice.map(() => 1) };
  }
}

function documentItems(text: string, source: string): unknown[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new TetraError('INPUT_MALFORMED', `${source}: not valid JSON (${(error as Error).message})`, { file: source, cause: error });
  }
  if (Array.isArray(doc)) return doc;
  const instances = (doc as { instances?: unknown } | null)?.instances;
  if (Array.isArray(instances)) return instances;
  throw new TetraError('INPUT_MALFORMED', `${source}: expected a JSON array of records or {"instances": [...]}`, { file: source });
}

function toRecord(item: unknown, source: string, row: number): InputRecord {
  if (Array.isArray(item)) return Object.fromEntries(item.map((v, i) => [`f${i}`, v]));
  if (typeof item !== 'object' || item === null) {
    throw new TetraError('INPUT_MALFORMED', `${source}: item ${row} is ${item === null ? 'null' : typeof item}, expected a record (a JSON object)`, { file: source, row });
  }
  return item as InputRecord;
}
