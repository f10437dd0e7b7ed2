import {
  asInt64, asNumber, asString, payloadOffset, readFields, ProtobufError, type ProtoField,
} from './protobuf-reader.ts';

/**
 * The parts of an ONNX ModelProto Tetra reads (field numbers from onnx.proto3).
 * Every message the graph is made of is walked, so a truncated or damaged
 * file fails here rather than deep inside onnxruntime.
 */

export interface OpsetImport {
  readonly domain: string;
  readonly version: number;
}

/** An attribute kept undecoded: most are never looked at, and tree ensembles carry large ones. */
export interface OnnxAttribute {
  readonly name: string;
  readonly type: number;
  readonly fields: readonly ProtoField[];
}

export interface OnnxNode {
  readonly opType: string;
  readonly domain: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly OnnxAttribute[];
  /** The node's field within the graph message, for rewriting. */
  readonly field: ProtoField;
}

export type OnnxValueType =
  | { readonly kind: 'tensor'; readonly elemType: number; readonly shape?: readonly (number | string)[] }
  | { readonly kind: 'sequence' | 'map' | 'optional' | 'sparse_tensor' | 'unknown' };

export interface OnnxValueInfo {
  readonly name: string;
  readonly type: OnnxValueType;
  readonly field: ProtoField;
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly initializers: ReadonlySet<string>;
  /** All fields of the graph message, in file order. */
  readonly fields: readonly ProtoField[];
}

export interface OnnxModel {
  readonly irVersion: number;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly opsetImports: readonly OpsetImport[];
  readonly metadata: ReadonlyMap<string, string>;
  readonly graph: OnnxGraph;
  /** All fields of the model message, in file order. */
  readonly fields: readonly ProtoField[];
}

/** Decodes a ModelProto. Throws ProtobufError when the bytes are not one. */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  const fields = readFields(bytes);
  let irVersion = 0;
  let producerName = '';
  let producerVersion = '';
  let graph: OnnxGraph | undefined;
  const opsetImports: OpsetImport[] = [];
  const metadata = new Map<string, string>();
  for (const f of fields) {
    if (f.number === 1 && f.wireType === 0) irVersion = asNumber(f);
    else if (f.number === 2 && f.wireType === 2) producerName = asString(f);
    else if (f.number === 3 && f.wireType === 2) producerVersion = asString(f);
    else if (f.number === 7 && f.wireType === 2) graph = decodeGraph(f.bytes, payloadOffset(f, 0));
    else if (f.number === 8 && f.wireType === 2) opsetImports.push(decodeOpset(f.bytes, payloadOffset(f, 0)));
    else if (f.number === 14 && f.wireType === 2) addMetadata(metadata, f.bytes, payloadOffset(f, 0));
  }
  if (!graph) throw new ProtobufError('no graph in the model (not an ONNX ModelProto)', 0);
  if (irVersion <= 0) throw new ProtobufError('no ir_version in the model (not an ONNX ModelProto)', 0);
  // Required since IR version 3; a file cut just before its trailing opset imports still parses.
  if (irVersion >= 3 && opsetImports.length === 0) throw new ProtobufError('no opset_import in the model', bytes.length);
  return { irVersion, producerName, producerVersion, opsetImports, metadata, graph, fields };
}

function decodeOpset(bytes: Uint8Array, base: number): OpsetImport {
  let domain = '';
  let version = 0;
  for (const f of readFields(bytes, base)) {
    if (f.number === 1 && f.wireType === 2) domain = asString(f);
    else if (f.number === 2 && f.wireType === 0) version = asNumber(f);
  }
  return { domain, version };
}

function addMetadata(into: Map<string, string>, bytes: Uint8Array, base: number): void {
  let key = '';
  let value = '';
  for (const f of readFields(bytes, base)) {
    if (f.number === 1 && f.wireType === 2) key = asString(f);
    else if (f.number === 2 && f.wireType === 2) value = asString(f);
  }
  into.set(key, value);
}

