import { TetraError } from '../../core/index.ts';
import { CellKind, plainCell, type CsvCell } from './plain-cell.ts';
import { MAX_ROW_BYTES, rowTooLong } from './record-batch.ts';

// Read once: the row loop below compares against them for every cell.
const TEXT = CellKind.Text;
const SKIP = CellKind.Skip;
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

/**
 * How a parser whose cells may be values hands out the rows after the
 * first (the header): given the header's cells, a kind per position.
 * Only a `CsvParser<CsvCell>` takes it.
 */
export interface CellKindOptions {
  readonly cellKinds?: (header: readonly string[]) => readonly CellKind[];
}

/** Where parsing of one row stopped. */
type RowEnd<C> = { readonly next: number; readonly fields: C[]; readonly quoted: boolean; readonly newlines: number } | 'incomplete';

/**
 * An incremental RFC 4180 CSV parser: feed it text in any pieces and it
 * returns complete rows as arrays of strings. Quoted fields may hold
 * delimiters, doubled quotes and newlines, and may span pieces. Unquoted
 * fields are sliced straight out of the input (no per-character copying).
 * A blank line is skipped; a line holding `""` is a row with one empty field.
 *
 * Cells are strings, unless the parser is told (`cellKinds`) to skip some
 * columns or to give their plain numbers or booleans as values: `C` says
 * what a cell may be.
 */
export class CsvParser<C extends CsvCell = string> {
  private readonly delimiter: number;
  private readonly delimiterText: string;
  /** The next delimiter, LF and CR at or after the cursor in the text being parsed (-1: not searched yet). */
  private nextDelimiter = -1;
  private nextLf = -1;
  private nextCr = -1;
  private readonly source: string;
  private readonly maxRowBytes: number;
  private carry = '';
  /** Line number (1-based) where the carried text starts. */
  private line = 1;
  /** The carried text stops inside a quoted field: until a quote arrives, new text cannot finish it. */
  private inQuote = false;
  private bom = true;
  /** How each cell, by position, is handed out (all as text when absent): set from the header by `kindsOf`. */
  private kinds?: readonly CellKind[];
  private readonly kindsOf?: (header: readonly string[]) => readonly CellKind[];
  /** The next row parsed is the header. */
  private header = true;

