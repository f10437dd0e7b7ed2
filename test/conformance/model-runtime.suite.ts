import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TetraError, sliceRows, type LoadedModel, type ModelRuntime, type Tensor } from '../../src/core/index.ts';

/** What the suite needs to exercise one runtime. */
export interface RuntimeCase {
  readonly runtime: ModelRuntime;
  readonly artifact: string;
  readonly options?: Readonly<Record<string, unknown>>;
  /** A feature matrix of several rows for the model's feature input. */
  readonly rows: Tensor<'float32' | 'float64'>;
}

/**
 * The contract every ModelRuntime keeps, whatever its format: it recognises
 * its own files, describes a signature that run() honours, answers batches
 * row for row as it answers single rows (the Batcher relies on it), handles
 * an empty batch, selects outputs, and refuses bad tensors with typed errors.
 */
export function modelRuntimeConformance(name: string, make: () => Promise<RuntimeCase>): void {
  let c: RuntimeCase;
  let model: LoadedModel;
  const input = (): string => model.description.featureInput ?? (model.signature.inputs[0]?.name as string);

  test(`${name}: loads, recognises its file and describes a signature`, async () => {
    c = await make();
    model = await c.runtime.load({ path: c.artifact }, c.options);
    assert.ok(model.signature.inputs.length > 0 && model.signature.outputs.length > 0);
    assert.equal(model.description.format, c.runtime.name);
    const { readFileSync } = await import('node:fs');
    const { basename } = await import('node:path');
    assert.ok(c.runtime.recognizes(basename(c.artifact), new Uint8Array(readFileSync(c.artifact).subarray(0, 4096))));
  });

  test(`${name}: outputs have the batch as first dimension and the declared dtype`, async () => {
    const out = await model.run({ [input()]: c.rows });
    const rows = c.rows.shape[0] as number;
    assert.ok(Object.keys(out).length > 0);
    for (const [key, t] of Object.entries(out)) {
      const spec = model.signature.outputs.find((o) => o.name === key);
      assert.ok(spec, `output ${key} is in the signature`);
      assert.equal(t.dtype, spec.dtype, `output ${key} dtype`);
      assert.equal(t.shape[0], rows, `output ${key} rows`);
      assert.equal(t.shape.length, spec.shape.length, `output ${key} rank`);
    }
  });

  test(`${name}: a batch gives each row what that row gives alone`, async () => {
    const together = await model.run({ [input()]: c.rows });
    const rows = c.rows.shape[0] as number;
    for (let r = 0; r < rows; r++) {
      const alone = await model.run({ [input()]: sliceRows(c.rows, r, r + 1) });
      for (const [key, t] of Object.entries(alone)) {
        assert.deepEqual(Array.from(sliceRows(together[key] as Tensor, r, r + 1).data as ArrayLike<unknown>), Array.from(t.data as ArrayLike<unknown>), `row ${r} output ${key}`);
      }
    }
  });

  test(`${name}: an empty batch gives empty outputs`, async () => {
    const width = c.rows.shape[1] as number;
    const empty = { dtype: c.rows.dtype, shape: [0, width], data: c.rows.dtype === 'float32' ? new Float32Array(0) : new Float64Array(0) } as Tensor;
    const out = await model.run({ [input()]: empty });
    for (const t of Object.values(out)) assert.equal(t.shape[0], 0);
  });

  test(`${name}: outputs can be selected`, async () => {
    const first = model.signature.outputs[0]?.name as string;
    const out = await model.run({ [input()]: c.rows }, { outputs: [first] });
    assert.deepEqual(Object.keys(out), [first]);
  });

  test(`${name}: bad tensors are refused with typed errors naming the tensor`, async () => {
    const width = c.rows.shape[1] as number;
    const is = (code: string) => (e: unknown): boolean => TetraError.is(e) && e.code === code && e.message.includes('"');
    await assert.rejects(model.run({ [input()]: { dtype: 'string', shape: [1, width], data: new Array(width).fill('x') } }), is('INPUT_TENSOR_DTYPE'));
    await assert.rejects(model.run({ [input()]: { dtype: c.rows.dtype, shape: [1, width + 1], data: new Float64Array(width + 1) } as Tensor }), is('INPUT_TENSOR_SHAPE'));
    await assert.rejects(model.run({ [input()]: c.rows, nonsense: c.rows }), is('INPUT_TENSOR_UNKNOWN'));
    await assert.rejects(model.run({}), is('INPUT_TENSOR_MISSING'));
  });

  test(`${name}: unloads`, async () => {
    await model.unload();
  });
}
