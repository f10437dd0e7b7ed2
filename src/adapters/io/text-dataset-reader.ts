import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TetraError, countRowsByReading, malformedRowError, type DatasetColumn, type InputRecord, type DatasetReader, type DatasetSize, type ReadOptions, type RowChunk } from '../../core/index.ts';
import { csvRecords } from './csv-records.ts';
import { jsonlRecords } from './jsonl-records.ts';
import type { RecordBatch } from './record-batch.ts';
import { textPieces, type TextPiece, type TextPieceOptions } from './text-pieces.ts';

export type TextFormat = 'csv' | 'jsonl';

export interface TextDatasetOptions {
  readonly format: TextFormat;
  /** CSV only; default `,`. */
  readonly delimiter?: string;
  /** Decompress with gzip; default: files whose name ends in `.gz`. */
  readonly gzip?: boolean;
  /** The stream to read when the only path is `-`. */
  readonly stdin?: Readable;
}

/**
 * CSV or JSON Lines files (or stdin, as `-`) read as one dataset, file after
 * file in the order given. Every CSV file must have the first file's header.
 */
export class TextDatasetReader implements DatasetReader {
  readonly name: string;
  private bytesRead = 0;
  private header?: readonly DatasetColumn[];
  /** The JSON Lines sample stopped at its limit: records after it were not seen. */
  private sampleCut = false;
  /** Stdin can be read once: what `columns()` read of it is replayed to `read()`. */
  private stdin?: { readonly iterator: AsyncIterator<Buffer>; readonly head: Buffer[] };
  private capturing = false;

  constructor(private readonly paths: readonly string[], private readonly options: TextDatasetOptions) {
    if (paths.length === 0) throw new TetraError('INPUT_UNREADABLE', 'no input files were given', {});
    this.name = paths.length === 1 ? sourceName(paths[0] as string) : `${paths.length} files (${paths[0]}, ...)`;
  }

  get consumedBytes(): number {
    return this.bytesRead;
  }

  /** JSON Lines columns come from a sample of the records (see jsonColumns); a sample that reached the end saw every key. */
  get columnsSampled(): boolean {
    return this.sampleCut;
  }

  async columns(): Promise<readonly DatasetColumn[]> {
    if (this.header) return this.header;
    this.capturing = true;
    const bytesBefore = this.bytesRead;
    try {
      this.header = this.options.format === 'csv' ? await this.csvColumns() : await this.jsonColumns();
      return this.header;
    } finally {
      this.capturing = false;
      // Progress counts the bytes the job reads, not this look at the start (stdin's, replayed, are counted once).
      if (this.paths[0] !== '-') this.bytesRead = bytesBefore;
    }
  }

  /** The first file's header: every file must have it. */
  private async csvColumns(): Promise<DatasetColumn[]> {
    for await (const batch of this.batches(this.paths[0] as string, { chunkRows: 1 })) return (batch.columns ?? []).map((name) => ({ name, type: 'string' }));
    return [];
  }

  /**
   * The keys of the first JSONL_SAMPLE_ROWS records, across files, read a
   * small batch at a time (records may be large); stdin gives only its
   * first record, so a job fed by a slow pipe starts at once, and replaying
   * the sample holds little.
   */
  private async jsonColumns(): Promise<DatasetColumn[]> {
    const types = new JsonColumnTypes();
    const stdin = this.paths[0] === '-';
    const limit = stdin ? 1 : JSONL_SAMPLE_ROWS;
    let sampled = 0;
    for (const path of this.paths) {
      for await (const batch of this.batches(path, { chunkRows: Math.min(limit, SAMPLE_BATCH_ROWS) })) {
        for (const record of batch.records) {
          // A file's sample is cut only if a record follows it; a file of exactly the sample's size was seen whole.
          if (sampled === limit) return this.cutSample(types);
          types.add(record);
          // A pipe is not asked for one more record: it may not send one soon.
          if (++sampled === limit && stdin) return this.cutSample(types);
        }
      }
    }
    return types.columns();
  }

  private cutSample(types: JsonColumnTypes): DatasetColumn[] {
    this.sampleCut = true;
    return types.columns();
  }

  async size(): Promise<DatasetSize> {
    if (this.paths.includes('-')) return {};
    let bytes = 0;
    for (const path of this.paths) bytes += (await stat(path).catch((e: unknown) => unreadable(path, e))).size;
    return { bytes };
  }

  /** Whether the rows can be cut into pieces for other threads to parse (files, not stdin). */
  get splittable(): boolean {
    return !this.paths.includes('-') && this.options.gzip === undefined && (this.options.format !== 'csv' || (this.options.delimiter ?? ',').charCodeAt(0) < 0x80);
  }

  /** The input cut into pieces of whole rows, where `read` would cut its chunks, for other threads to parse (see decodeTextPiece). */
  pieces(options: ReadOptions, allocate?: TextPieceOptions['allocate']): AsyncGenerator<TextPiece> {
    return textPieces(this.paths, { ...options, format: this.options.format, delimiter: this.options.delimiter, onBytes: (n) => (this.bytesRead += n), allocate });
  }

  countRows(signal?: AbortSignal): Promise<number> {
    return countRowsByReading(this, signal);
  }

