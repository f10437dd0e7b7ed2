import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { csvRecords } from '../adapters/io/csv-records.ts';
import { jsonDocumentRecords } from '../adapters/io/json-records.ts';
import { jsonlRecords } from '../adapters/io/jsonl-records.ts';
import type { RecordBatch } from '../adapters/io/record-batch.ts';
import { TetraError } from '../core/index.ts';

export type InputFormat = 'csv' | 'jsonl' | 'json';
export const INPUT_FORMATS: readonly InputFormat[] = ['csv', 'jsonl', 'json'];

export interface InputOptions {
  /** A file path, or `-`/undefined for stdin. */
  readonly path?: string;
  readonly format?: InputFormat;
  readonly delimiter?: string;
  readonly batchSize?: number;
}

/** Where records come from, for messages: `stdin` or the file path. */
export function inputName(path: string | undefined): string {
  return path === undefined || path === '-' ? 'stdin' : path;
}

/**
 * Record batches from a CSV, JSON Lines or JSON file, or stdin. The format
 * comes from the flag, else the extension, else the first character.
 */
export async function* readInput(options: InputOptions): AsyncGenerator<RecordBatch> {
  const source = inputName(options.path);
  const byName = formatFromName(source);
  if ((options.format ?? byName) === 'json') {
    const text = source === 'stdin' ? await readAll(process.stdin) : await readFile(source, 'utf8').catch((e: unknown) => unreadable(source, e));
    yield* jsonDocumentRecords(text, { source, batchSize: options.batchSize });
    return;
  }
  const stream = source === 'stdin' ? process.stdin : createReadStream(source);
  stream.setEncoding('utf8');
  const opened = await openStream(stream as AsyncIterable<string>, source);
  const format = options.format ?? byName ?? sniff(opened.first);
  yield* format === 'csv'
    ? csvRecords(opened.all, { source, delimiter: options.delimiter ?? (extname(source) === '.tsv' ? '\t' : ','), batchSize: options.batchSize })
    : jsonlRecords(opened.all, { source, batchSize: options.batchSize });
}

function formatFromName(path: string): InputFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.json') return 'json';
  return undefined;
}

/** JSON Lines start with `{` or `[`; anything else is taken as CSV. */
function sniff(first: string): InputFormat {
  const c = first.replace(/^\uFEFF/, '').trimStart()[0];
  return c === '{' || c === '[' ? 'jsonl' : 'csv';
}

function unreadable(source: string, error: unknown): never {
  throw new TetraError('INPUT_MALFORMED', `${source}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: source, cause: error });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  stream.setEncoding('utf8');
  let text = '';
  for await (const chunk of stream) text += chunk as string;
  return text;
}

/** Reads the first chunk (to sniff the format) and gives back a stream that still starts with it. */
async function openStream(chunks: AsyncIterable<string>, source: string): Promise<{ first: string; all: AsyncIterable<string> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  let head: IteratorResult<string>;
  try {
    head = await iterator.next();
  } catch (error) {
    unreadable(source, error);
  }
  const first = head.done ? '' : head.value;
  async function* all(): AsyncGenerator<string> {
    if (!head.done) yield head.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { first, all: all() };
}
