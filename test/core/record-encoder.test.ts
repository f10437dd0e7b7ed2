import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFeatures } from '../../src/core/codec/compile-features.ts';
import { RecordEncoder } from '../../src/core/codec/record-encoder.ts';
import { parseModelConfig } from '../../src/core/config/load-model-config.ts';
import { TetraError, type ErrorCode } from '../../src/core/errors/index.ts';

const yaml = `
inputs:
  - name: amount
    type: number
  - name: mcc
    type: category
    levels: ["5411", "5812", "7995"]
    unknown: missing
  - name: country
    type: category
    levels: [BR, US]
  - name: hour
    type: integer
    min: 0
    max: 23
  - name: is_foreign
    type: boolean
  - name: distance_km
    type: number
    required: false
  - name: device_changed
    type: boolean
    default: false
  - name: flag
    type: category
    levels: ["False", "True"]
`;
const config = parseModelConfig(yaml, 'model.yaml');
const encoder = new RecordEncoder(compileFeatures(config.inputs, undefined, false, 'model.yaml'), 'float32');
const good = { amount: 12.5, mcc: '5812', country: 'US', hour: 3, is_foreign: true, distance_km: 4, device_changed: false, flag: 'True' };

function rejects(record: Record<string, unknown>, code: ErrorCode, field: string): void {
  assert.throws(
    () => encoder.encode([good, record], 10),
    (e: unknown) => TetraError.is(e) && e.code === code && e.where.field === field && e.where.row === 11 && e.message.includes(`"${field}"`),
  );
}

test('records become one matrix in schema order with categories as codes', () => {
  const t = encoder.encode([good, { ...good, mcc: 7995, country: 'BR', is_foreign: 'FALSE', flag: true, amount: '3' }]);
  assert.deepEqual(t.shape, [2, 8]);
  assert.deepEqual([...t.data], [12.5, 1, 1, 3, 1, 4, 0, 1, 3, 2, 0, 3, 0, 4, 0, 1]);
});

test('booleans are accepted as true/false in any case and 1/0, for booleans, numbers and boolean categories', () => {
  const t = encoder.encode([{ ...good, amount: 'TRUE', is_foreign: 0, device_changed: 'True', flag: 'false' }, { ...good, amount: false, is_foreign: '1', flag: 1 }]);
  assert.deepEqual([t.data[0], t.data[4], t.data[6], t.data[7]], [1, 0, 1, 0]);
  assert.deepEqual([t.data[8], t.data[12], t.data[15]], [0, 1, 1]);
});

test('optional features become missing, defaults fill absent values', () => {
  const { distance_km: _d, device_changed: _c, ...rest } = good;
  const t = encoder.encode([rest, { ...good, distance_km: null, device_changed: '' }]);
  assert.ok(Number.isNaN(t.data[5]));
  assert.equal(t.data[6], 0);
  assert.ok(Number.isNaN(t.data[13]));
});

test('an unknown category follows the policy: missing for mcc, an error for country', () => {
  const t = encoder.encode([{ ...good, mcc: '0000' }]);
  assert.ok(Number.isNaN(t.data[1]));
  rejects({ ...good, country: 'XX' }, 'INPUT_UNKNOWN_CATEGORY', 'country');
});

test('bad values are typed errors naming the row and the field', () => {
  const { amount: _a, ...noAmount } = good;
  rejects(noAmount, 'INPUT_MISSING_FEATURE', 'amount');
  rejects({ ...good, amount: null }, 'INPUT_MISSING_FEATURE', 'amount');
  rejects({ ...good, amount: 'twelve' }, 'INPUT_WRONG_TYPE', 'amount');
  rejects({ ...good, amount: 'NaN' }, 'INPUT_NOT_FINITE', 'amount');
  rejects({ ...good, amount: '-Infinity' }, 'INPUT_NOT_FINITE', 'amount');
  rejects({ ...good, amount: Number.POSITIVE_INFINITY }, 'INPUT_NOT_FINITE', 'amount');
  rejects({ ...good, amount: [1] }, 'INPUT_WRONG_TYPE', 'amount');
  rejects({ ...good, hour: 2.5 }, 'INPUT_WRONG_TYPE', 'hour');
  rejects({ ...good, hour: 24 }, 'INPUT_WRONG_TYPE', 'hour');
  rejects({ ...good, is_foreign: 'yes' }, 'INPUT_WRONG_TYPE', 'is_foreign');
  rejects({ ...good, country: { code: 'US' } }, 'INPUT_WRONG_TYPE', 'country');
});

test('encodeLenient keeps good rows and reports the bad ones with their reasons', () => {
  const batch = encoder.encodeLenient([good, { ...good, hour: 'x' }, { ...good, amount: 7 }], 100);
  assert.deepEqual(batch.rows, [100, 102]);
  assert.equal(batch.rejected.length, 1);
  assert.equal(batch.rejected[0]?.row, 101);
  assert.equal(batch.rejected[0]?.error.code, 'INPUT_WRONG_TYPE');
  assert.deepEqual(batch.tensor.shape, [2, 8]);
  assert.equal(batch.tensor.data[8], 7);
});

