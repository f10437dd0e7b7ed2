import { corruptFile, type FieldRef } from './model-error.ts';

/** A `key=value` line and where it was. */
export interface KeyValue {
  readonly value: string;
  readonly line: number;
}

/** The lines between `Tree=N` and the blank line that ends the block. */
export interface TreeBlock {
  readonly index: number;
  /** 1-based line of `Tree=N`. */
  readonly line: number;
  readonly keys: ReadonlyMap<string, KeyValue>;
}

/** The sections of a LightGBM text model, not yet interpreted. */
export interface ModelText {
  readonly file: string;
  readonly header: ReadonlyMap<string, KeyValue>;
  readonly trees: readonly TreeBlock[];
  /** `[name: value]` lines of the parameters section. */
  readonly parameters: ReadonlyMap<string, string>;
  readonly pandasCategorical?: KeyValue;
}

const END_OF_TREES = 'end of trees';
const TRAILER_STARTS = [END_OF_TREES, 'feature importances:', 'parameters:', 'pandas_categorical:'];

/** A reference to a header key, for error messages. */
export function headerRef(text: ModelText, key: string): FieldRef {
  return { file: text.file, line: text.header.get(key)?.line ?? 1, what: `header key ${key}` };
}

/** Splits model text into header, tree blocks and trailer. Throws MODEL_FILE_CORRUPT naming the line. */
export function splitModelText(file: string, text: string): ModelText {
  const lines = text.split('\n');
  if (lines[0]?.trim() !== 'tree') {
    throw corruptFile(file, 'not a LightGBM text model: the first line is not "tree"', 1);
  }
  const header = new Map<string, KeyValue>();
  let i = readKeyValues(file, lines, 1, header, isSectionStart, true);
  const trees: TreeBlock[] = [];
  while (i < lines.length && lines[i]!.startsWith('Tree=')) {
    const block = readTree(file, lines, i, trees.length);
    trees.push(block.tree);
    i = block.next;
  }
  checkTreesEnd(file, lines, i, trees);
  const trailer = readTrailer(lines, i);
  return { file, header, trees, ...trailer };
}

/**
 * The tree section must end with "end of trees" or, in files whose writer
 * dropped that marker, with the feature importances or parameters that
 * follow it. Ending anywhere else means the file was cut inside a tree.
 */
function checkTreesEnd(file: string, lines: string[], i: number, trees: readonly TreeBlock[]): void {
  const line = i < lines.length ? clean(lines[i]!) : undefined;
  if (line !== undefined && TRAILER_STARTS.some((start) => line.startsWith(start))) return;
  const last = trees[trees.length - 1];
  const where = last ? `tree ${last.index} (from line ${last.line})` : 'the header';
  if (line === undefined || line.trim() === '') {
    throw corruptFile(file, `the file stops in ${where}, before "${END_OF_TREES}" (truncated?)`, lines.length);
  }
  throw corruptFile(file, `unexpected line "${line.slice(0, 60)}" after ${where}`, i + 1);
}

function isSectionStart(line: string): boolean {
  return line.startsWith('Tree=') || TRAILER_STARTS.some((start) => line.startsWith(start));
}

function clean(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/**
 * Reads `key=value` lines from `start` until `stop(line)` or, when
 * `skipBlank` is false, a blank line. Bare words (`average_output`) get an
 * empty value. Returns the index of the line that stopped the read.
 */
function readKeyValues(file: string, lines: string[], start: number, into: Map<string, KeyValue>, stop: (line: string) => boolean, skipBlank: boolean): number {
  let i = start;
  for (; i < lines.length; i++) {
    const line = clean(lines[i]!);
    if (stop(line)) break;
    if (line.trim() === '') {
      if (skipBlank) continue;
      break;
    }
    const eq = line.indexOf('=');
    const key = eq < 0 ? line.trim() : line.slice(0, eq);
    if (key === '' || /\s/.test(key)) throw corruptFile(file, `"${line.slice(0, 60)}" is not a key=value line`, i + 1);
    if (into.has(key)) throw corruptFile(file, `key ${key} appears twice (first on line ${into.get(key)!.line})`, i + 1);
    into.set(key, { value: eq < 0 ? '' : line.slice(eq + 1), line: i + 1 });
  }
  return i;
}

function readTree(file: string, lines: string[], at: number, expectedIndex: number): { tree: TreeBlock; next: number } {
  const title = clean(lines[at]!);
  const index = Number(title.slice('Tree='.length));
  if (!Number.isInteger(index) || index !== expectedIndex) {
    throw corruptFile(file, `"${title}" where Tree=${expectedIndex} was expected`, at + 1);
  }
  const keys = new Map<string, KeyValue>();
  let next = readKeyValues(file, lines, at + 1, keys, isSectionStart, false);
  while (next < lines.length && clean(lines[next]!).trim() === '') next++;
  return { tree: { index, line: at + 1, keys }, next };
}

function readTrailer(lines: string[], start: number): { parameters: Map<string, string>; pandasCategorical?: KeyValue } {
  const parameters = new Map<string, string>();
  let pandasCategorical: KeyValue | undefined;
  for (let i = start; i < lines.length; i++) {
    const line = clean(lines[i]!);
    if (line.startsWith('[') && line.endsWith(']')) {
      const colon = line.indexOf(':');
      if (colon > 0) parameters.set(line.slice(1, colon), line.slice(colon + 1, -1).trim());
    } else if (line.startsWith('pandas_categorical:')) {
      pandasCategorical = { value: line.slice('pandas_categorical:'.length), line: i + 1 };
    }
  }
  return pandasCategorical ? { parameters, pandasCategorical } : { parameters };
}