  async *read(options: ReadOptions): AsyncGenerator<RowChunk> {
    let toSkip = options.startRow ?? 0;
    let firstRow = 0;
    let expected: readonly string[] | undefined;
    for (const path of this.paths) {
      for await (const batch of this.batches(path, options)) {
        if (batch.columns) expected = checkSameHeader(expected, batch.columns, sourceName(path));
        const rows = batch.records.length;
        if (toSkip >= rows) {
          toSkip -= rows;
          firstRow += rows;
          continue;
        }
        // A resumed read starts at a chunk boundary of the earlier read; re-cut from there as that read did.
        const records = toSkip > 0 ? batch.records.slice(toSkip) : batch.records;
        const lines = toSkip > 0 ? batch.lines.slice(toSkip) : batch.lines;
        firstRow += toSkip;
        toSkip = 0;
        yield { records, firstRow, source: sourceName(path), lines };
        firstRow += records.length;
      }
    }
  }

  async close(): Promise<void> {
    // Streams are closed as each file is read to its end or abandoned.
  }

  private batches(path: string, { chunkRows, signal, fields, plainKinds }: ReadOptions): AsyncGenerator<RecordBatch> {
    const source = sourceName(path);
    const chunks = this.open(path);
    const options = { source, batchSize: chunkRows, signal, keepMalformed: true };
    return this.options.format === 'csv'
      ? csvRecords(chunks, { ...options, delimiter: this.options.delimiter, headerOnlyBatch: true, fields, plainKinds })
      : jsonlRecords(chunks, options);
  }

  /** The file's bytes, decompressed when gzip, counting compressed bytes read for progress. */
  private open(path: string): AsyncGenerator<Buffer> {
    return path === '-' ? this.openStdin() : this.openFile(path);
  }

  private async *openStdin(): AsyncGenerator<Buffer> {
    if (!this.stdin) this.stdin = { iterator: this.openFile('-'), head: [] };
    const { iterator, head } = this.stdin;
    // columns() stops reading after the first row; keep what it read for the full read that follows.
    let replayed = 0;
    for (;;) {
      if (replayed < head.length) {
        yield head[replayed++] as Buffer;
        continue;
      }
      const next = await iterator.next();
      if (next.done) return;
      if (this.capturing) {
        head.push(next.value);
        replayed = head.length;
      }
      yield next.value;
    }
  }

  private async *openFile(path: string): AsyncGenerator<Buffer> {
    const raw: Readable = path === '-' ? (this.options.stdin ?? process.stdin) : createReadStream(path, { highWaterMark: 1 << 20 });
    const gzip = this.options.gzip ?? path.endsWith('.gz');
    raw.on('data', (b: Buffer) => (this.bytesRead += b.length));
    const stream = gzip ? raw.pipe(createGunzip()) : raw;
    try {
      for await (const chunk of stream) yield chunk as Buffer;
    } catch (error) {
      if (TetraError.is(error)) throw error;
      unreadable(path, error);
    } finally {
      raw.destroy();
      if (stream !== raw) stream.destroy();
    }
  }
}

function sourceName(path: string): string {
  return path === '-' ? 'stdin' : path;
}

function unreadable(path: string, error: unknown): never {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  throw new TetraError('INPUT_UNREADABLE', `${sourceName(path)}: cannot be read (${reason})`, { file: sourceName(path), cause: error });
}

function checkSameHeader(expected: readonly string[] | undefined, columns: readonly string[], source: string): readonly string[] {
  if (expected && (expected.length !== columns.length || expected.some((c, i) => c !== columns[i]))) {
    throw new TetraError('INPUT_MALFORMED', `${source} line 1: the header (${columns.join(', ')}) differs from the first file's (${expected.join(', ')})`, { file: source, line: 1 });
  }
  return columns;
}

/**
 * How many records JSON Lines files' columns are learnt from: enough that
 * keys some records leave out, or values that are sometimes text and
 * sometimes numbers, show up, while `columns()` reads only the start of
 * the input. (From stdin, the first record.)
 */
export const JSONL_SAMPLE_ROWS = 10_000;

/** Records sampled per batch: a few at a time, as a record may be large. */
const SAMPLE_BATCH_ROWS = 256;

/**
 * JSON Lines columns: the records' keys in the order they first appear,
 * each typed by its values: their one JSON type, or `json` when they
 * differ (a column holding both `5` and `"A7"`) or are all null.
 */
class JsonColumnTypes {
  private readonly types = new Map<string, DatasetColumn['type'] | null>();

  add(record: InputRecord): void {
    if (malformedRowError(record)) return;
    for (const name of Object.keys(record)) {
      const value = record[name];
      const type = value === null || value === undefined ? null : jsonType(value);
      const known = this.types.get(name);
      if (known === undefined || known === null) this.types.set(name, type);
      else if (type !== null && type !== known) this.types.set(name, 'json');
    }
  }

  columns(): DatasetColumn[] {
    return [...this.types].map(([name, type]) => ({ name, type: type ?? 'json' }));
  }
}

function jsonType(value: unknown): DatasetColumn['type'] {
  if (typeof value === 'number') return 'float64';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  return 'json';
}