function decodeGraph(bytes: Uint8Array, base: number): OnnxGraph {
  const fields = readFields(bytes, base);
  let name = '';
  const nodes: OnnxNode[] = [];
  const inputs: OnnxValueInfo[] = [];
  const outputs: OnnxValueInfo[] = [];
  const initializers = new Set<string>();
  for (const f of fields) {
    if (f.wireType !== 2) continue;
    const at = payloadOffset(f, base);
    if (f.number === 1) nodes.push(decodeNode(f, at));
    else if (f.number === 2) name = asString(f);
    else if (f.number === 5) initializers.add(tensorName(f.bytes, at));
    else if (f.number === 11) inputs.push(decodeValueInfo(f, at));
    else if (f.number === 12) outputs.push(decodeValueInfo(f, at));
  }
  return { name, nodes, inputs, outputs, initializers, fields };
}

function tensorName(bytes: Uint8Array, base: number): string {
  const f = readFields(bytes, base).find((x) => x.number === 8 && x.wireType === 2);
  return f ? asString(f) : '';
}

function decodeNode(field: ProtoField, base: number): OnnxNode {
  let opType = '';
  let domain = '';
  let name = '';
  const inputs: string[] = [];
  const outputs: string[] = [];
  const attributes: OnnxAttribute[] = [];
  for (const f of readFields(field.bytes, base)) {
    if (f.wireType !== 2) continue;
    if (f.number === 1) inputs.push(asString(f));
    else if (f.number === 2) outputs.push(asString(f));
    else if (f.number === 3) name = asString(f);
    else if (f.number === 4) opType = asString(f);
    else if (f.number === 7) domain = asString(f);
    else if (f.number === 5) attributes.push(decodeAttribute(f.bytes, payloadOffset(f, base)));
  }
  return { opType, domain, name, inputs, outputs, attributes, field };
}

function decodeAttribute(bytes: Uint8Array, base: number): OnnxAttribute {
  const fields = readFields(bytes, base);
  let name = '';
  let type = 0;
  for (const f of fields) {
    if (f.number === 1 && f.wireType === 2) name = asString(f);
    else if (f.number === 20 && f.wireType === 0) type = asNumber(f);
  }
  return { name, type, fields };
}

function decodeValueInfo(field: ProtoField, base: number): OnnxValueInfo {
  let name = '';
  let type: OnnxValueType = { kind: 'unknown' };
  for (const f of readFields(field.bytes, base)) {
    if (f.number === 1 && f.wireType === 2) name = asString(f);
    else if (f.number === 2 && f.wireType === 2) type = decodeType(f.bytes, payloadOffset(f, base));
  }
  return { name, type, field };
}

const TYPE_KINDS: Record<number, OnnxValueType['kind']> = { 4: 'sequence', 5: 'map', 8: 'sparse_tensor', 9: 'optional' };

function decodeType(bytes: Uint8Array, base: number): OnnxValueType {
  for (const f of readFields(bytes, base)) {
    if (f.wireType !== 2) continue;
    if (f.number === 1) return decodeTensorType(f.bytes, payloadOffset(f, base));
    const kind = TYPE_KINDS[f.number];
    if (kind) return { kind } as OnnxValueType;
  }
  return { kind: 'unknown' };
}

function decodeTensorType(bytes: Uint8Array, base: number): OnnxValueType {
  let elemType = 0;
  let shape: (number | string)[] | undefined;
  for (const f of readFields(bytes, base)) {
    if (f.number === 1 && f.wireType === 0) elemType = asNumber(f);
    else if (f.number === 2 && f.wireType === 2) shape = decodeShape(f.bytes, payloadOffset(f, base));
  }
  return shape ? { kind: 'tensor', elemType, shape } : { kind: 'tensor', elemType };
}

function decodeShape(bytes: Uint8Array, base: number): (number | string)[] {
  const dims: (number | string)[] = [];
  for (const f of readFields(bytes, base)) {
    if (f.number !== 1 || f.wireType !== 2) continue;
    let dim: number | string = '';
    for (const d of readFields(f.bytes, payloadOffset(f, base))) {
      if (d.number === 1 && d.wireType === 0) dim = Number(asInt64(d));
      else if (d.number === 2 && d.wireType === 2) dim = asString(d);
    }
    dims.push(dim);
  }
  return dims;
}
