import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  concatBytes, float32Field, messageField, packedFloat32Field, packedVarintField, stringField, varintField,
} from '../../../src/runtimes/onnx/protobuf-writer.ts';

/** Builds small ONNX models in memory (onnx.proto3 field numbers) for tests that need a model no fixture has. */

/** TensorProto.DataType codes. */
export const ELEM = {
  float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, string: 8, bool: 9, float16: 10, float64: 11, uint32: 12, uint64: 13,
} as const;

export interface ValueSpec {
  readonly name: string;
  readonly elem: number;
  /** A number is a fixed size; a string (possibly empty) a dynamic one. */
  readonly dims: readonly (number | string)[];
  /** Declares a ZipMap-style seq(map(int64, float)) instead of a tensor; `elem` and `dims` are then ignored. */
  readonly sequenceOfMaps?: boolean;
}

export type Attribute = Uint8Array;

export function attrInts(name: string, values: readonly (number | bigint)[]): Attribute {
  return messageField(5, stringField(1, name), varintField(20, 7), packedVarintField(8, values));
}

export function attrFloats(name: string, values: readonly number[]): Attribute {
  return messageField(5, stringField(1, name), varintField(20, 6), packedFloat32Field(7, values));
}

export function attrStrings(name: string, values: readonly string[]): Attribute {
  return messageField(5, stringField(1, name), varintField(20, 8), ...values.map((v) => stringField(9, v)));
}

export function attrString(name: string, value: string): Attribute {
  return messageField(5, stringField(1, name), varintField(20, 3), stringField(4, value));
}

export function attrInt(name: string, value: number): Attribute {
  return messageField(5, stringField(1, name), varintField(20, 2), varintField(3, value));
}

export function attrFloat(name: string, value: number): Attribute {
  return messageField(5, stringField(1, name), varintField(20, 1), float32Field(2, value));
}

export interface NodeSpec {
  readonly op: string;
  readonly domain?: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: readonly Attribute[];
}

export interface ModelSpec {
  readonly irVersion?: number;
  readonly opsets?: readonly (readonly [string, number])[];
  readonly nodes: readonly NodeSpec[];
  readonly inputs: readonly ValueSpec[];
  readonly outputs: readonly ValueSpec[];
  readonly metadata?: Readonly<Record<string, string>>;
}

function valueInfo(field: number, v: ValueSpec): Uint8Array {
  if (v.sequenceOfMaps) {
    const floatTensor = messageField(1, varintField(1, ELEM.float32));
    const map = messageField(5, varintField(1, ELEM.int64), messageField(2, floatTensor));
    return messageField(field, stringField(1, v.name), messageField(2, messageField(4, messageField(1, map))));
  }
  const dims = v.dims.map((d) => (typeof d === 'number' ? messageField(1, varintField(1, d)) : messageField(1, ...(d ? [stringField(2, d)] : []))));
  const tensorType = messageField(1, varintField(1, v.elem), messageField(2, ...dims));
  return messageField(field, stringField(1, v.name), messageField(2, tensorType));
}

function node(n: NodeSpec, index: number): Uint8Array {
  return messageField(1,
    ...n.inputs.map((i) => stringField(1, i)),
    ...n.outputs.map((o) => stringField(2, o)),
    stringField(3, `n${index}`),
    stringField(4, n.op),
    ...(n.attributes ?? []),
    ...(n.domain ? [stringField(7, n.domain)] : []));
}

export function buildModel(spec: ModelSpec): Uint8Array {
  const graph = messageField(7,
    ...spec.nodes.map(node),
    stringField(2, 'g'),
    ...spec.inputs.map((v) => valueInfo(11, v)),
    ...spec.outputs.map((v) => valueInfo(12, v)));
  const opsets = (spec.opsets ?? [['', 13]]).map(([domain, version]) => messageField(8, stringField(1, domain), varintField(2, version)));
  const metadata = Object.entries(spec.metadata ?? {}).map(([k, v]) => messageField(14, stringField(1, k), stringField(2, v)));
  return concatBytes([varintField(1, spec.irVersion ?? 8), stringField(2, 'tetra-test'), graph, ...opsets, ...metadata]);
}

let dir: string | undefined;

/** Writes bytes to a file in a temporary folder and returns its path. */
export function writeTemp(name: string, bytes: Uint8Array | string): string {
  if (!dir) {
    const created = mkdtempSync(join(tmpdir(), 'tetra-onnx-'));
    process.once('exit', () => rmSync(created, { recursive: true, force: true }));
    dir = created;
  }
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** A model file built from `spec`. */
export function writeModel(name: string, spec: ModelSpec): string {
  return writeTemp(name, buildModel(spec));
}