test('a record that is not an object is refused', () => {
  assert.throws(() => encoder.encode([good, 5 as unknown as Record<string, unknown>]), (e: unknown) => TetraError.is(e) && e.code === 'INPUT_WRONG_TYPE' && e.where.row === 1);
});

test('model.yaml errors name the path of the bad field', () => {
  const check = (text: string, path: string, words: RegExp): void => {
    assert.throws(() => parseModelConfig(text, 'm/model.yaml'), (e: unknown) => TetraError.is(e) && e.code === 'CONFIG_INVALID' && e.where.path === path && words.test(e.message) && e.message.includes('m/model.yaml'));
  };
  check('inputs:\n  - name: a\n    type: number\n  - name: b\n    type: colour\n', 'inputs[1].type', /inputs\[1\]\.type/);
  check('inputs:\n  - name: a\n    type: number\n    colour: red\n', 'inputs[0].colour', /unknown key "colour"/);
  check('runtime: tensorflow\n', 'runtime', /runtime/);
  check('batching:\n  max_wait: soon\n', 'batching.max_wait', /duration/);
  check('surprise: 1\n', 'surprise', /unknown key "surprise"/);
  assert.throws(() => parseModelConfig('inputs: [\n', 'x.yaml'), (e: unknown) => TetraError.is(e) && e.code === 'CONFIG_INVALID' && /not valid YAML/.test(e.message));
});

test('a default that does not fit its feature fails at load with its path', () => {
  const c = parseModelConfig('inputs:\n  - name: hour\n    type: integer\n    default: 1.5\n', 'model.yaml');
  assert.throws(() => compileFeatures(c.inputs, undefined, false, 'model.yaml'), (e: unknown) => TetraError.is(e) && e.code === 'CONFIG_INVALID' && e.where.path === 'inputs[0].default');
});

test('inputs must agree with the features named in the model file', () => {
  const c = parseModelConfig('inputs:\n  - name: a\n    type: number\n  - name: b\n    type: number\n', 'model.yaml');
  const file = [{ name: 'a', kind: 'number' as const }, { name: 'c', kind: 'number' as const }];
  assert.throws(() => compileFeatures(c.inputs, file, true, 'model.yaml'), (e: unknown) => TetraError.is(e) && e.where.path === 'inputs[1].name');
  assert.throws(() => compileFeatures(c.inputs, file.slice(0, 1), true, 'model.yaml'), (e: unknown) => TetraError.is(e) && /lists 2 features but the model takes 1/.test((e as Error).message));
});

test('NA and blank text are missing values, except where NA is a category level', () => {
  const c = parseModelConfig('inputs:\n  - name: x\n    type: number\n    required: false\n  - name: country\n    type: category\n    levels: [BR, NA]\n', 'model.yaml');
  const enc = new RecordEncoder(compileFeatures(c.inputs, undefined, false, 'model.yaml'), 'float64');
  const t = enc.encode([{ x: 'NA', country: 'NA' }, { x: '  ', country: 'BR' }]);
  assert.ok(Number.isNaN(t.data[0]));
  assert.equal(t.data[1], 1);
  assert.ok(Number.isNaN(t.data[2]));
  rejects({ ...good, amount: 'NA' }, 'INPUT_MISSING_FEATURE', 'amount');
});

test('only decimal numbers are numbers; values beyond float32 are refused for float32 models', () => {
  rejects({ ...good, amount: '0x1F' }, 'INPUT_WRONG_TYPE', 'amount');
  // White space of any kind before a prefixed integer does not hide it.
  for (const space of [' ', '\u00a0', '\ufeff', '\u2028', '\u3000']) {
    for (const text of ['0x1F', '0b11', '0o7']) rejects({ ...good, amount: `${space}${text}` }, 'INPUT_WRONG_TYPE', 'amount');
  }
  assert.equal(encoder.encode([{ ...good, amount: '\u00a0 12.5 \u00a0' }]).data[0], 12.5);
  rejects({ ...good, amount: '1_000' }, 'INPUT_WRONG_TYPE', 'amount');
  rejects({ ...good, amount: 1e39 }, 'INPUT_NOT_FINITE', 'amount');
  rejects({ ...good, amount: '-1e39' }, 'INPUT_NOT_FINITE', 'amount');
  assert.equal(encoder.encode([{ ...good, amount: '-1.5e3' }]).data[0], -1500);
  assert.equal(encoder.encode([{ ...good, amount: '.5' }]).data[0], 0.5);
});

test('features named like Object.prototype members are read from the record only', () => {
  const c = parseModelConfig('inputs:\n  - name: constructor\n    type: number\n    required: false\n  - name: toString\n    type: number\n    default: 3\n', 'model.yaml');
  const enc = new RecordEncoder(compileFeatures(c.inputs, undefined, false, 'model.yaml'), 'float64');
  const t = enc.encode([{}]);
  assert.ok(Number.isNaN(t.data[0]));
  assert.equal(t.data[1], 3);
});

