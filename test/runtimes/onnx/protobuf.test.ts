import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  asInt64, asString, fixedValues, ProtobufError, ProtoReader, readFields, varints,
} from '../../../src/runtimes/onnx/protobuf-reader.ts';
import {
  bytesField, concatBytes, encodeVarint, messageField, packedFloat32Field, packedVarintField, stringField, varintField,
} from '../../../src/runtimes/onnx/protobuf-writer.ts';
import { decodeModel } from '../../../src/runtimes/onnx/onnx-proto.ts';
import { attributeFloats, attributeInts, attributeString, classLabels, findAttribute } from '../../../src/runtimes/onnx/onnx-attributes.ts';
import { decodeTensorProto } from '../../../src/runtimes/onnx/tensor-proto.ts';
import { fixture } from '../../helpers/fixtures.ts';

test('varints round-trip, including negative int64 as ten bytes', () => {
  for (const v of [0n, 1n, 127n, 128n, 300n, 2n ** 53n + 1n, 2n ** 63n - 1n, -1n, -(2n ** 63n)]) {
    const bytes = encodeVarint(v);
    const reader = new ProtoReader(bytes);
    assert.equal(BigInt.asIntN(64, reader.varint()), v);
    assert.ok(reader.done);
  }
  assert.equal(encodeVarint(-1n).length, 10);
  assert.deepEqual([...encodeVarint(300)], [0xac, 0x02]);
});

test('fields keep their numbers, wire types and positions', () => {
  const msg = concatBytes([varintField(1, 7), stringField(2, 'hé'), packedVarintField(3, [1, 2, -3])]);
  const fields = readFields(msg);
  assert.deepEqual(fields.map((f) => [f.number, f.wireType]), [[1, 0], [2, 2], [3, 2]]);
  assert.equal(asInt64(fields[0]!), 7n);
  assert.equal(asString(fields[1]!), 'hé');
  assert.deepEqual(varints(fields[2]!).map((v) => BigInt.asIntN(64, v)), [1n, 2n, -3n]);
  assert.equal(fields[1]!.start, 2);
  assert.deepEqual(msg.subarray(fields[2]!.start, fields[2]!.end), packedVarintField(3, [1, 2, -3]));
});

test('repeated scalars decode the same packed or unpacked', () => {
  const unpacked = readFields(concatBytes([varintField(8, 5), varintField(8, 6)]));
  assert.deepEqual(unpacked.flatMap(varints), [5n, 6n]);
  const floats = readFields(packedFloat32Field(7, [0.5, -2, 1e10]));
  assert.deepEqual(fixedValues(floats[0]!, 4), [0.5, -2, Math.fround(1e10)]);
});

test('truncated and malformed messages raise ProtobufError with the byte offset', () => {
  const msg = concatBytes([varintField(1, 1), stringField(2, 'abcdef')]);
  assert.throws(() => readFields(msg.subarray(0, msg.length - 2)), (e: unknown) => e instanceof ProtobufError && /truncated/.test(e.message) && e.offset === 4);
  assert.throws(() => readFields(Uint8Array.of(0x08, 0x80)), (e: unknown) => e instanceof ProtobufError && /inside a varint/.test(e.message));
  assert.throws(() => readFields(Uint8Array.of(0x0b)), (e: unknown) => e instanceof ProtobufError && /wire type 3/.test(e.message));
  assert.throws(() => readFields(Uint8Array.of(0x00)), (e: unknown) => e instanceof ProtobufError && /field number 0/.test(e.message));
  const nested = bytesField(7, Uint8Array.of(0x12, 0x05, 0x61));
  assert.throws(() => decodeModel(concatBytes([varintField(1, 8), nested])), (e: unknown) => e instanceof ProtobufError && e.offset === 6);
});