  constructor(options: CsvParserOptions & ([C] extends [string] ? { readonly cellKinds?: never } : CellKindOptions) = {}) {
    const delimiter = options.delimiter ?? ',';
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new TetraError('CONFIG_INVALID', `the CSV delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`, { field: 'delimiter' });
    }
    this.delimiter = delimiter.charCodeAt(0);
    this.delimiterText = delimiter;
    this.source = options.source ?? 'input';
    this.maxRowBytes = options.maxRowBytes ?? MAX_ROW_BYTES;
    this.kindsOf = (options as CellKindOptions).cellKinds;
  }

  /** Parses every complete row in `text` (plus what was carried over). `lines` receives each row's first line number. */
  push(text: string, lines?: number[]): C[][] {
    if (this.bom) {
      this.bom = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // A long quoted field is not re-parsed from its start for every piece that cannot close it; nor is a long row
    // for every piece without a line break, which cannot end it (parsed again each time, a row would cost its length squared).
    if ((this.inQuote && !text.includes('"')) || (this.carry !== '' && !text.includes('\n') && !text.includes('\r'))) {
      this.carry += text;
      this.checkCarry();
      return [];
    }
    const rows = this.parse(this.carry + text, false, lines);
    this.checkCarry();
    return rows;
  }

  /**
   * The header's cells are text (no kinds apply yet); the rows after it,
   * even in the same piece of text, are handed out as `cellKinds` says.
   */
  private afterHeader(cells: readonly string[]): void {
    this.header = false;
    const kinds = this.kindsOf?.(cells);
    this.kinds = kinds === undefined || kinds.every((k) => k === TEXT) ? undefined : kinds;
  }

  /** The carried text is one unfinished row: past the limit it fails, naming the line it starts on. */
  private checkCarry(): void {
    // A UTF-16 unit is at most 3 UTF-8 bytes: only a long carry needs its bytes counted.
    if (this.carry.length * 3 > this.maxRowBytes && Buffer.byteLength(this.carry) > this.maxRowBytes) {
      throw rowTooLong(this.source, this.line, this.maxRowBytes);
    }
  }

  /** Parses the text left at the end of input (a last row without a line break). */
  end(lines?: number[]): C[][] {
    const rest = this.carry;
    this.carry = '';
    return rest.length > 0 ? this.parse(rest, true, lines) : [];
  }

  private parse(input: string, final: boolean, lines?: number[]): C[][] {
    // Most files quote nothing and end lines with LF alone: their rows are cut by two searches, with no quote or CR to watch for.
    if (!this.header && !input.includes('"') && !input.includes('\r')) return this.parsePlain(input, final, lines);
    const rows: C[][] = [];
    this.nextDelimiter = this.nextLf = this.nextCr = -1;
    let pos = 0;
    while (pos < input.length) {
      const row = this.parseRow(input, pos, final);
      if (row === 'incomplete') break;
      if (row.quoted || row.fields.length > 1 || row.fields[0] !== '') {
        rows.push(row.fields);
        if (this.header) this.afterHeader(row.fields as string[]);
        lines?.push(this.line);
      }
      this.line += row.newlines + 1;
      pos = row.next;
    }
    this.carry = input.slice(pos);
    return rows;
  }

  /**
   * `parse` for text holding no quote and no CR: each line is a row (a
   * blank one is skipped), its cells cut at each delimiter. The next
   * delimiter found is kept until the cursor passes it, so a line without
   * delimiters (one column) does not search the rest of the text each time.
   */
  private parsePlain(input: string, final: boolean, lines?: number[]): C[][] {
    const rows: C[][] = [];
    const kinds = this.kinds;
    const delimiter = this.delimiterText;
    const n = input.length;
    let nextDelimiter = -1;
    let pos = 0;
    while (pos < n) {
      let lf = input.indexOf('\n', pos);
      if (lf < 0) {
        if (!final) break;
        lf = n;
      }
      if (lf > pos) {
        const fields: CsvCell[] = kinds === undefined ? [] : new Array<CsvCell>(kinds.length);
        let count = 0;
        for (let i = pos; ; ) {
          if (nextDelimiter < i) nextDelimiter = foundOrEnd(input.indexOf(delimiter, i), input);
          const j = nextDelimiter < lf ? nextDelimiter : lf;
          const kind = kinds === undefined ? TEXT : (kinds[count] ?? TEXT);
          fields[count++] = unquotedCell(input, i, j, kind);
          if (j === lf) break;
          i = j + 1;
        }
        if (fields.length !== count) fields.length = count;
        rows.push(fields as C[]);
        lines?.push(this.line);
      }
      this.line++;
      pos = lf + 1;
    }
    this.carry = pos < n ? input.slice(pos) : '';
    return rows;
  }

  /**
   * Parses one row from `pos`: its fields and the position after its line
   * break. Written as one loop with no object per field: it runs for every
   * cell of a file.
   */
  private parseRow(s: string, pos: number, final: boolean): RowEnd<C> {
    // A cell is a value only where cellKinds said so, which only a CsvParser<CsvCell> is given.
    const kinds = this.kinds;
    // Sized for the header's width up front: growing a row's array cell by cell reallocates it several times.
    const fields: CsvCell[] = kinds === undefined ? [] : new Array<CsvCell>(kinds.length);
    let count = 0;
    const n = s.length;
    const delimiter = this.delimiter;
    let quoted = false;
    let newlines = 0;
    let i = pos;
    for (;;) {
      if (s.charCodeAt(i) === QUOTE) {
        const q = this.parseQuoted(s, i, final, this.line + newlines);
        this.inQuote = q === 'incomplete';
        if (q === 'incomplete') return 'incomplete';
        fields[count++] = q.value;
        quoted = true;
        newlines += q.newlines;
        i = q.end;
      } else {
        const j = this.cellEnd(s, i);
        const kind = kinds === undefined ? TEXT : (kinds[count] ?? TEXT);
        fields[count++] = unquotedCell(s, i, j, kind);
        i = j;
      }
      // What follows a field: a delimiter (another field), a line break or the end of input (the row ends).
      if (i >= n) return final ? rowEnd(i, fields, count, quoted, newlines) : 'incomplete';
      const c = s.charCodeAt(i);
      if (c === delimiter) {
        // A delimiter at the very end of the input still opens an (empty) last field.
        if (i + 1 >= n && !final) return 'incomplete';
        i++;
        continue;
      }
      if (c === CR) {
        if (i + 1 >= n && !final) return 'incomplete';
        return rowEnd(s.charCodeAt(i + 1) === LF ? i + 2 : i + 1, fields, count, quoted, newlines);
      }
      if (c === LF) return rowEnd(i + 1, fields, count, quoted, newlines);
      throw this.malformed('unexpected character after a quoted field', this.line + newlines);
    }
  }

  /**
   * Where the unquoted cell from `i` ends: the next delimiter, line break or
   * the end of the text. Found by native searches, several times faster
   * than a loop over the characters; each search runs again only once the
   * cursor has passed what it found, so a file with no delimiters (one
   * column) or no CR is still read in linear time.
   */
  private cellEnd(s: string, i: number): number {
    if (this.nextDelimiter < i) this.nextDelimiter = foundOrEnd(s.indexOf(this.delimiterText, i), s);
    if (this.nextLf < i) this.nextLf = foundOrEnd(s.indexOf('\n', i), s);
    if (this.nextCr < i) this.nextCr = foundOrEnd(s.indexOf('\r', i), s);
    return Math.min(this.nextDelimiter, this.nextLf, this.nextCr);
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

/** A row's end, its cells cut to those it had (a short row leaves the rest of its sized array empty). */
function rowEnd<C>(next: number, fields: CsvCell[], count: number, quoted: boolean, newlines: number): RowEnd<C> {
  if (fields.length !== count) fields.length = count;
  return { next, fields: fields as C[], quoted, newlines };
}

/** The unquoted cell `s[i, j)` as its kind hands it out: text, '' for a skipped column, or a plain value (its text when not plainly one). */
function unquotedCell(s: string, i: number, j: number, kind: CellKind): CsvCell {
  return kind === TEXT ? s.slice(i, j) : kind === SKIP ? '' : (plainCell(s, i, j, kind) ?? s.slice(i, j));
}

function foundOrEnd(at: number, s: string): number {
  return at < 0 ? s.length : at;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
