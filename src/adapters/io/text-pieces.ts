import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TetraError } from '../../core/index.ts';
import { CsvParser } from './csv-parser.ts';
import { checkHeader } from './csv-records.ts';
import { MAX_ROW_BYTES, rowTooLong } from './record-batch.ts';
import { RowScanner } from './row-scanner.ts';

/** Whole rows of a CSV or JSON Lines file, as bytes, for another thread to parse. */
export interface TextPiece {
  readonly format: 'csv' | 'jsonl';
  readonly source: string;
  /** The bytes of `rows` complete rows (with their line breaks), in a buffer no other piece or read uses (see PieceBuffers). */
  readonly bytes: Uint8Array;
  readonly rows: number;
  /** Zero-based index of the piece's first row among all the rows read. */
  readonly firstRow: number;
  /** Line (1-based) in the file where the piece's bytes start. */
  readonly firstLine: number;
  /** CSV: the file's column names. */
  readonly header?: readonly string[];
  readonly delimiter?: string;
}

export interface TextPieceOptions {
  readonly format: 'csv' | 'jsonl';
  readonly delimiter?: string;
  readonly chunkRows: number;
  readonly startRow?: number;
  readonly signal?: AbortSignal;
  readonly gzip?: (path: string) => boolean;
  /** Called with the count of (compressed) bytes read, for progress. */
  readonly onBytes?: (bytes: number) => void;
  /** A row longer than this fails (default MAX_ROW_BYTES), as it does for the sequential reader. */
  readonly maxRowBytes?: number;
  /** Room for a piece's bytes: a view of exactly `size` bytes on a buffer the piece may own, which may be longer (default: a new buffer of that size; see PieceBuffers). */
  readonly allocate?: (size: number) => Uint8Array;
}

/**
 * Cuts files into pieces of `chunkRows` whole rows (fewer at a file's end),
 * exactly where the sequential reader cuts its chunks, skipping `startRow`
 * rows first. The caller's thread only finds line breaks; parsing the pieces
 * is left to whoever receives them.
 */
export async function* textPieces(paths: readonly string[], options: TextPieceOptions): AsyncGenerator<TextPiece> {
  let toSkip = options.startRow ?? 0;
  let firstRow = 0;
  let expected: readonly string[] | undefined;
  for (const path of paths) {
    const file = new FilePieces(path, options);
    for await (const piece of file.pieces()) {
      if (piece.header) {
        if (expected && piece.header.join('\u0000') !== expected.join('\u0000')) {
          throw new TetraError('INPUT_MALFORMED', `${path} line 1: the header (${piece.header.join(', ')}) differs from the first file's (${expected.join(', ')})`, { file: path, line: 1 });
        }
        expected = piece.header;
      }
      if (toSkip >= piece.rows) {
        toSkip -= piece.rows;
        firstRow += piece.rows;
        continue;
      }
      if (toSkip > 0) {
        yield* file.split(piece, toSkip, firstRow);
        firstRow += piece.rows;
        toSkip = 0;
        continue;
      }
      yield { ...piece, firstRow };
      firstRow += piece.rows;
    }
  }
}

type FilePiece = Omit<TextPiece, 'firstRow'>;

class FilePieces {
  private readonly scanner: RowScanner;
  private readonly delimiter: string;

  constructor(private readonly path: string, private readonly options: TextPieceOptions) {
    this.delimiter = options.delimiter ?? ',';
    this.scanner = new RowScanner(options.format, this.delimiter.charCodeAt(0));
  }

  async *pieces(): AsyncGenerator<FilePiece> {
    const { chunkRows, maxRowBytes = MAX_ROW_BYTES } = this.options;
    let header: readonly string[] | undefined;
    let parts: Uint8Array[] = [];
    let rows = 0;
    let startLine = 1;
    let needHeader = this.options.format === 'csv';
    let yielded = false;
    for await (const buffer of this.bytes()) {
      let from = 0;
      if (parts.length === 0 && startLine === 1 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) from = 3;
      while (from < buffer.length) {
        const want = needHeader ? 1 : chunkRows - rows;
        const { start, end, rows: found } = this.scanner.scan(buffer, from, want);
        if (this.scanner.pendingBytes > maxRowBytes) throw rowTooLong(this.path, this.scanner.pendingLine, maxRowBytes);
        parts.push(buffer.subarray(start, end));
        from = end;
        rows += found;
        if (needHeader && rows === 1) {
          header = parseHeader(concat(parts), this.delimiter, this.path);
          needHeader = false;
          parts = [];
          rows = 0;
          startLine = this.scanner.line;
        } else if (rows === chunkRows) {
          yielded = true;
          yield this.piece(concat(parts, this.options.allocate), rows, startLine, header);
          parts = [];
          rows = 0;
          startLine = this.scanner.line;
        }
      }
    }
    rows += this.scanner.finish();
    if (needHeader) {
      if (rows === 0) throw new TetraError('INPUT_MALFORMED', `${this.path}: the CSV input is empty (a header row is required)`, { file: this.path });
      header = parseHeader(concat(parts), this.delimiter, this.path);
      return;
    }
    // A header-only file still yields a piece, without rows: its header is checked against the first file's, as the sequential reader does.
    if (rows > 0 || (!yielded && header)) yield this.piece(concat(parts, this.options.allocate), rows, startLine, header);
  }

