import { TetraError, elementCount, type Tensor, type TensorMap } from '../../../core/index.ts';
import { binaryBytesOf } from './binary-tensor-data.ts';
import { oipFromDType } from './datatypes.ts';
import { tensorDataJson } from './json-tensor-text.ts';

export interface EncodeInferResponseArgs {
  readonly modelName: string;
  /** Omitted from the response when undefined (servers without versions leave it out). */
  readonly modelVersion?: string;
  /** The request's id, echoed; omitted when undefined. */
  readonly id?: string;
  readonly outputs: TensorMap;
  /**
   * The outputs to send, in this order, each with its transport already
   * resolved (see OipRequestedOutput). Undefined or empty: every output, in
   * map order.
   */
  readonly requested?: readonly { readonly name: string; readonly binary: boolean }[];
  /** The request's `binary_data_output`: the transport of every output when `requested` is not given. */
  readonly binaryDefault?: boolean;
}

export interface EncodedInferResponse {
  readonly body: Buffer;
  /** Lower-case header names, as Node reports them. */
  readonly headers: Record<string, string>;
}

interface ChosenOutput {
  readonly name: string;
  readonly tensor: Tensor;
  readonly binary: boolean;
}

/**
 * Encodes an inference response: the JSON object, then (when any output is
 * sent as binary) the binary section in output order, with the
 * `inference-header-content-length` header giving the JSON length.
 * Throws INPUT_OUTPUT_UNKNOWN when a requested output does not exist.
 */
export function encodeInferResponse(args: EncodeInferResponseArgs): EncodedInferResponse {
  const chosen = chooseOutputs(args);
  const chunks: Uint8Array[] = [];
  const entries = chosen.map((o) => outputEntry(o, chunks));
  const version = args.modelVersion === undefined ? '' : `,"model_version":${JSON.stringify(args.modelVersion)}`;
  const id = args.id === undefined ? '' : `,"id":${JSON.stringify(args.id)}`;
  const header = Buffer.from(`{"model_name":${JSON.stringify(args.modelName)}${version}${id},"outputs":[${entries.join(',')}]}`, 'utf8');
  if (chunks.length === 0) return { body: header, headers: { 'content-type': 'application/json' } };
  return {
    body: Buffer.concat([header, ...chunks]),
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
  };
}

function chooseOutputs(args: EncodeInferResponseArgs): ChosenOutput[] {
  const { outputs, requested } = args;
  if (requested === undefined || requested.length === 0) {
    const binary = args.binaryDefault ?? false;
    return Object.keys(outputs).map((name) => ({ name, tensor: outputs[name] as Tensor, binary }));
  }
  return requested.map((r, i) => {
    const t = Object.hasOwn(outputs, r.name) ? outputs[r.name] : undefined;
    if (t === undefined) {
      const known = Object.keys(outputs).join(', ');
      throw new TetraError('INPUT_OUTPUT_UNKNOWN', `requested output "${r.name}" (outputs[${i}].name) is not an output of this model (outputs: ${known})`, { field: r.name, path: `outputs[${i}].name` });
    }
    return { name: r.name, tensor: t, binary: r.binary };
  });
}

/** One `$response_output` as JSON text; a binary output's bytes go to `chunks`. */
function outputEntry(o: ChosenOutput, chunks: Uint8Array[]): string {
  const t = o.tensor;
  if (t.data.length !== elementCount(t.shape)) {
    throw new TetraError('INTERNAL', `output "${o.name}" has ${t.data.length} values but shape [${t.shape.join(', ')}]`, { field: o.name });
  }
  const head = `{"name":${JSON.stringify(o.name)},"datatype":"${oipFromDType(t.dtype)}","shape":[${t.shape.join(',')}]`;
  if (!o.binary) return `${head},"data":${tensorDataJson(t)}}`;
  const bytes = binaryBytesOf(t);
  chunks.push(bytes);
  return `${head},"parameters":{"binary_data_size":${bytes.length}}}`;
}
