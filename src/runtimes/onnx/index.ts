export { onnxRuntime } from './onnx-runtime.ts';
export { parseOnnxOptions, ONNX_OPTION_KEYS, type OnnxOptions } from './session-options.ts';
export { FEATURES_METADATA_KEY } from './onnx-model-info.ts';
export { decodeTensorProto } from './tensor-proto.ts';
