import type { ColumnCells, ColumnarRows } from '../../core/index.ts';
import { writeUtf8 } from '../../core/index.ts';

/**
 * How one cell becomes text, by its kind. `text` gets a text cell's UTF-8
 * bytes and writes them, quoted or escaped as the format needs; `number`
 * formats a double; `value` formats any other value (and a text cell the
 * fast path cannot copy, decoded).
 */
export interface CellWriter {
  text(sink: ByteSink, bytes: Uint8Array, start: number, end: number): void;
  number(value: number): string;
  value(value: unknown): string;
  /** What a row without a value holds. */
  readonly missing: string;
}

/**
 * Lines of text written straight from rows that arrived column by column:
 * a text cell's bytes are copied as they are, a number is formatted once.
 * `prefixes[c]` comes before column c's cell (a delimiter, a JSON key),
 * `end` after each row.
 */
export function columnarLines(parts: readonly ColumnarRows[], cells: CellWriter, prefixes: readonly string[], end: string): Buffer {
  const sink = new ByteSink();
  const prefixBytes = prefixes.map((p) => Buffer.from(p, 'utf8'));
  const endBytes = Buffer.from(end, 'utf8');
  for (const part of parts) {
    const readers = part.columns.map((column) => cellReader(column));
    for (let r = 0; r < part.count; r++) {
      for (let c = 0; c < readers.length; c++) {
        sink.bytes(prefixBytes[c] as Uint8Array);
        (readers[c] as CellReader)(sink, r, cells);
      }
      sink.bytes(endBytes);
    }
  }
  return sink.done();
}

type CellReader = (sink: ByteSink, r: number, cells: CellWriter) => void;

function cellReader(column: ColumnCells): CellReader {
  const present = column.kind === 'any' ? undefined : column.present;
  switch (column.kind) {
    case 'float64': {
      const { values } = column;
      return (sink, r, cells) => sink.ascii(present && present[r] === 0 ? cells.missing : cells.number(values[r] as number));
    }
    case 'utf8': {
      const { bytes, ends } = column;
      return (sink, r, cells) => {
        if (present && present[r] === 0) sink.ascii(cells.missing);
        else cells.text(sink, bytes, r === 0 ? 0 : (ends[r - 1] as number), ends[r] as number);
      };
    }
    case 'any': {
      const { values } = column;
      return (sink, r, cells) => sink.text(cells.value(values[r] ?? null));
    }
  }
}

/** Bytes appended in blocks small enough for the allocator to reuse (see utf8-slices.ts), joined once at the end. */
export class ByteSink {
  private static readonly BLOCK = 32 * 1024;
  private static readonly SHORT = 64;
  private readonly blocks: Buffer[] = [];
  private block = Buffer.allocUnsafe(ByteSink.BLOCK);
  private at = 0;

  bytes(bytes: Uint8Array, start = 0, end = bytes.length): void {
    if (this.at + (end - start) > this.block.length) this.flush(end - start);
    // Cells and delimiters are mostly a few bytes: a view per copy (a Buffer object each) would cost more than the copy.
    if (end - start > ByteSink.SHORT) {
      this.block.set(bytes.subarray(start, end), this.at);
      this.at += end - start;
      return;
    }
    const block = this.block;
    let at = this.at;
    for (let i = start; i < end; i++) block[at++] = bytes[i] as number;
    this.at = at;
  }

  byte(value: number): void {
    if (this.at === this.block.length) this.flush(1);
    this.block[this.at++] = value;
  }

  /** Text known to be ASCII (numbers, `null`, `true`). */
  ascii(text: string): void {
    if (this.at + text.length > this.block.length) this.flush(text.length);
    for (let i = 0; i < text.length; i++) this.block[this.at++] = text.charCodeAt(i);
  }

  text(text: string): void {
    if (this.at + text.length * 3 > this.block.length) this.flush(text.length * 3);
    this.at = writeUtf8(this.block, this.at, text);
  }

  done(): Buffer {
    this.blocks.push(this.block.subarray(0, this.at));
    const out = this.blocks.length === 1 ? Buffer.from(this.blocks[0] as Buffer) : Buffer.concat(this.blocks);
    this.blocks.length = 0;
    return out;
  }

  private flush(need: number): void {
    this.blocks.push(this.block.subarray(0, this.at));
    this.block = Buffer.allocUnsafe(Math.max(ByteSink.BLOCK, need));
    this.at = 0;
  }
}
