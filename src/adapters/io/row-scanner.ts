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
   * offset just past the last row's line break, and the rows found.
   */
  scan(bytes: Uint8Array, from: number, maxRows: number): { end: number; rows: number } {
    return this.format === 'csv' ? this.scanCsv(bytes, from, maxRows) : this.scanLines(bytes, from, maxRows);
  }

  /** At the end of input: whether a last row without a line break is pending. */
  finish(): number {
    const row = this.content || this.inQuote || this.afterQuote ? 1 : 0;
    this.reset();
    return row;
  }

  private scanCsv(b: Uint8Array, from: number, maxRows: number): { end: number; rows: number } {
    let rows = 0;
    let i = from;
    const n = b.length;
    if (this.crPending && i < n) {
      this.crPending = false;
      if (b[i] === LF) i++;
    }
    const start = i;
    let lastBreak = -1;
    for (; i < n; i++) {
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
  private ended(end: number, rows: number, start: number, lastBreak: number): { end: number; rows: number } {
    this.pendingBytes = lastBreak < 0 ? this.pendingBytes + (end - start) : end - lastBreak;
    return { end, rows };
  }

  private scanLines(b: Uint8Array, from: number, maxRows: number): { end: number; rows: number } {
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
