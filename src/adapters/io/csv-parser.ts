import { TetraError } from '../../core/index.ts';

const QUOTE = 34;
const CR = 13;
const LF = 10;

export interface CsvParserOptions {
  readonly delimiter?: string;
  /** Used in error messages. */
  readonly source?: string;
}

/**
 * An incremental RFC 4180 CSV parser: feed it text in any pieces and it
 * returns complete rows as arrays of strings. Quoted fields may hold
 * delimiters, doubled quotes and newlines, and may span pieces. Unquoted
 * fields are sliced straight out of the input (no per-character copying).
 */
export class CsvParser {
  private readonly delimiter: number;
  private readonly source: string;
  private carry = '';
  /** Line number (1-based) where the carried text starts. */
  private line = 1;

  constructor(options: CsvParserOptions = {}) {
    const delimiter = options.delimiter ?? ',';
    if (delimiter.length !== 1) throw new TetraError('CONFIG_INVALID', `the CSV delimiter must be one character, got ${JSON.stringify(delimiter)}`, { field: 'delimiter' });
    this.delimiter = delimiter.charCodeAt(0);
    this.source = options.source ?? 'input';
  }

  /** Parses every complete row in `text` (plus what was carried over). `lines` receives each row's first line number. */
  push(text: string, lines?: number[]): string[][] {
    const input = this.carry + text;
    const rows: string[][] = [];
    let pos = 0;
    for (;;) {
      const end = this.parseRow(input, pos, false, rows, lines);
      if (end < 0) break;
      pos = end;
    }
    this.carry = input.slice(pos);
    return rows;
  }

  /** Parses the text left at the end of input (a last row without a newline). */
  end(lines?: number[]): string[][] {
    const rows: string[][] = [];
    if (this.carry.length > 0) this.parseRow(this.carry, 0, true, rows, lines);
    this.carry = '';
    return rows;
  }

  /**
   * Parses one row starting at `pos`; returns the position after its line
   * break, or -1 when the row is not complete yet (and `final` is false).
   */
  private parseRow(s: string, pos: number, final: boolean, rows: string[][], lines?: number[]): number {
    if (pos >= s.length) return -1;
    const fields: string[] = [];
    const startLine = this.line;
    let newlines = 0;
    let i = pos;
    for (;;) {
      if (s.charCodeAt(i) === QUOTE) {
        const q = this.parseQuoted(s, i, final, startLine + newlines);
        if (q === undefined) return -1;
        fields.push(q.value);
        newlines += q.newlines;
        i = q.end;
      } else {
        let j = i;
        while (j < s.length) {
          const c = s.charCodeAt(j);
          if (c === this.delimiter || c === LF || c === CR) break;
          j++;
        }
        fields.push(s.slice(i, j));
        i = j;
      }
      if (i >= s.length) {
        if (!final) return -1;
        break;
      }
      const c = s.charCodeAt(i);
      if (c === this.delimiter) {
        i++;
        if (i >= s.length && final) { fields.push(''); break; }
        continue;
      }
      if (c === CR) {
        if (i + 1 >= s.length && !final) return -1;
        i += s.charCodeAt(i + 1) === LF ? 2 : 1;
        break;
      }
      if (c === LF) { i++; break; }
      throw this.malformed(`unexpected character after a quoted field`, startLine + newlines);
    }
    this.line = startLine + newlines + 1;
    if (!(fields.length === 1 && fields[0] === '')) {
      rows.push(fields);
      lines?.push(startLine);
    }
    return i;
  }

  private parseQuoted(s: string, start: number, final: boolean, line: number): { value: string; end: number; newlines: number } | undefined {
    let value = '';
    let from = start + 1;
    for (;;) {
      const q = s.indexOf('"', from);
      if (q < 0 || q + 1 >= s.length) {
        if (!final) return undefined;
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