test('an unknown category with policy missing takes the declared default when there is one', () => {
  const c = parseModelConfig('inputs:\n  - name: mcc\n    type: category\n    levels: ["1", "2"]\n    unknown: missing\n    default: "2"\n', 'model.yaml');
  const enc = new RecordEncoder(compileFeatures(c.inputs, undefined, false, 'model.yaml'), 'float64');
  assert.equal(enc.encode([{ mcc: '9' }]).data[0], 1);
});

test('model.yaml contradictions are refused with their paths', () => {
  const check = (text: string, path: string, words: RegExp): void => {
    assert.throws(() => parseModelConfig(text, 'model.yaml'), (e: unknown) => TetraError.is(e) && e.where.path === path && words.test(e.message), text);
  };
  check('inputs:\n  - name: a\n    type: number\n  - name: a\n    type: integer\n', 'inputs[1].name', /already declared at inputs\[0\]/);
  check('inputs:\n  - name: c\n    type: category\n    levels: [x, y, x]\n', 'inputs[0].levels', /distinct/);
  check('inputs:\n  - name: n\n    type: number\n    min: 5\n    max: 1\n', 'inputs[0].min', /min is greater than max/);
  check('inputs:\n  - name: n\n    type: number\n    required: true\n    default: 1\n', 'inputs[0].default', /cannot have a default/);
  check('batching:\n  timeout: 0ms\n', 'batching.timeout', /longer than 0/);
  check('version_policy: newest\n', 'version_policy', /"latest", \{latest: N\}/);
});

test('a key holding undefined is a missing value; a key not there is an absent one', () => {
  const c = parseModelConfig('inputs:\n  - name: a\n    type: number\n  - name: b\n    type: number\n', 'model.yaml');
  const enc = new RecordEncoder(compileFeatures(c.inputs, undefined, false, 'model.yaml'), 'float64');
  assert.throws(() => enc.encode([{ a: 1 }]), /row 0: required feature "b" is missing/);
  assert.throws(() => enc.encode([{ a: 1, b: undefined }]), /row 0: feature "b" has no value and is required/);
});

test('a feature named __proto__ is read from the record\'s own key only', () => {
  const c = parseModelConfig('inputs:\n  - name: __proto__\n    type: number\n    default: 9\n', 'model.yaml');
  const enc = new RecordEncoder(compileFeatures(c.inputs, undefined, false, 'model.yaml'), 'float64');
  assert.deepEqual([...enc.encode([JSON.parse('{"__proto__": 5}') as Record<string, unknown>, {}]).data], [5, 9]);
});

test('many features with names that look like code are each read from their own key, in order', () => {
  const names = Array.from({ length: 150 }, (_, i) => (i % 3 === 0 ? `f"${i}\\n}); throw 1; //` : i % 3 === 1 ? `x-${i} y` : `\u00e9${i}`));
  const features = compileFeatures(names.map((name) => ({ name, type: 'number' as const })), undefined, false, 'model.yaml');
  const enc = new RecordEncoder(features, 'float32');
  const record = Object.fromEntries(names.map((name, i) => [name, i * 2]));
  assert.deepEqual([...enc.encode([record, { ...record, [names[149] as string]: '7' }]).data], [...names.map((_, i) => i * 2), ...names.map((_, i) => (i === 149 ? 7 : i * 2))]);
  assert.throws(() => enc.encode([{ ...record, [names[100] as string]: 'x' }]), (e: unknown) => TetraError.is(e) && e.where.field === names[100]);
  assert.throws(() => enc.encode([{ ...record, [names[70] as string]: 1e39 }]), (e: unknown) => TetraError.is(e) && e.code === 'INPUT_NOT_FINITE' && e.where.field === names[70]);
});

test('numbers and booleans given as values keep every bound: min and max inclusive, whole integers, finite, within float32', () => {
  for (const hour of [0, 23, -0]) assert.equal(encoder.encode([{ ...good, hour }]).data[3], hour);
  rejects({ ...good, hour: -1 }, 'INPUT_WRONG_TYPE', 'hour');
  rejects({ ...good, hour: 23.000001 }, 'INPUT_WRONG_TYPE', 'hour');
  rejects({ ...good, amount: Number.NaN }, 'INPUT_NOT_FINITE', 'amount');
  rejects({ ...good, amount: Number.NEGATIVE_INFINITY }, 'INPUT_NOT_FINITE', 'amount');
  rejects({ ...good, amount: -3.5e38 }, 'INPUT_NOT_FINITE', 'amount');
  assert.equal(encoder.encode([{ ...good, amount: 3.4e38 }]).data[0], Math.fround(3.4e38));
  assert.deepEqual([...encoder.encode([{ ...good, is_foreign: false, device_changed: true }]).data.slice(4, 7)], [0, 4, 1]);
  // A float64 model takes what float32 cannot hold.
  const wide = new RecordEncoder(compileFeatures(config.inputs, undefined, false, 'model.yaml'), 'float64');
  assert.equal(wide.encode([{ ...good, amount: 1e300 }]).data[0], 1e300);
  assert.throws(() => wide.encode([{ ...good, amount: Number.POSITIVE_INFINITY }]), (e: unknown) => TetraError.is(e) && e.code === 'INPUT_NOT_FINITE');
});
