import type { InferenceSession } from 'onnxruntime-node';
import { TetraError } from '../../core/errors/index.ts';
import type { ModelSignature, TensorSpec } from '../../core/model/index.ts';
import { isDType, type DType } from '../../core/tensor.ts';

/** What the session reports, plus the outputs it has that Tetra cannot return. */
export interface OnnxSignature {
  readonly signature: ModelSignature;
  /** Outputs left out of the signature (non-tensors such as ZipMap's seq(map)), with why. */
  readonly omittedOutputs: ReadonlyMap<string, string>;
}

// Callers often hold float64 features for a float32 model (and the reverse); the runtime narrows or widens them.
const ACCEPTS: Partial<Record<DType, readonly DType[]>> = { float32: ['float64'], float64: ['float32'] };

/** Builds the signature from the session's metadata. Dynamic dimensions (named or unnamed) become -1. */
export function readSignature(session: InferenceSession, file: string): OnnxSignature {
  const inputs = session.inputMetadata.map((meta) => {
    const spec = tensorSpec(meta);
    if (typeof spec === 'string') {
      throw new TetraError('MODEL_UNSUPPORTED', `model ${file}: input "${meta.name}" ${spec}`, { file, field: meta.name });
    }
    const accepts = ACCEPTS[spec.dtype];
    return accepts ? { ...spec, accepts } : spec;
  });
  const outputs: TensorSpec[] = [];
  const omittedOutputs = new Map<string, string>();
  for (const meta of session.outputMetadata) {
    const spec = tensorSpec(meta);
    if (typeof spec === 'string') omittedOutputs.set(meta.name, spec);
    else outputs.push(spec);
  }
  if (outputs.length === 0) {
    throw new TetraError('MODEL_UNSUPPORTED', `model ${file} has no tensor outputs Tetra can return (${describe(omittedOutputs)})`, { file });
  }
  return { signature: { inputs, outputs }, omittedOutputs };
}

/** A spec, or the reason the value cannot be one. */
function tensorSpec(meta: InferenceSession.ValueMetadata): TensorSpec | string {
  if (!meta.isTensor) return 'is not a tensor (e.g. a ZipMap sequence of maps)';
  if (!isDType(meta.type)) return `has element type ${meta.type}, which Tetra does not support`;
  const shape = (meta.shape ?? []).map((d) => (typeof d === 'number' && d >= 0 ? d : -1));
  return { name: meta.name, dtype: meta.type, shape };
}

function describe(omitted: ReadonlyMap<string, string>): string {
  return [...omitted].map(([name, why]) => `"${name}" ${why}`).join('; ');
}
