export { OIP_DATATYPES, isOipDatatype, dtypeFromOip, oipFromDType, type OipDatatype } from './datatypes.ts';
export { decodeInferRequest, type OipInferRequest, type DecodeInferRequestOptions } from './decode-infer-request.ts';
export type { OipRequestedOutput } from './requested-outputs.ts';
export { HEADER_LENGTH_HEADER } from './request-body.ts';
export { encodeInferResponse, type EncodeInferResponseArgs, type EncodedInferResponse } from './encode-infer-response.ts';
export {
  serverMetadata, modelMetadata, platformOf, OIP_EXTENSIONS,
  type OipServerMetadata, type OipModelMetadata, type OipTensorMetadata,
} from './metadata.ts';
