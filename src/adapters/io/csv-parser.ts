import { TetraError } from '../../core/index.ts';
import { MAX_ROW_BYTES, rowTooLong } from './record-batch.ts';

const QUOTE = 34;
const CR = 13;
const LF = 10;

export interface CsvParserOptions {
  readonly delimiter?: string;
  /** Used in error messages. */
  readonly source?: string;
  /** A row longer than this fails instead of being carried on (default MAX_ROW_BYTES). */
  readonly maxRowBytes?: number;
}

/** Where parsing of one row stopped. */
type RowEnd = { readonly next: number; readonly fields: string[]; readonly quoted: boolean; readonly newlines: number } | 'incomplete';

/**
 * An incremental RFC 4180 CSV parser: feed it text in any pieces and it
 * returns complete rows as arrays of strings. Quoted fields may hold
 * delimiters, doubled quotes and newlines, and may span pieces. Unquoted
 * fields are sliced straight out of the input (no per-character copying).
 * A blank line is skipped; a line holding `""` is a row with one empty field.
 */
export class CsvParser {
  private readonly delimiter: number;
  private readonly source: string;
  private readonly maxRowBytes: number;
  private carry = '';
  /** Line number (1-based) where the carried text starts. */
  private line = 1;
  /** The carried text stops inside a quoted field: until a quote arrives, new text cannot finish it. */
  private inQuote = false;
  private bom = true;
  /** Cells by position that are copied out; the others come back empty. */
  private wanted?: readonly boolean[];

  constructor(options: CsvParserOptions = {}) {
    const delimiter = options.delimiter ?? ',';
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new TetraError('CONFIG_INVALID', `the CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`, { field: 'delimiter' });
    }
    this.delimiter = delimiter.charCodeAt(0);
    this.source = options.source ?? 'input';
    this.maxRowBytes = options.maxRowBytes ?? MAX_ROW_BYTES;
  }

  /**
   * From now on only the cells marked true are copied out of the text; the
   * others come back as empty strings, still counted, so a row's width is
   * checked as before. A reader that needs a few of many columns is spared
   * a string for each of the rest.
   */
  want(cells: readonly boolean[]): void {
    this.wanted = cells.every(Boolean) ? undefined : cells;
  }

  /** Parses every complete row in `text` (plus what was carried over). `lines` receives each row's first line number. */
  push(text: string, lines?: number[]): string[][] {
    if (this.bom) {
      this.bom = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // A long quoted field is not re-parsed from its start for every piece that cannot close it.
    if (this.inQuote && !text.includes('"')) {
      this.carry += text;
      this.checkCarry();
      return [];
    }
    const rows = this.parse(this.carry + text, false, lines);
    this.checkCarry();
    return rows;
  }

  /** The carried text is one unfinished row: past the limit it fails, naming the line it starts on. */
  private checkCarry(): void {
    // A UTF-16 unit is at most 3 UTF-8 bytes: only a long carry needs its bytes counted.
    if (this.carry.length * 3 > this.maxRowBytes && Buffer.byteLength(this.carry) > this.maxRowBytes) {
      throw rowTooLong(this.source, this.line, this.maxRowBytes);
    }
  }

  /** Parses the text left at the end of input (a last row without a line break). */
  end(lines?: number[]): string[][] {
    const rest = this.carry;
    this.carry = '';
    return rest.length > 0 ? this.parse(rest, true, lines) : [];
  }

  private parse(input: string, final: boolean, lines?: number[]): string[][] {
    const rows: string[][] = [];
    let pos = 0;
    while (pos < input.length) {
      const row = this.parseRow(input, pos, final);
      if (row === 'incomplete') break;
      if (row.quoted || row.fields.length > 1 || row.fields[0] !== '') {
        rows.push(row.fields);
        lines?.push(this.line);
      }
      this.line += row.newlines + 1;
      pos = row.next;
    }
    this.carry = input.slice(pos);
    return rows;
  }

  /**
   * Parses one row from `pos`: its fields and the position after its line
   * break. Written as one loop with no object per field: it runs for every
   * cell of a file.
   */
  private parseRow(s: string, pos: number, final: boolean): RowEnd {
    const fields: string[] = [];
    const n = s.length;
    const delimiter = this.delimiter;
    const wanted = this.wanted;
    let quoted = false;
    let newlines = 0;
    let i = pos;
    for (;;) {
      if (s.charCodeAt(i) === QUOTE) {
        const q = this.parseQuoted(s, i, final, this.line + newlines);
        this.inQuote = q === 'incomplete';
        if (q === 'incomplete') return 'incomplete';
        fields.push(q.value);
        quoted = true;
        newlines += q.newlines;
        i = q.end;
      } else {
        let j = i;
        while (j < n) {
          const c = s.charCodeAt(j);
          if (c === delimiter || c === LF || c === CR) break;
          j++;
        }
        fields.push(wanted !== undefined && wanted[fields.length] === false ? '' : s.slice(i, j));
        i = j;
      }
      // What follows a field: a delimiter (another field), a line break or the end of input (the row ends).
      if (i >= n) return final ? { next: i, fields, quoted, newlines } : 'incomplete';
      const c = s.charCodeAt(i);
      if (c === delimiter) {
        // A delimiter at the very end of the input still opens an (empty) last field.
        if (i + 1 >= n && !final) return 'incomplete';
        i++;
        continue;
      }
      if (c === CR) {
        if (i + 1 >= n && !final) return 'incomplete';
        return { next: s.charCodeAt(i + 1) === LF ? i + 2 : i + 1, fields, quoted, newlines };
      }
      if (c === LF) return { next: i + 1, fields, quoted, newlines };
      throw this.malformed('unexpected character after a quoted field', this.line + newlines);
    }
  }

  private parseQuoted(s: string, start: number, final: boolean, line: number): { value: string; end: number; newlines: number } | 'incomplete' {
    let value = '';
    let from = start + 1;
    for (;;) {
      const q = s.indexOf('"', from);
      if (q < 0 || q + 1 >= s.length) {
        if (!final) return 'incomplete';
        if (q < 0) throw this.malformed('a quoted field is not closed', line);
        value += s.slice(from, q);
        return { value, end: q + 1, newlines: countNewlines(value) };
      }
      if (s.charCodeAt(q + 1) === QUOTE) {
        value += s.slice(from, q + 1);
        from = q + 2;
        continue;
      }
      value += s.slice(from, q);
      return { value, end: q + 1, newlines: countNewlines(value) };
    }
  }

  private malformed(what: string, line: number): TetraError {
    return new TetraError('INPUT_MALFORMED', `${this.source} line ${line}: ${what}`, { line, file: this.source });
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
