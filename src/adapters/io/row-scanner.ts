export interface ScanResult {
  readonly start: number;
  readonly end: number;
  readonly rows: number;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * Finds where rows end in CSV or JSON Lines bytes without decoding them, so
 * a file can be cut into pieces of whole rows that other threads parse. It
 * counts rows and lines exactly as the parsers do: a CSV quote opens a quoted
 * field only at a field's start, a line break inside quotes is part of the
 * field, CR, LF and CRLF end a CSV row, blank lines are not rows; JSON Lines
 * rows are lines that hold more than white space.
 */
export class RowScanner {
  private inQuote = false;
  private fieldStart = true;
  private afterQuote = false;
  private content = false;
  private crPending = false;
  /** Line (1-based) at the scan position. */
  line = 1;
  /** Bytes scanned since the last line break outside quotes: the row not yet ended. */
  pendingBytes = 0;
  /** Line (1-based) where that row starts. */
  pendingLine = 1;

  constructor(private readonly format: 'csv' | 'jsonl', private readonly delimiter = 0x2c) {}

  /**
   * Scans `bytes` from `from`; stops after `maxRows` rows end, returning the
   * offset just past the last row's line break, and the rows found. `start`
   * is where the rows' bytes begin: past `from` when the bytes open with the
   * LF of a CRLF whose CR ended the previous bytes (that LF belongs to a row
   * already ended, and a piece that began with it would read a blank line).
   */
  scan(bytes: Uint8Array, from: number, maxRows: number): ScanResult {
    return this.format === 'csv' ? this.scanCsv(bytes, from, maxRows) : this.scanLines(bytes, from, maxRows);
  }

  /** At the end of input: whether a last row without a line break is pending. */
  finish(): number {
    const row = this.content || this.inQuote || this.afterQuote ? 1 : 0;
    this.reset();
    return row;
  }

  private scanCsv(b: Uint8Array, from: number, maxRows: number): ScanResult {
    let rows = 0;
    let i = from;
    const n = b.length;
    if (this.crPending && i < n) {
      this.crPending = false;
      if (b[i] === LF) i++;
    }
    const start = i;
    let lastBreak = -1;
    const bytes = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    // Where the next quote, CR and LF are (or how far it is known there are none), found by the native search and kept until passed.
    let quoteAt = -1;
    let crAt = -1;
    let lfAt = -1;
    for (; i < n; i++) {
      if (!this.inQuote && !this.content && !this.afterQuote) {
        // At a row's start: up to the next quote or CR every LF ends a row, so rows are found line by line without looking at each byte.
        if (quoteAt < i) quoteAt = nextOf(bytes, QUOTE, i, n);
        if (crAt < i) crAt = nextOf(bytes, CR, i, n);
        const plainEnd = Math.min(quoteAt, crAt);
        for (;;) {
          // Found once and kept until passed: a file with no LF (CR endings) is searched once per call, not once per row.
          if (lfAt < i) lfAt = nextLf(bytes, i, n);
          if (lfAt >= plainEnd) break;
          if (lfAt > i) rows++;
          this.line++;
          i = lfAt + 1;
          lastBreak = i;
          this.pendingLine = this.line;
          if (rows === maxRows) return this.ended(lastBreak, rows, start, lastBreak);
        }
        if (i >= n) break;
      }
      const c = b[i] as number;
      if (this.inQuote) {
        if (c === QUOTE) {
          this.inQuote = false;
          this.afterQuote = true;
        } else if (c === LF) this.line++;
        continue;
      }
      if (c === LF || c === CR) {
        if (this.content || this.afterQuote) rows++;
        this.line++;
        this.reset();
        if (c === CR) {
          if (i + 1 >= n) this.crPending = true;
          else if (b[i + 1] === LF) i++;
        }
        lastBreak = i + 1;
        this.pendingLine = this.line;
        if (rows === maxRows) return this.ended(lastBreak, rows, start, lastBreak);
        continue;
      }
      if (c === QUOTE && (this.fieldStart || this.afterQuote)) {
        // A doubled quote inside a quoted field arrives as close-then-open.
        this.inQuote = true;
        this.afterQuote = false;
      } else {
        this.afterQuote = false;
      }
      this.fieldStart = c === this.delimiter;
      this.content = true;
    }
    return this.ended(n, rows, start, lastBreak);
  }

  /** The result of a scan of [start, end), counting the bytes of the row left unended. */
  private ended(end: number, rows: number, start: number, lastBreak: number): ScanResult {
    this.pendingBytes = lastBreak < 0 ? this.pendingBytes + (end - start) : end - lastBreak;
    return { start, end, rows };
  }

  private scanLines(b: Uint8Array, from: number, maxRows: number): ScanResult {
    let rows = 0;
    let lastBreak = -1;
    for (let i = from; i < b.length; i++) {
      const c = b[i] as number;
      if (c === LF) {
        if (this.content) rows++;
        this.line++;
        this.content = false;
        lastBreak = i + 1;
        this.pendingLine = this.line;
        if (rows === maxRows) return this.ended(lastBreak, rows, from, lastBreak);
      } else if (c !== SPACE && c !== TAB && c !== CR) {
        this.content = true;
      }
    }
    return this.ended(b.length, rows, from, lastBreak);
  }

  private reset(): void {
    this.inQuote = false;
    this.fieldStart = true;
    this.afterQuote = false;
    this.content = false;
  }
}

/** Bytes searched ahead for a quote or CR at a time: a file without any must not be searched to its end on every row. */
const SEARCH_WINDOW = 64 * 1024;

/** The next `byte` at or after `from`, or the end of the window searched when there is none in it. */
function nextOf(bytes: Buffer, byte: number, from: number, n: number): number {
  const end = Math.min(n, from + SEARCH_WINDOW);
  const at = bytes.subarray(from, end).indexOf(byte);
  return at < 0 ? end : from + at;
}

/** The next LF at or after `from`, or `n` when there is none. */
function nextLf(bytes: Buffer, from: number, n: number): number {
  const at = bytes.indexOf(LF, from);
  return at < 0 ? n : at;
}
