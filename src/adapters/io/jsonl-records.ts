import { StringDecoder } from 'node:string_decoder';
import { MALFORMED_ROW, TetraError, type InputRecord } from '../../core/index.ts';
import { decodeInSlices } from './utf8-slices.ts';
import { DEFAULT_BATCH_ROWS, MAX_ROW_BYTES, rowTooLong, throwIfCancelled, type RecordBatch, type RecordReaderOptions } from './record-batch.ts';

/**
 * Reads JSON Lines (one JSON object per line; blank lines skipped) into
 * record batches of at most `batchSize`. A line that is not a JSON object
 * fails, naming its line. A line holding an array is taken as values by
 * position (`f0`, `f1`, ...).
 */
export async function* jsonlRecords(chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>, options: RecordReaderOptions = {}): AsyncGenerator<RecordBatch> {
  const source = options.source ?? 'input';
  const batchSize = options.batchSize ?? DEFAULT_BATCH_ROWS;
  const decoder = new StringDecoder('utf8');
  const reader = new LineCollector(source, options.maxRowBytes ?? MAX_ROW_BYTES, options.keepMalformed, options.midFile);
  let firstRow = 0;
  const full = function* (final: boolean): Generator<RecordBatch> {
    while (reader.records.length >= batchSize || (final && reader.records.length > 0)) {
      const records = reader.records.splice(0, batchSize);
      yield { records, firstRow, lines: reader.lines.splice(0, records.length) };
      firstRow += records.length;
    }
  };
  for await (const chunk of chunks) {
    throwIfCancelled(options.signal, source);
    for (const text of typeof chunk === 'string' ? [chunk] : decodeInSlices(decoder, chunk)) reader.push(text);
    yield* full(false);
  }
  reader.push(decoder.end());
  reader.end();
  yield* full(true);
}

/** Splits text into lines across chunks and parses each non-blank one. */
class LineCollector {
  readonly records: InputRecord[] = [];
  readonly lines: number[] = [];
  private carry = '';
  private line = 0;

  constructor(private readonly source: string, private readonly maxRowBytes: number, private readonly keepMalformed = false, private readonly midFile = false) {}

  push(text: string): void {
    if (!this.midFile && this.line === 0 && this.carry === '' && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.includes('\n')) {
      const parts = (this.carry + text).split('\n');
      this.carry = parts.pop() as string;
      for (const part of parts) this.take(part);
    } else {
      // Only a longer unfinished line: split again from its start for every piece, a long line would cost its length squared.
      this.carry += text;
    }
    // The carry is one unfinished line: past the limit it fails rather than growing with the file.
    if (this.carry.length * 3 > this.maxRowBytes && Buffer.byteLength(this.carry) > this.maxRowBytes) {
      throw rowTooLong(this.source, this.line + 1, this.maxRowBytes);
    }
  }

  end(): void {
    if (this.carry !== '') this.take(this.carry);
    this.carry = '';
  }

  private take(text: string): void {
    this.line++;
    // Blank means JSON's own white space only: the thread that cuts a file into pieces counts rows by the same rule.
    if (BLANK.test(text)) return;
    this.records.push(this.keepMalformed ? parseOrMark(text, this.source, this.line) : parseLine(text, this.source, this.line));
    this.lines.push(this.line);
  }
}

const BLANK = /^[ \t\r]*$/;

/** A line that is not a JSON object becomes an empty record marked malformed, to be rejected with its reason. */
function parseOrMark(text: string, source: string, line: number): InputRecord {
  try {
    return parseLine(text, source, line);
  } catch (error) {
    if (!TetraError.is(error)) throw error;
    return { [MALFORMED_ROW]: error } as unknown as InputRecord;
  }
}

function parseLine(text: string, source: string, line: number): InputRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TetraError('INPUT_MALFORMED', `${source} line ${line}: not valid JSON (${(error as Error).message})`, { file: source, line, cause: error });
  }
  if (Array.isArray(value)) return Object.fromEntries(value.map((v, i) => [`f${i}`, v]));
  if (typeof value !== 'object' || value === null) {
    throw new TetraError('INPUT_MALFORMED', `${source} line ${line}: expected a JSON object of feature values, got ${value === null ? 'null' : typeof value}`, { file: source, line });
  }
  return value as InputRecord;
}
