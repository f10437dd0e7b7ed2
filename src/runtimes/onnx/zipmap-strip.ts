import { classLabels } from './onnx-attributes.ts';
import type { OnnxModel, OnnxNode } from './onnx-proto.ts';
import type { ProtoField } from './protobuf-reader.ts';
import { bytesField, concatBytes, messageField, stringField, varintField } from './protobuf-writer.ts';

/**
 * Converters such as skl2onnx end classifiers with a ZipMap that turns the
 * probability tensor [N, K] into a sequence of {label: probability} maps.
 * onnxruntime-node cannot return that, and the score tensor is what Tetra
 * needs, so the ZipMap is replaced by an Identity under the same output name
 * and the output is declared as a float tensor [N, K].
 */
export interface StrippedModel {
  readonly bytes: Uint8Array;
  /** Output names that were ZipMaps and are now probability tensors. */
  readonly outputs: readonly string[];
}

const ONNX_FLOAT = 1;

/** Rewrites the model bytes, or returns undefined when no graph output comes from a ZipMap. */
export function stripZipMap(model: OnnxModel, bytes: Uint8Array): StrippedModel | undefined {
  const graphField = model.fields.find((f) => f.number === 7 && f.wireType === 2);
  if (!graphField) return undefined;
  const replacements = new Map<ProtoField, Uint8Array>();
  const outputs: string[] = [];
  for (const node of model.graph.nodes) {
    if (node.opType !== 'ZipMap' || node.domain !== 'ai.onnx.ml') continue;
    const output = model.graph.outputs.find((o) => o.name === node.outputs[0] && o.type.kind !== 'tensor');
    const input = node.inputs[0];
    if (!output || !input) continue;
    replacements.set(node.field, identityNode(node, input));
    replacements.set(output.field, probabilityOutput(output.name, classLabels(node)?.length));
    outputs.push(output.name);
  }
  if (outputs.length === 0) return undefined;
  const graph = concatBytes(model.graph.fields.map((f) => replacements.get(f) ?? graphField.bytes.subarray(f.start, f.end)));
  const parts = model.fields.map((f) => (f === graphField ? bytesField(7, graph) : bytes.subarray(f.start, f.end)));
  if (!hasDefaultDomain(model)) parts.push(messageField(8, stringField(1, ''), varintField(2, defaultOpset(model.irVersion))));
  return { bytes: concatBytes(parts), outputs };
}

function identityNode(node: OnnxNode, input: string): Uint8Array {
  const output = node.outputs[0] ?? '';
  return messageField(1,
    stringField(1, input),
    stringField(2, output),
    stringField(3, `${node.name || output}_tensor`),
    stringField(4, 'Identity'),
    stringField(7, ''));
}

/** ValueInfoProto: tensor(float) with shape [?, K] (K unknown when the ZipMap has no labels). */
function probabilityOutput(name: string, classes: number | undefined): Uint8Array {
  const batch = messageField(1);
  const width = classes === undefined ? messageField(1) : messageField(1, varintField(1, classes));
  const tensorType = messageField(1, varintField(1, ONNX_FLOAT), messageField(2, batch, width));
  return messageField(12, stringField(1, name), messageField(2, tensorType));
}

function hasDefaultDomain(model: OnnxModel): boolean {
  return model.opsetImports.some((o) => o.domain === '' || o.domain === 'ai.onnx');
}

/** An operator set old enough for the model's IR version; Identity exists in all of them. */
function defaultOpset(irVersion: number): number {
  if (irVersion >= 7) return 13;
  if (irVersion >= 4) return irVersion + 5;
  return 7;
}
