import { TetraError } from '../../core/errors/index.ts';

/** Where in a model file a value came from, so errors can point at it. */
export interface FieldRef {
  readonly file: string;
  /** 1-based line number of the `key=value` line. */
  readonly line: number;
  /** Human-readable location, e.g. `tree 3, key leaf_value`. */
  readonly what: string;
}

/** A MODEL_FILE_CORRUPT error naming the file, line and field. */
export function corrupt(ref: FieldRef, problem: string): TetraError {
  return new TetraError(
    'MODEL_FILE_CORRUPT',
    `LightGBM model ${ref.file}, line ${ref.line} (${ref.what}): ${problem}`,
    { file: ref.file, line: ref.line },
  );
}

/** A MODEL_FILE_CORRUPT error about the file as a whole (no single line to blame). */
export function corruptFile(file: string, problem: string, line?: number): TetraError {
  const at = line === undefined ? '' : `, line ${line}`;
  return new TetraError('MODEL_FILE_CORRUPT', `LightGBM model ${file}${at}: ${problem}`, line === undefined ? { file } : { file, line });
}

/** A MODEL_UNSUPPORTED error naming the file and what it uses. */
export function unsupported(file: string, problem: string, line?: number): TetraError {
  const at = line === undefined ? '' : `, line ${line}`;
  return new TetraError('MODEL_UNSUPPORTED', `LightGBM model ${file}${at}: ${problem}`, line === undefined ? { file } : { file, line });
}
