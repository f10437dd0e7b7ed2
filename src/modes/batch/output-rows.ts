import { TetraError, type ColumnType, type DatasetColumn, type InferResult, type KeyNotKept, type OutputColumn, type RejectedRecord, type RowChunk } from '../../core/index.ts';

/** A scored chunk turned into output rows and rejects. */
export interface ChunkRows {
  readonly rows: unknown[][];
  readonly rejects: RejectedRecord[];
  /** Keys of output rows outside the kept columns, each with the first row holding it (only when asked to look). */
  readonly keysNotKept?: KeyNotKept[];
}

/**
 * The input columns a job copies into its output (ids, keys), like
 * SageMaker's join-source: `all`, a list of names, or none. When the
 * input's columns come from a sample of its rows (`sampled`), a name the
 * sample did not see may still be in later rows: it is kept, typed `json`
 * since no value of it is known yet.
 */
export function keptColumns(keep: 'all' | readonly string[] | undefined, input: readonly DatasetColumn[], source: string, sampled = false): DatasetColumn[] {
  if (keep === 'all') return [...input];
  return (keep ?? []).map((name) => {
    const column = input.find((c) => c.name === name) ?? (sampled ? { name, type: 'json' as const } : undefined);
    if (!column) {
      throw new TetraError('INPUT_MISSING_FEATURE', `${source}: no column "${name}" to keep in the output (columns: ${input.map((c) => c.name).join(', ')})`, { file: source, field: name });
    }
    return column;
  });
}

/** Kept input columns first, then one column per prediction field, typed by the first prediction's values. */
export function outputColumns(kept: readonly DatasetColumn[], prediction: Readonly<Record<string, unknown>> | undefined): OutputColumn[] {
  const fields = Object.entries(prediction ?? {}).map(([name, value]) => ({ name, type: typeOf(value) }));
  for (const field of fields) {
    if (kept.some((c) => c.name === field.name)) {
      throw new TetraError('CONFIG_INVALID', `the kept input column "${field.name}" has the name of a prediction field; keep other columns, or rename it in the input`, { field: field.name });
    }
  }
  return [...kept.map(({ name, type }) => ({ name, type })), ...fields];
}

function typeOf(value: unknown): ColumnType {
  if (typeof value === 'number') return 'float64';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'bigint') return 'int64';
  return 'json';
}

/**
 * Output rows in input order (kept values, then predictions) and a reject
 * for each row the model could not take. With `watchKeys` (a job keeping
 * every column of an input whose columns were sampled) it also names the
 * keys of output rows that are not kept.
 */
export function chunkRows(chunk: RowChunk, result: InferResult, kept: readonly DatasetColumn[], columns: readonly OutputColumn[], watchKeys = false): ChunkRows {
  const predictions = result.predictions ?? [];
  const rowsOf = result.rows;
  const fields = columns.slice(kept.length).map((c) => c.name);
  const rows: unknown[][] = new Array(predictions.length);
  for (let i = 0; i < predictions.length; i++) {
    const index = rowsOf ? (rowsOf[i] as number) - chunk.firstRow : i;
    const record = chunk.records[index] ?? {};
    const prediction = predictions[i] as Record<string, unknown>;
    const row = new Array<unknown>(columns.length);
    for (let k = 0; k < kept.length; k++) row[k] = record[(kept[k] as DatasetColumn).name] ?? null;
    for (let f = 0; f < fields.length; f++) row[kept.length + f] = prediction[fields[f] as string] ?? null;
    rows[i] = row;
  }
  const rejects = (result.rejected ?? []).map(({ row, error }) => rejectOf(chunk, row - chunk.firstRow, error, kept));
  return watchKeys ? { rows, rejects, keysNotKept: keysNotKept(chunk, result, kept) } : { rows, rejects };
}

/** Keys not kept that a job names (stderr, summary, manifest); past them it only says there are more. */
export const KEYS_NOT_KEPT_NAMED = 100;

/** The keys of scored rows outside `kept`, each once, with the first row that held it: at most one more than a job names. */
function keysNotKept(chunk: RowChunk, result: InferResult, kept: readonly DatasetColumn[]): KeyNotKept[] {
  const known = new Set(kept.map((c) => c.name));
  const found: KeyNotKept[] = [];
  const count = result.predictions?.length ?? 0;
  for (let i = 0; i < count; i++) {
    const index = result.rows ? (result.rows[i] as number) - chunk.firstRow : i;
    const record = chunk.records[index];
    if (!record) continue;
    for (const name of Object.keys(record)) {
      if (known.has(name)) continue;
      known.add(name);
      const line = chunk.lines?.[index];
      found.push({ name, row: chunk.firstRow + index + 1, source: chunk.source, ...(line !== undefined ? { line } : {}) });
      // One more than the job names tells it there are more: sparse keys must not make a chunk's list as long as the chunk.
      if (found.length > KEYS_NOT_KEPT_NAMED) return found;
    }
  }
  return found;
}

function rejectOf(chunk: RowChunk, index: number, error: unknown, kept: readonly DatasetColumn[]): RejectedRecord {
  const e = TetraError.is(error) ? error : new TetraError('INTERNAL', String(error));
  const record = chunk.records[index] ?? {};
  const line = chunk.lines?.[index];
  return {
    row: chunk.firstRow + index + 1,
    source: chunk.source,
    ...(line !== undefined ? { line } : {}),
    code: e.code,
    ...(e.where.field !== undefined ? { field: e.where.field } : {}),
    // The row is named by the fields above; the codec's own "row N: " prefix counts from the chunk's caller.
    message: e.message.replace(/^row \d+: /, ''),
    ...(kept.length > 0 ? { values: Object.fromEntries(kept.map((c) => [c.name, record[c.name] ?? null])) } : {}),
  };
}
