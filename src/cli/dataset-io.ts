import { join } from 'node:path';
import { ParquetReader } from '../adapters/io/parquet-reader.ts';
import { ParquetFileWriter } from '../adapters/io/parquet-writer.ts';
import type { IfExists } from '../adapters/io/postgres-writer.ts';
import { rejectsPathFor, type JobFileNames } from '../adapters/io/job-files.ts';
import { JsonlRejectsFile } from '../adapters/io/jsonl-rejects-file.ts';
import { StreamWriter } from '../adapters/io/stream-writer.ts';
import { TextDatasetReader } from '../adapters/io/text-dataset-reader.ts';
import { TextFileWriter } from '../adapters/io/text-file-writer.ts';
import { csvFormat, jsonlFormat, type RowFormat } from '../adapters/io/text-row-format.ts';
import { TetraError, type DatasetReader, type DatasetWriter, type RejectsLog } from '../core/index.ts';
import { KeyHashShard, RowRangeShard, shardFiles, type Shard } from '../modes/batch/shard.ts';
import { formatOf, isDatabase, type DatasetFormat } from './dataset-format.ts';
import { inputFiles } from './input-files.ts';

export interface InputSpec {
  readonly input: string;
  readonly format?: DatasetFormat;
  readonly delimiter?: string;
  readonly shard?: Shard;
  /** Shard by this column's hash instead of by file or row range. */
  readonly shardKey?: string;
  /** The files the job writes: never read as input. */
  readonly own?: JobFileNames;
  /** The input's files when the caller listed them already (a folder listed twice might differ). */
  readonly files?: readonly string[];
}

/**
 * The reader for an `--input`, sharded when asked: by file when there are
 * at least as many files as shards, else by key hash or row range.
 */
export async function openInput(spec: InputSpec): Promise<DatasetReader> {
  if (isDatabase(spec.input)) {
    // The PostgreSQL client loads only for a job that reads a database.
    const { PostgresReader } = await import('../adapters/io/postgres-reader.ts');
    const reader = new PostgresReader({ url: spec.input });
    if (!spec.shard) return reader;
    return spec.shardKey ? new KeyHashShard(reader, spec.shard, spec.shardKey) : new RowRangeShard(reader, spec.shard);
  }
  let files = spec.files ?? (await inputFiles(spec.input, spec.own));
  const byFile = spec.shard && !spec.shardKey && files.length >= spec.shard.count;
  if (spec.shard && byFile) files = shardFiles(files, spec.shard);
  const format = spec.format ?? formatOf(files[0] as string) ?? (files[0] === '-' ? 'csv' : undefined);
  if (!format) throw new TetraError('INPUT_UNREADABLE', `${spec.input}: cannot tell the format from the name; give --input-format csv, jsonl or parquet`, { file: spec.input });
  if (spec.shard && !byFile && !spec.shardKey && files.includes('-')) {
    // A row range needs the row count first, and stdin cannot be read a second time.
    throw new TetraError('CONFIG_INVALID', `stdin cannot be sharded by row range (its rows would have to be read twice); shard it by a key column with --shard-key, or give a file`, { field: 'shard' });
  }
  const reader = readerFor(files, format, spec);
  if (!spec.shard || byFile) return reader;
  return spec.shardKey ? new KeyHashShard(reader, spec.shard, spec.shardKey) : new RowRangeShard(reader, spec.shard);
}

function readerFor(files: readonly string[], format: DatasetFormat, spec: InputSpec): DatasetReader {
  if (format === 'parquet') return new ParquetReader(files);
  const delimiter = spec.delimiter ?? (files[0]?.replace(/\.gz$/i, '').endsWith('.tsv') ? '\t' : ',');
  return new TextDatasetReader(files, { format, delimiter });
}

export interface OutputSpec {
  readonly output: string;
  /** A database table that already holds rows: refuse (default), add to them, or replace them. */
  readonly ifExists?: IfExists;
  readonly format?: DatasetFormat;
  readonly delimiter?: string;
}

export async function openOutput(spec: OutputSpec): Promise<DatasetWriter> {
  const { output } = spec;
  if (isDatabase(output)) {
    const { PostgresWriter } = await import('../adapters/io/postgres-writer.ts');
    return new PostgresWriter({ url: output, ifExists: spec.ifExists });
  }
  const format = spec.format ?? (output === '-' ? 'jsonl' : formatOf(output));
  if (!format) throw new TetraError('OUTPUT_FAILED', `${output}: cannot tell the format from the name; give --output-format csv, jsonl or parquet`, { file: output });
  if (format === 'parquet') {
    if (output === '-') throw new TetraError('OUTPUT_FAILED', 'Parquet cannot be written to stdout (its footer comes last); give a file', { file: output });
    return new ParquetFileWriter(output);
  }
  const rows: RowFormat = format === 'csv' ? csvFormat(spec.delimiter ?? (output.replace(/\.gz$/i, '').endsWith('.tsv') ? '\t' : ',')) : jsonlFormat;
  return output === '-' ? new StreamWriter('stdout', process.stdout, rows) : new TextFileWriter(output, rows);
}

export function openRejects(output: string, rejects?: string): RejectsLog {
  return new JsonlRejectsFile(rejectsPath(output, rejects));
}

/** Rejected rows go beside a file output, else into the working folder. */
export function rejectsPath(output: string, rejects?: string): string {
  if (rejects) return rejects;
  if (output === '-') return join('.', 'tetra-batch.rejects.jsonl');
  if (isDatabase(output)) return join('.', `${new URL(output).searchParams.get('table') ?? 'tetra-batch'}.rejects.jsonl`);
  return rejectsPathFor(output);
}
