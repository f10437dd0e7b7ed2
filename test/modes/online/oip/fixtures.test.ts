import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ModelSignature, TensorMap } from '../../../../src/core/index.ts';
import { decodeInferRequest, encodeInferResponse, modelMetadata, serverMetadata } from '../../../../src/modes/online/oip/index.ts';
import { fixture } from '../../../helpers/fixtures.ts';
import { expectTetraError, parseResponse } from './oip-test-helpers.ts';

const DIR = fixture('v2-open-inference-protocol');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return jsonFiles(path);
    return e.name.endsWith('.json') ? [relative(DIR, path)] : [];
  });
}

const INT32_1x3 = { dtype: 'int32', shape: [1, 3], data: Int32Array.from([1, 2, 3]) };
const IRIS = { dtype: 'float32', shape: [2, 4], data: Float32Array.from([6.8, 2.8, 4.8, 1.4, 6.0, 3.4, 4.5, 1.6]) };

/** What each request fixture decodes to: its inputs, requested outputs and parameters. */
const EXPECTED: Record<string, { inputs: TensorMap; outputs?: { name: string; binary: boolean }[]; parameters?: Record<string, unknown> }> = {
  'mlserver/inference-request.json': { inputs: { 'input-0': INT32_1x3 } as TensorMap },
  'mlserver/inference-request-with-output.json': {
    inputs: { 'input-0': INT32_1x3 } as TensorMap,
    outputs: [{ name: 'requested-output-0', binary: false }],
  },
  'mlserver/runtime-lightgbm-inference-request.json': {
    inputs: { 'input-0': INT32_1x3 } as TensorMap,
    outputs: [{ name: 'predict', binary: false }, { name: 'predict_proba', binary: false }],
  },
  'mlserver/runtime-sklearn-inference-request.json': {
    inputs: { 'input-0': { dtype: 'int32', shape: [3], data: Int32Array.from([1, 2, 3]) } } as TensorMap,
    outputs: [{ name: 'predict', binary: false }, { name: 'predict_proba', binary: false }],
  },
  'mlserver/runtime-xgboost-inference-request.json': { inputs: { 'input-0': INT32_1x3 } as TensorMap },
  'kserve-e2e/iris_input_v2.json': { inputs: { 'input-0': IRIS } as TensorMap },
  // The "binary" e2e requests carry JSON inputs and ask for the output in the binary section.
  'kserve-e2e/iris_input_v2_binary.json': {
    inputs: { 'input-0': IRIS } as TensorMap,
    outputs: [{ name: 'output-0', binary: true }],
  },
  'kserve-e2e/iris_input_v2_all_binary.json': {
    inputs: { 'input-0': IRIS } as TensorMap,
    parameters: { binary_data_output: true },
  },
};

const INVALID = 'mlserver/inference-request-invalid-datatype.json';

/** Request fixtures carry input tensors with data (model metadata lists inputs without data). */
function requestFixtures(): string[] {
  return jsonFiles(DIR).filter((f) => {
    const json = JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { inputs?: unknown };
    return Array.isArray(json.inputs) && json.inputs.some((i) => typeof i === 'object' && i !== null && 'data' in i);
  }).sort();
}

test('every request fixture is covered by this suite', () => {
  const covered = [...Object.keys(EXPECTED), INVALID].sort();
  assert.deepEqual(requestFixtures(), covered);
});

for (const [file, expected] of Object.entries(EXPECTED)) {
  test(`request fixture ${file} decodes to the right tensors`, () => {
    const decoded = decodeInferRequest(readFileSync(join(DIR, file)));
    assert.deepEqual(decoded.inputs, expected.inputs);
    assert.deepEqual(decoded.outputs?.map(({ name, binary }) => ({ name, binary })), expected.outputs);
    assert.deepEqual(decoded.parameters, expected.parameters ?? {});
    assert.deepEqual(decoded.inputParameters, Object.fromEntries(Object.keys(expected.inputs).map((n) => [n, {}])));
  });
}

test(`request fixture ${INVALID} fails with INPUT_TENSOR_DTYPE naming the tensor`, () => {
  const e = expectTetraError(() => decodeInferRequest(readFileSync(join(DIR, INVALID))), 'INPUT_TENSOR_DTYPE');
  assert.equal(e.where.field, 'input-0');
  assert.equal(e.where.path, 'inputs[0].datatype');
  assert.match(e.message, /input-0/);
  assert.match(e.message, /INT322/);
});

test('the all-binary e2e request gets its outputs in the binary section', () => {
  const decoded = decodeInferRequest(readFileSync(join(DIR, 'kserve-e2e/iris_input_v2_all_binary.json')));
  const outputs = { 'output-0': { dtype: 'int64', shape: [2], data: BigInt64Array.from([1n, 1n]) } } as TensorMap;
  const encoded = encodeInferResponse({ modelName: 'sklearn', outputs, binaryDefault: decoded.parameters.binary_data_output as boolean });
  const parsed = parseResponse(encoded.body, encoded.headers);
  assert.deepEqual(parsed.outputs.map((o) => [o.name, o.binary, o.values]), [['output-0', true, [1n, 1n]]]);
});

test('the mlserver response fixture is what the encoder writes for the same outputs', () => {
  const want = JSON.parse(readFileSync(join(DIR, 'mlserver/inference-response.json'), 'utf8')) as unknown;
  const encoded = encodeInferResponse({
    modelName: 'sum-model',
    id: '123',
    outputs: { 'output-0': { dtype: 'float32', shape: [1], data: Float32Array.from([21]) } },
  });
  assert.equal(encoded.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(encoded.body.toString('utf8')), want);
});

test('the mlserver metadata fixtures are what the metadata builders write', () => {
  const signature: ModelSignature = {
    inputs: [{ name: 'input-0', dtype: 'float32', shape: [128] }],
    outputs: [{ name: 'output-0', dtype: 'float32', shape: [1] }],
  };
  const model = modelMetadata({ name: 'sum-model', versions: ['sum-model/v1.2.3'], platform: 'mlserver', signature });
  assert.deepEqual(model, JSON.parse(readFileSync(join(DIR, 'mlserver/metadata-model-response.json'), 'utf8')));
  const server = serverMetadata({ name: 'mlserver', version: 'v0.1.0', extensions: ['metrics'] });
  assert.deepEqual(server, JSON.parse(readFileSync(join(DIR, 'mlserver/metadata-server-response.json'), 'utf8')));
});
