import type { TensorMap } from '../../../core/index.ts';
import { decodeInputs } from './decode-inputs.ts';
import { splitRequestBody, type RequestBodyOptions } from './request-body.ts';
import { optionalBoolean, optionalParameters, optionalString, requireObject } from './request-fields.ts';
import { readRequestedOutputs, type OipRequestedOutput } from './requested-outputs.ts';

/** An Open Inference Protocol inference request, decoded into core tensors. */
export interface OipInferRequest {
  readonly id?: string;
  /** The input tensors, in request order. */
  readonly inputs: TensorMap;
  /** Each input's `parameters` (an empty object when it had none), by input name. */
  readonly inputParameters: Record<string, Record<string, unknown>>;
  /** The outputs asked for, in request order; undefined means all outputs. */
  readonly outputs?: OipRequestedOutput[];
  /** Request-level parameters as sent (e.g. `binary_data_output`, `timeout`). */
  readonly parameters: Record<string, unknown>;
}

export type DecodeInferRequestOptions = RequestBodyOptions;

/**
 * Decodes an inference request body: JSON, optionally followed by binary
 * tensor data (the binary tensor data extension) when `headerLength` says
 * where the JSON ends. Throws a TetraError naming the field for anything
 * the protocol does not allow: INPUT_TOO_LARGE, INPUT_MALFORMED,
 * INPUT_TENSOR_DTYPE, INPUT_TENSOR_SHAPE, INPUT_WRONG_TYPE.
 */
export function decodeInferRequest(body: Buffer, options: DecodeInferRequestOptions = {}): OipInferRequest {
  const split = splitRequestBody(body, options);
  const request = requireObject(split.json, 'request body');
  const id = optionalString(request.id, 'id');
  const parameters = optionalParameters(request.parameters, 'parameters');
  const binaryDefault = optionalBoolean(parameters.binary_data_output, 'parameters.binary_data_output') ?? false;
  const { inputs, inputParameters } = decodeInputs(request.inputs, split);
  const outputs = readRequestedOutputs(request.outputs, binaryDefault);
  return {
    ...(id === undefined ? {} : { id }),
    inputs,
    inputParameters,
    ...(outputs === undefined ? {} : { outputs }),
    parameters,
  };
}