  /** The rows of `piece` after its first `skip`, as a piece of its own (a resumed read starts inside a chunk). */
  async *split(piece: FilePiece, skip: number, firstRow: number): AsyncGenerator<TextPiece> {
    const scanner = new RowScanner(this.options.format, this.delimiter.charCodeAt(0));
    scanner.line = piece.firstLine;
    const { end } = scanner.scan(piece.bytes, 0, skip);
    yield { ...piece, bytes: piece.bytes.subarray(end), rows: piece.rows - skip, firstRow: firstRow + skip, firstLine: scanner.line };
  }

  private piece(bytes: Uint8Array, rows: number, firstLine: number, header: readonly string[] | undefined): FilePiece {
    return { format: this.options.format, source: this.path, bytes, rows, firstLine, ...(header ? { header, delimiter: this.delimiter } : {}) };
  }

  private async *bytes(): AsyncGenerator<Uint8Array> {
    const raw: Readable = createReadStream(this.path, { highWaterMark: 1 << 20 });
    const gzip = this.options.gzip ? this.options.gzip(this.path) : this.path.endsWith('.gz');
    raw.on('data', (b: Buffer) => this.options.onBytes?.(b.length));
    const stream = gzip ? raw.pipe(createGunzip()) : raw;
    try {
      for await (const chunk of stream) {
        if (this.options.signal?.aborted) throw new TetraError('CANCELLED', `reading ${this.path} was cancelled`, { file: this.path });
        yield chunk as Buffer;
      }
    } catch (error) {
      if (TetraError.is(error)) throw error;
      throw new TetraError('INPUT_UNREADABLE', `${this.path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: this.path, cause: error });
    } finally {
      raw.destroy();
      if (stream !== raw) stream.destroy();
    }
  }
}

/** The parts copied into a buffer of their own (a part is a view into a read buffer; Buffer.concat may use Node's shared pool). */
function concat(parts: readonly Uint8Array[], allocate: (size: number) => Uint8Array = (size) => new Uint8Array(size)): Uint8Array {
  const out = allocate(parts.reduce((size, part) => size + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Buffers for pieces sent to other threads, taken back once a piece has
 * been parsed. Fresh memory costs a page fault per 4 KiB, and on a VM that
 * hands freed pages back to its host a fault costs ~12 us: over 1 ms for a
 * piece of 800 KB, a tenth of the cutting thread's time. Reused memory
 * costs none.
 *
 * The buffers are shared memory, handed to a thread and back without
 * being moved. Moving (transferring) an ArrayBuffer detaches it, and once a
 * thread has detached any buffer, V8 checks every typed-array access of
 * that thread's optimized code for detachment from then on: the tree
 * walk ran 35% slower in a worker after its first transfer.
 */
export class PieceBuffers {
  private readonly spare: ArrayBufferLike[] = [];

  /** `keep`: at most this many buffers wait for reuse (about the pieces in flight). */
  constructor(private readonly keep: number) {}

  /** A piece's room: a view of exactly `size` bytes on a buffer no piece in flight uses. */
  readonly allocate = (size: number): Uint8Array => {
    const i = this.spare.findIndex((buffer) => buffer.byteLength >= size);
    if (i >= 0) return new Uint8Array(this.spare.splice(i, 1)[0] as ArrayBufferLike, 0, size);
    // A little over the size: the next pieces, a few bytes longer or shorter, fit the same buffer.
    return new Uint8Array(new SharedArrayBuffer(Math.ceil(size * 1.25)), 0, size);
  };

  /** The buffer of a piece that has been parsed (sent back by the thread that parsed it). Past `keep`, the largest are kept: a small one (a file's last piece) would fit no later piece. */
  giveBack(buffer: ArrayBufferLike): void {
    if (this.spare.length < this.keep) {
      this.spare.push(buffer);
      return;
    }
    let smallest = 0;
    for (let i = 1; i < this.spare.length; i++) if ((this.spare[i] as ArrayBufferLike).byteLength < (this.spare[smallest] as ArrayBufferLike).byteLength) smallest = i;
    if (this.keep > 0 && (this.spare[smallest] as ArrayBufferLike).byteLength < buffer.byteLength) this.spare[smallest] = buffer;
  }
}

function parseHeader(bytes: Uint8Array, delimiter: string, path: string): string[] {
  const parser = new CsvParser({ delimiter, source: path });
  const rows = [...parser.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')), ...parser.end()];
  return checkHeader(rows[0] ?? [], path);
}
