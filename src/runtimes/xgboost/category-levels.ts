import { ModelFieldError } from './document-error.ts';
import { arrayAt, type Doc, isObject, toNumbers } from './doc-access.ts';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the category names XGBoost 3 stores with a model trained on a
 * dataframe (`cats.enc`): one entry per feature, a string column as UTF-8
 * bytes plus offsets (Arrow layout), a numeric column as its values, an
 * empty entry for a non-categorical feature. A category's code is its
 * index in that list. Returns undefined per feature without names.
 */
export function readCategoryLevels(cats: unknown, path: string, numFeature: number): (string[] | undefined)[] {
  const none = new Array<string[] | undefined>(numFeature).fill(undefined);
  if (cats === undefined) return none;
  if (!isObject(cats)) throw new ModelFieldError(path, 'expected an object');
  const enc = arrayAt(cats, 'enc', path);
  if (enc.length === 0) return none;
  if (enc.length !== numFeature) throw new ModelFieldError(`${path}.enc`, `has ${enc.length} columns but the model has ${numFeature} features`);
  return Array.from({ length: numFeature }, (_, f) => readColumn(enc[f], `${path}.enc[${f}]`));
}

function readColumn(column: unknown, path: string): string[] | undefined {
  if (!isObject(column)) throw new ModelFieldError(path, 'expected an object');
  const levels = column.offsets === undefined ? numericLevels(column, path) : stringLevels(column, path);
  return levels.length === 0 ? undefined : levels;
}

function stringLevels(column: Doc, path: string): string[] {
  const offsets = toNumbers(column.offsets, `${path}.offsets`);
  const values = toNumbers(column.values, `${path}.values`);
  // Names are stored as signed bytes; reinterpret them as UTF-8 code units.
  const bytes = Uint8Array.from(values, (b) => b & 0xff);
  const out: string[] = [];
  for (let i = 0; i + 1 < offsets.length; i++) {
    const start = offsets[i] as number;
    const end = offsets[i + 1] as number;
    if (!(start >= 0 && start <= end && end <= bytes.length)) {
      throw new ModelFieldError(`${path}.offsets[${i}]`, `slice [${start}, ${end}) is outside the ${bytes.length} name bytes`);
    }
    try {
      out.push(UTF8.decode(bytes.subarray(start, end)));
    } catch {
      throw new ModelFieldError(`${path}.values`, `category ${i} is not valid UTF-8`);
    }
  }
  return out;
}

function numericLevels(column: Doc, path: string): string[] {
  const values = toNumbers(column.values ?? [], `${path}.values`);
  return Array.from(values, (v) => String(v));
}