test('the skl2onnx model: producer, opsets, nodes and class labels', () => {
  const model = decodeModel(readFileSync(fixture('onnx-sklearn-rf-zipmap/sklearn_randomforest.onnx')));
  assert.equal(model.irVersion, 8);
  assert.equal(model.producerName, 'skl2onnx');
  assert.deepEqual(model.opsetImports, [{ domain: 'ai.onnx.ml', version: 1 }, { domain: '', version: 9 }]);
  assert.deepEqual(model.graph.nodes.map((n) => `${n.domain}:${n.opType}`), ['ai.onnx.ml:TreeEnsembleClassifier', ':Cast', 'ai.onnx.ml:ZipMap']);
  const trees = model.graph.nodes[0]!;
  assert.deepEqual(trees.inputs, ['X']);
  assert.deepEqual(trees.outputs, ['label', 'probabilities']);
  assert.deepEqual(classLabels(trees), [0, 1, 2]);
  assert.equal(attributeString(findAttribute(trees, 'post_transform')!), 'NONE');
  const nodeIds = attributeInts(findAttribute(trees, 'nodes_nodeids')!);
  const thresholds = attributeFloats(findAttribute(trees, 'nodes_values')!);
  assert.equal(nodeIds.length, thresholds.length);
  assert.ok(nodeIds.length > 10);
  assert.deepEqual(model.graph.outputs.map((o) => [o.name, o.type.kind]), [['output_label', 'tensor'], ['output_probability', 'sequence']]);
});

test('metadata_props and string class labels are read', () => {
  const graph = messageField(7,
    messageField(1, stringField(1, 'X'), stringField(2, 'Y'), stringField(4, 'SVMClassifier'), stringField(7, 'ai.onnx.ml'),
      messageField(5, stringField(1, 'classlabels_strings'), varintField(20, 8), stringField(9, 'cat'), stringField(9, 'dog'))));
  const bytes = concatBytes([varintField(1, 9), graph, messageField(8, varintField(2, 17)), messageField(14, stringField(1, 'owner'), stringField(2, 'risk'))]);
  const model = decodeModel(bytes);
  assert.equal(model.metadata.get('owner'), 'risk');
  assert.deepEqual(classLabels(model.graph.nodes[0]!), ['cat', 'dog']);
  assert.deepEqual(model.opsetImports, [{ domain: '', version: 17 }]);
});

test('TensorProto files decode from raw_data, typed fields and strings', () => {
  const mnist = decodeTensorProto(readFileSync(fixture('onnx-mnist8-onnx2c/test_data_set_0/output_0.pb')));
  assert.deepEqual(mnist.tensor.shape, [1, 10]);
  assert.equal(mnist.tensor.dtype, 'float32');
  assert.ok(Math.abs(Number(mnist.tensor.data[2]) - 6574.568359375) < 1e-3);

  const strings = decodeTensorProto(readFileSync(fixture('onnx-backend-node-tests/test_ai_onnx_ml_label_encoder_string_int/test_data_set_0/input_0.pb')));
  assert.deepEqual(strings, { name: 'X', tensor: { dtype: 'string', shape: [5], data: ['a', 'b', 'd', 'c', 'g'] } });

  const typed = decodeTensorProto(concatBytes([packedVarintField(1, [2]), varintField(2, 7), packedVarintField(7, [-5, 9]), stringField(8, 'i')]));
  assert.deepEqual(typed.tensor, { dtype: 'int64', shape: [2], data: new BigInt64Array([-5n, 9n]) });
  const bools = decodeTensorProto(concatBytes([packedVarintField(1, [3]), varintField(2, 9), packedVarintField(5, [1, 0, 1])]));
  assert.deepEqual(bools.tensor, { dtype: 'bool', shape: [3], data: new Uint8Array([1, 0, 1]) });
  const floats = decodeTensorProto(concatBytes([packedVarintField(1, [1, 2]), varintField(2, 1), packedFloat32Field(4, [0.25, -1])]));
  assert.deepEqual(floats.tensor, { dtype: 'float32', shape: [1, 2], data: new Float32Array([0.25, -1]) });
  assert.throws(() => decodeTensorProto(concatBytes([packedVarintField(1, [3]), varintField(2, 1), packedFloat32Field(4, [1])])), /1 values but shape \[3\]/);
});
