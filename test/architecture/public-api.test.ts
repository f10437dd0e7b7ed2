import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tetra from '../../src/index.ts';

test('the package root exports what an embedding application wires: repository, service, telemetry, runtimes, readers', () => {
  for (const name of ['ModelRepository', 'InferenceService', 'Telemetry', 'HotCounter', 'HotHistogram', 'TetraError', 'allRuntimes', 'xgboostRuntime', 'onnxRuntime', 'csvRecords', 'jsonlRecords']) {
    assert.notEqual((tetra as Record<string, unknown>)[name], undefined, name);
  }
});
