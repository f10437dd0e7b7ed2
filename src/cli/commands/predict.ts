import type { RecordBatch } from '../../adapters/io/record-batch.ts';
import { TetraError, type InferResult, type InputRecord, type ServedModel } from '../../core/index.ts';
import { inputName, readInput, type InputFormat } from '../input-source.ts';
import { openModel } from '../open-model.ts';
import { writeErr, writeOut } from '../output.ts';

export interface PredictOptions {
  readonly model: string;
  readonly repo: string;
  readonly version?: string;
  readonly input?: string;
  readonly format?: InputFormat;
  readonly delimiter?: string;
  readonly batchSize?: number;
  /** Print an error line for a bad row and go on, instead of stopping at it. */
  readonly keepGoing?: boolean;
}

/**
 * `tetra predict`: one JSON line per input row, in input order. A bad row
 * stops the run with its file and line, or with --keep-going becomes an
 * `{"error": ...}` line and the run ends with a non-zero exit code.
 */
export async function predictCommand(options: PredictOptions): Promise<void> {
  const { name, repository, service } = await openModel(options.model, options.repo, options.version);
  const source = inputName(options.input);
  let rejected = 0;
  let rows = 0;
  try {
    const served = repository.resolve(name);
    const columns = new ColumnCheck(served, source);
    for await (const batch of readInput({ path: options.input, format: options.format, delimiter: options.delimiter, batchSize: options.batchSize })) {
      const records = columns.apply(batch);
      const result = await service
        .infer({ model: name, version: served.version, records, firstRow: batch.firstRow, keepGoing: options.keepGoing, mode: 'cli' })
        .catch((error: unknown) => Promise.reject(locate(error, batch, source)));
      rows += records.length;
      rejected += result.rejected?.length ?? 0;
      await writeOut(outputLines(result, batch, source));
    }
  } finally {
    await repository.close();
  }
  if (rejected > 0) {
    throw new TetraError('INPUT_WRONG_TYPE', `${rejected} of ${rows} rows of ${source} could not be scored (their lines hold the errors)`, { file: source });
  }
}

/** Prediction lines, with an error line in place of each rejected row. */
function outputLines(result: InferResult, batch: RecordBatch, source: string): string {
  const predictions = result.predictions ?? [];
  if (!result.rejected?.length) return predictions.map((p) => JSON.stringify(p)).join('\n') + '\n';
  const lines = new Array<string>(batch.records.length);
  result.rows?.forEach((row, i) => (lines[row - batch.firstRow] = JSON.stringify(predictions[i])));
  for (const r of result.rejected) {
    const error = locate(r.error, batch, source) as TetraError;
    lines[r.row - batch.firstRow] = JSON.stringify({ error: { code: error.code, message: error.message, line: error.where.line, field: error.where.field } });
  }
  return lines.join('\n') + '\n';
}

/** Rewrites a row-numbered error to name the file and line the row came from. */
function locate<E>(error: E, batch: RecordBatch, source: string): E | TetraError {
  if (!TetraError.is(error) || error.where.row === undefined) return error;
  const line = batch.lines[error.where.row - batch.firstRow];
  if (line === undefined) return error;
  const message = error.message.replace(/^row \d+: /, `${source} line ${line}: `);
  return new TetraError(error.code, message, { ...error.where, file: source, line, cause: error });
}

/**
 * Checks the input's columns against the model's features once, before any
 * row is scored, and maps columns by position for models that only know
 * their features by position.
 */
class ColumnCheck {
  private checked = false;
  private readonly names: readonly string[];
  private readonly positional: boolean;

  constructor(private readonly served: ServedModel, private readonly source: string) {
    const features = served.schema.encoder?.features ?? [];
    this.names = features.map((f) => f.name);
    this.positional = !served.config?.inputs && !served.model.description.featureNamesFromFile && !served.model.description.declaredInputs;
  }

  apply(batch: RecordBatch): InputRecord[] {
    const columns = batch.columns;
    if (!columns) return batch.records;
    if (this.positional && columns.length === this.names.length && !columns.some((c) => this.names.includes(c))) {
      return batch.records.map((record) => Object.fromEntries(this.names.map((n, i) => [n, record[columns[i] as string]])));
    }
    if (!this.checked) this.check(columns);
    return batch.records;
  }

  private check(columns: readonly string[]): void {
    this.checked = true;
    const missing = (this.served.schema.encoder?.features ?? []).filter((f) => !columns.includes(f.name));
    const required = missing.filter((f) => f.required && f.defaultValue === undefined);
    if (required.length > 0) {
      const names = required.map((f) => `"${f.name}"`).join(', ');
      throw new TetraError('INPUT_MISSING_FEATURE', `${this.source}: no column for required feature${required.length > 1 ? 's' : ''} ${names} (columns: ${columns.join(', ')})`, { file: this.source, field: required[0]?.name });
    }
    for (const f of missing) writeErr(`tetra: warning: ${this.source} has no column "${f.name}"; it is ${f.defaultValue !== undefined ? 'filled with its default' : 'missing'} in every row\n`);
  }
}
