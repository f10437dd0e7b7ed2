import { DocumentSyntaxError, MAX_NESTING } from './document-error.ts';

/**
 * Parses JSON, also accepting the bare `NaN`, `Infinity` and `-Infinity`
 * tokens older XGBoost releases wrote for non-finite floats (JSON.parse
 * rejects them). Errors carry the character offset of the problem.
 *
 * The strict native parser is tried first because it is several times
 * faster; this reader only runs when that fails, either to accept the
 * extra tokens or to say where the text is broken.
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return parseJsonTolerant(text);
  }
}

export function parseJsonTolerant(text: string): unknown {
  const reader = new TolerantReader(text);
  reader.skipSpace();
  const value = reader.value(0);
  reader.skipSpace();
  if (reader.pos < text.length) reader.fail('unexpected text after the JSON value');
  return value;
}

const NUMBER_SYNTAX = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class TolerantReader {
  pos = 0;

  constructor(private readonly text: string) {}

  fail(message: string, at = this.pos): never {
    const where = at >= this.text.length ? 'end of text (truncated?)' : `offset ${at}`;
    throw new DocumentSyntaxError(`invalid JSON at ${where}: ${message}`, at);
  }

  skipSpace(): void {
    const t = this.text;
    let p = this.pos;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 32 || c === 10 || c === 13 || c === 9) p++;
      else break;
    }
    this.pos = p;
  }

  value(depth: number): unknown {
    if (depth > MAX_NESTING) this.fail(`nesting deeper than ${MAX_NESTING} levels`);
    const c = this.text[this.pos];
    switch (c) {
      case '{': return this.object(depth);
      case '[': return this.array(depth);
      case '"': return this.string();
      case 't': return this.word('true', true);
      case 'f': return this.word('false', false);
      case 'n': return this.word('null', null);
      case 'N': return this.word('NaN', Number.NaN);
      case 'I': return this.word('Infinity', Number.POSITIVE_INFINITY);
      case undefined: return this.fail('a value was expected');
      default:
        if (c === '-' && this.text.startsWith('-Infinity', this.pos)) return this.word('-Infinity', Number.NEGATIVE_INFINITY);
        return this.number(depth > 0);
    }
  }

  private word<T>(word: string, result: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail(`unexpected token, expected ${word}`);
    this.pos += word.length;
    return result;
  }

  /** Inside a container, a number running into the end of the text means the file was cut off. */
  private number(nested: boolean): number {
    const t = this.text;
    const start = this.pos;
    let end = start;
    for (;;) {
      const c = t.charCodeAt(end);
      // digits, '+', '-', '.', 'e', 'E'
      if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c === 101 || c === 69) end++;
      else break;
    }
    if (nested && end >= t.length) this.fail('the text ends inside a number', end);
    const token = t.slice(start, end);
    const n = token === '' ? Number.NaN : Number(token);
    if (Number.isNaN(n) || !NUMBER_SYNTAX.test(token)) {
      this.fail(token === '' ? `unexpected character ${JSON.stringify(this.text[start])}` : `malformed number ${JSON.stringify(token)}`, start);
    }
    this.pos = end;
    return n;
  }

  private string(): string {
    const t = this.text;
    const start = ++this.pos;
    let p = start;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 34) break;
      if (c === 92 || Number.isNaN(c) || c < 32) return this.slowString(start);
      p++;
    }
    this.pos = p + 1;
    return t.slice(start, p);
  }

  private slowString(start: number): string {
    const t = this.text;
    let out = '';
    let p = start;
    for (;;) {
      if (p >= t.length) this.fail('unterminated string', p);
      const ch = t[p] as string;
      if (ch === '"') break;
      if (ch.charCodeAt(0) < 32) this.fail('control character in string', p);
      if (ch !== '\\') {
        out += ch;
        p++;
        continue;
      }
      const esc = t[p + 1];
      if (esc === 'u') {
        const hex = t.slice(p + 2, p + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape', p);
        out += String.fromCharCode(parseInt(hex, 16));
        p += 6;
      } else {
        const mapped = esc === undefined ? undefined : ESCAPES[esc];
        if (mapped === undefined) this.fail('bad escape in string', p);
        out += mapped;
        p += 2;
      }
    }
    this.pos = p + 1;
    return out;
  }

  private array(depth: number): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      out.push(this.value(depth + 1));
      this.skipSpace();
      const c = this.text[this.pos];
      this.pos++;
      if (c === ']') return out;
      if (c !== ',') this.fail('expected , or ] in array', this.pos - 1);
    }
  }

  private object(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail('expected a quoted key in object');
      const key = this.string();
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail('expected : after object key');
      this.pos++;
      this.skipSpace();
      const value = this.value(depth + 1);
      // A plain assignment of "__proto__" would replace the prototype instead of adding a key.
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
      this.skipSpace();
      const c = this.text[this.pos];
      this.pos++;
      if (c === '}') return out;
      if (c !== ',') this.fail('expected , or } in object', this.pos - 1);
    }
  }
}
