import { TetraError } from '../errors/index.ts';
import type { FeatureSpec } from './feature-spec.ts';
import { MISSING, encodeValue } from './parse-value.ts';
import type { InputRecord } from './record-encoder.ts';

/** Writes one record's features into a matrix row at `offset`; a bad value throws naming its row and field. */
export type RowEncoder = (record: InputRecord, row: number, out: Float32Array | Float64Array, offset: number) => void;

/**
 * The encoder of one feature list, written out as code: each feature is
 * read by its name as a literal (`record["amount"]`), which V8 turns into a
 * load cached for the records' hidden class, where reading by a name held
 * in a variable goes through a generic lookup for every cell.
 *
 * A key the record has but holds `undefined` is missing; a key it does not
 * have is absent. Only an undefined read asks which. Names that
 * Object.prototype answers to (`constructor`, `__proto__`, ...) are asked
 * first, so an inherited value is never taken for the record's own.
 */
export function compileRowEncoder(features: readonly FeatureSpec[], dtype: 'float32' | 'float64'): RowEncoder {
  const blocks: RowEncoder[] = [];
  for (let first = 0; first < features.length; first += BLOCK_FEATURES) blocks.push(compileBlock(features, first, Math.min(features.length, first + BLOCK_FEATURES), dtype));
  if (blocks.length === 1) return blocks[0] as RowEncoder;
  return (record, row, out, offset) => {
    for (let b = 0; b < blocks.length; b++) (blocks[b] as RowEncoder)(record, row, out, offset);
  };
}

/** Features per compiled function: a function for thousands of features would be too large for V8 to optimize. */
const BLOCK_FEATURES = 64;

function compileBlock(features: readonly FeatureSpec[], first: number, end: number, dtype: 'float32' | 'float64'): RowEncoder {
  const body: string[] = [];
  for (let f = first; f < end; f++) {
    const name = JSON.stringify((features[f] as FeatureSpec).name);
    const read = (features[f] as FeatureSpec).name in Object.prototype
      ? `v = hasOwn(r, ${name}) ? r[${name}] : ABSENT;`
      : `v = r[${name}]; if (v === undefined && !hasOwn(r, ${name})) v = ABSENT;`;
    const encoded = `v === ABSENT ? absent(specs[${f}], row) : present(specs[${f}], v, row)`;
    // A float32 matrix cannot hold every double: a larger finite value fails rather than become Infinity.
    const checked = `out[offset + ${f}] = ${dtype === 'float32' ? `inFloat32(specs[${f}], ${encoded}, row)` : encoded};`;
    const plain = plainTest(features[f] as FeatureSpec, dtype);
    body.push(`${read}\n${plain ? `if (${plain.test}) out[offset + ${f}] = ${plain.value};\nelse ${checked}` : checked}`);
  }
  const make = new Function('specs', 'hasOwn', 'ABSENT', 'absent', 'present', 'inFloat32', `return function encodeRow(r, row, out, offset) {\nlet v;\n${body.join('\n')}\n};`);
  return make(features, Object.hasOwn, ABSENT, absent, present, inFloat32) as RowEncoder;
}

/**
 * The test for a value the checked path would take as it is, and what it
 * becomes: a number in range for a number feature (a whole one for an
 * integer), a boolean for a boolean feature. Most values of a dataset are
 * so, and this spares them the calls of the checked path; any other value
 * (text, null, NaN, out of range) takes it, with its errors.
 */
function plainTest(spec: FeatureSpec, dtype: 'float32' | 'float64'): { test: string; value: string } | undefined {
  if (spec.kind === 'boolean') return { test: `typeof v === 'boolean'`, value: 'v ? 1 : 0' };
  if (spec.kind !== 'number' && spec.kind !== 'integer') return undefined;
  // One range holds the feature's bounds and what the matrix holds; NaN and the infinities fall outside it.
  const limit = dtype === 'float32' ? FLOAT32_MAX : Number.MAX_VALUE;
  const low = Math.max(spec.min ?? -limit, -limit);
  const high = Math.min(spec.max ?? limit, limit);
  const whole = spec.kind === 'integer' ? ' && Number.isInteger(v)' : '';
  return { test: `typeof v === 'number' && v >= ${literal(low)} && v <= ${literal(high)}${whole}`, value: 'v' };
}

/** A number as code that reads back as exactly it (min and max come from configuration). */
function literal(n: number): string {
  return Number.isFinite(n) ? `(${String(n)})` : String(n);
}

const ABSENT = Symbol('absent');

function present(spec: FeatureSpec, value: unknown, row: number): number {
  const encoded = encodeValue(spec, value, row);
  return encoded === MISSING ? missing(spec, row) : encoded;
}

function inFloat32(spec: FeatureSpec, encoded: number, row: number): number {
  if (Math.abs(encoded) > FLOAT32_MAX && Number.isFinite(encoded)) {
    throw new TetraError('INPUT_NOT_FINITE', `row ${row}: feature "${spec.name}" is ${encoded}, beyond the float32 range the model computes in`, { row, field: spec.name });
  }
  return encoded;
}

const FLOAT32_MAX = 3.4028234663852886e38;

function absent(spec: FeatureSpec, row: number): number {
  if (spec.defaultValue !== undefined) return spec.defaultValue;
  if (!spec.required) return Number.NaN;
  throw new TetraError('INPUT_MISSING_FEATURE', `row ${row}: required feature "${spec.name}" is missing`, { row, field: spec.name });
}

function missing(spec: FeatureSpec, row: number): number {
  if (spec.defaultValue !== undefined) return spec.defaultValue;
  if (spec.nullable) return Number.NaN;
  throw new TetraError('INPUT_MISSING_FEATURE', `row ${row}: feature "${spec.name}" has no value and is required`, { row, field: spec.name });
}
