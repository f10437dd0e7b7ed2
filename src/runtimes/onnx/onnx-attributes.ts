import type { OnnxAttribute, OnnxNode } from './onnx-proto.ts';
import { asFloat32, asInt64, asString, fixedValues, varints } from './protobuf-reader.ts';

/**
 * Typed access to node attributes (AttributeProto: f=2, i=3, s=4, floats=7,
 * ints=8, strings=9). Decoded on demand because most attributes of a large
 * tree ensemble are never needed here.
 */

export function findAttribute(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attributes.find((a) => a.name === name);
}

export function attributeInts(attr: OnnxAttribute): bigint[] {
  return attr.fields.filter((f) => f.number === 8).flatMap((f) => varints(f).map((v) => BigInt.asIntN(64, v)));
}

export function attributeFloats(attr: OnnxAttribute): number[] {
  return attr.fields.filter((f) => f.number === 7).flatMap((f) => fixedValues(f, 4));
}

export function attributeStrings(attr: OnnxAttribute): string[] {
  return attr.fields.filter((f) => f.number === 9 && f.wireType === 2).map(asString);
}

export function attributeInt(attr: OnnxAttribute): bigint | undefined {
  const f = attr.fields.find((x) => x.number === 3 && x.wireType === 0);
  return f ? asInt64(f) : undefined;
}

export function attributeFloat(attr: OnnxAttribute): number | undefined {
  const f = attr.fields.find((x) => x.number === 2 && x.wireType === 5);
  return f ? asFloat32(f) : undefined;
}

export function attributeString(attr: OnnxAttribute): string | undefined {
  const f = attr.fields.find((x) => x.number === 4 && x.wireType === 2);
  return f ? asString(f) : undefined;
}

/** Class labels of a classifier-like node (`classlabels_int64s` or `classlabels_strings`), if it has any. */
export function classLabels(node: OnnxNode): (number | string)[] | undefined {
  const ints = findAttribute(node, 'classlabels_int64s') ?? findAttribute(node, 'classlabels_ints');
  if (ints) return attributeInts(ints).map((v) => Number(v));
  const strings = findAttribute(node, 'classlabels_strings');
  if (strings) return attributeStrings(strings);
  return undefined;
}
