import { extname } from 'node:path';

/**
 * Dataset formats and locations by name alone: light enough for the command
 * line to check its options without loading a format's reader or writer.
 */
export type DatasetFormat = 'csv' | 'jsonl' | 'parquet';
export const DATASET_FORMATS: readonly DatasetFormat[] = ['csv', 'jsonl', 'parquet'];

/** The format a path names by its extension (ignoring `.gz`). */
export function formatOf(path: string): DatasetFormat | undefined {
  const ext = extname(path.replace(/\.gz$/i, '')).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  return undefined;
}

export function isDatabase(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}
