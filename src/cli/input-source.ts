import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { csvRecords } from '../adapters/io/csv-records.ts';
import { jsonlRecords } from '../adapters/io/jsonl-records.ts';
import type { RecordBatch } from '../adapters/io/record-batch.ts';
import { TetraError } from '../core/index.ts';

export type InputFormat = 'csv' | 'jsonl';

export interface InputOptions {
  /** A file path, or `-`/undefined for stdin. */
  readonly path?: string;
  readonly format?: InputFormat;
  readonly delimiter?: string;
  readonly batchSize?: number;
}

/** Record batches from a CSV or JSON Lines file or stdin; the format comes from the extension or the first character. */
export async function* readInput(options: InputOptions): AsyncGenerator<RecordBatch> {
  const fromStdin = options.path === undefined || options.path === '-';
  const source = fromStdin ? 'stdin' : (options.path as string);
  const stream = fromStdin ? process.stdin : createReadStream(options.path as string);
  stream.setEncoding('utf8');
  const chunks = stream as AsyncIterable<string>;
  const opened = await openStream(chunks, source);
  const format = options.format ?? formatFromName(source) ?? sniff(opened.first);
  const reader = format === 'csv'
    ? csvRecords(opened.all, { source, delimiter: options.delimiter ?? (extname(source) === '.tsv' ? '\t' : ','), batchSize: options.batchSize })
    : jsonlRecords(opened.all, { source, batchSize: options.batchSize });
  yield* reader;
}

function formatFromName(path: string): InputFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  return undefined;
}

/** JSON Lines start with `{` or `[`; anything else is taken as CSV. */
function sniff(first: string): InputFormat {
  const c = first.trimStart()[0];
  return c === '{' || c === '[' ? 'jsonl' : 'csv';
}

/** Reads the first chunk (to sniff the format) and gives back a stream that still starts with it. */
async function openStream(chunks: AsyncIterable<string>, source: string): Promise<{ first: string; all: AsyncIterable<string> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  let head: IteratorResult<string>;
  try {
    head = await iterator.next();
  } catch (error) {
    throw new TetraError('INPUT_MALFORMED', `${source}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: source, cause: error });
  }
  const first = head.done ? '' : head.value;
  async function* all(): AsyncGenerator<string> {
    if (!head.done) yield head.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { first, all: all() };
}
