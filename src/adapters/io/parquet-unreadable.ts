import { TetraError } from '../../core/index.ts';

/** A Parquet file that cannot be read: INPUT_UNREADABLE naming the file and what is wrong with it. */
export function unreadable(path: string, what: string, cause?: unknown): TetraError {
  return new TetraError('INPUT_UNREADABLE', `${path}: ${what}`, { file: path, cause });
}
