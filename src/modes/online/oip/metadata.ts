import type { ModelSignature, RuntimeName, TensorSpec } from '../../../core/index.ts';
import { oipFromDType, type OipDatatype } from './datatypes.ts';

/** `$metadata_server_response`. */
export interface OipServerMetadata {
  readonly name: string;
  readonly version: string;
  readonly extensions: readonly string[];
}

/** `$metadata_tensor`: -1 marks a size chosen per call. */
export interface OipTensorMetadata {
  readonly name: string;
  readonly datatype: OipDatatype;
  readonly shape: readonly number[];
}

/** `$metadata_model_response`. */
export interface OipModelMetadata {
  readonly name: string;
  readonly versions?: readonly string[];
  readonly platform: string;
  readonly inputs: readonly OipTensorMetadata[];
  readonly outputs: readonly OipTensorMetadata[];
}

/** The extension this codec implements, under the name Triton reports for it. */
export const OIP_EXTENSIONS: readonly string[] = ['binary_tensor_data'];

export function serverMetadata(args: { name: string; version: string; extensions?: readonly string[] }): OipServerMetadata {
  return { name: args.name, version: args.version, extensions: [...(args.extensions ?? OIP_EXTENSIONS)] };
}

/** Platform names follow the spec's `<project>_<format>`; the JS runtime has no format, so it is `js`. */
const PLATFORMS: Readonly<Record<RuntimeName, string>> = {
  onnx: 'onnxruntime_onnx',
  xgboost: 'xgboost_json',
  lightgbm: 'lightgbm_text',
  js: 'js',
};

/** The default platform string for a runtime (callers that know the exact format may pass their own). */
export function platformOf(runtime: RuntimeName): string {
  return PLATFORMS[runtime];
}

export function modelMetadata(args: {
  name: string;
  versions?: readonly string[];
  platform: string;
  signature: ModelSignature;
}): OipModelMetadata {
  return {
    name: args.name,
    ...(args.versions === undefined ? {} : { versions: [...args.versions] }),
    platform: args.platform,
    inputs: args.signature.inputs.map(tensorMetadata),
    outputs: args.signature.outputs.map(tensorMetadata),
  };
}

function tensorMetadata(spec: TensorSpec): OipTensorMetadata {
  return { name: spec.name, datatype: oipFromDType(spec.dtype), shape: [...spec.shape] };
}
