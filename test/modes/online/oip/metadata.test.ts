import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelSignature } from '../../../../src/core/index.ts';
import { modelMetadata, platformOf, serverMetadata } from '../../../../src/modes/online/oip/index.ts';

const SIGNATURE: ModelSignature = {
  inputs: [{ name: 'features', dtype: 'float32', shape: [-1, 30] }, { name: 'ids', dtype: 'int64', shape: [-1] }],
  outputs: [{ name: 'label', dtype: 'string', shape: [-1] }, { name: 'probabilities', dtype: 'float64', shape: [-1, 2] }],
};

test('model metadata lists OIP datatypes and shapes with -1 for the batch dimension', () => {
  assert.deepEqual(modelMetadata({ name: 'fraud', versions: ['1', '2'], platform: platformOf('xgboost'), signature: SIGNATURE }), {
    name: 'fraud',
    versions: ['1', '2'],
    platform: 'xgboost_json',
    inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 30] }, { name: 'ids', datatype: 'INT64', shape: [-1] }],
    outputs: [{ name: 'label', datatype: 'BYTES', shape: [-1] }, { name: 'probabilities', datatype: 'FP64', shape: [-1, 2] }],
  });
});

test('model metadata leaves versions out when the model has none to offer', () => {
  const m = modelMetadata({ name: 'f', platform: 'js', signature: SIGNATURE });
  assert.equal('versions' in m, false);
});

test('each runtime has a platform name', () => {
  assert.deepEqual(
    (['onnx', 'xgboost', 'lightgbm', 'js'] as const).map(platformOf),
    ['onnxruntime_onnx', 'xgboost_json', 'lightgbm_text', 'js'],
  );
});

test('server metadata announces the binary tensor data extension unless told otherwise', () => {
  assert.deepEqual(serverMetadata({ name: 'tetra', version: '0.1.0' }), { name: 'tetra', version: '0.1.0', extensions: ['binary_tensor_data'] });
  assert.deepEqual(serverMetadata({ name: 'tetra', version: '0.1.0', extensions: [] }).extensions, []);
});
