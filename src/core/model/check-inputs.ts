import { TetraError } from '../errors/index.ts';
import type { DType, Tensor, TensorMap } from '../tensor.ts';
import { elementCount } from '../tensor.ts';
import type { ModelSignature, TensorSpec } from './signature.ts';

/**
 * Checks call inputs against a signature: every input present, no unknown
 * names, an accepted dtype, the declared rank and fixed dimensions, data
 * length matching the shape, and one batch size across the inputs whose
 * first dimension is dynamic (inputs with a fixed first dimension, such as
 * a weight matrix, are not batched). Returns the batch size.
 */
export function checkInputs(signature: ModelSignature, inputs: TensorMap): number {
  for (const name of Object.keys(inputs)) {
    if (!signature.inputs.some((s) => s.name === name)) {
      const known = signature.inputs.map((s) => s.name).join(', ');
      throw new TetraError('INPUT_TENSOR_UNKNOWN', `input tensor "${name}" is not an input of this model (inputs: ${known})`, { field: name });
    }
  }
  let batch = -1;
  let batched = false;
  for (const spec of signature.inputs) {
    const t = inputs[spec.name];
    if (!t) throw new TetraError('INPUT_TENSOR_MISSING', `input tensor "${spec.name}" is missing`, { field: spec.name });
    checkTensor(spec, t);
    const rows = t.shape.length === 0 ? 1 : (t.shape[0] as number);
    if (spec.shape[0] !== -1) {
      if (batch < 0) batch = rows;
      continue;
    }
    if (batch >= 0 && rows !== batch && batched) {
      throw new TetraError('INPUT_TENSOR_SHAPE', `input tensor "${spec.name}" has batch size ${rows} but other inputs have ${batch}`, { field: spec.name });
    }
    batch = rows;
    batched = true;
  }
  return Math.max(batch, 0);
}

/** The dtypes an input takes: its own, then those it accepts (converted on the way in). */
export function dtypesTaken(spec: TensorSpec): readonly DType[] {
  return spec.accepts ? [spec.dtype, ...spec.accepts] : [spec.dtype];
}

function checkTensor(spec: TensorSpec, t: Tensor): void {
  if (t.dtype !== spec.dtype && !spec.accepts?.includes(t.dtype)) {
    throw new TetraError('INPUT_TENSOR_DTYPE', `input tensor "${spec.name}" has datatype ${t.dtype}, expected ${dtypesTaken(spec).join(' or ')}`, { field: spec.name });
  }
  // Runs on every model call: the expected shape is only written out for an error.
  if (t.shape.length !== spec.shape.length) {
    throw new TetraError('INPUT_TENSOR_SHAPE', `input tensor "${spec.name}" has shape [${t.shape.join(', ')}], expected ${shapeText(spec.shape)}`, { field: spec.name });
  }
  for (let i = 0; i < spec.shape.length; i++) {
    const dim = spec.shape[i] as number;
    if (dim >= 0 && t.shape[i] !== dim) {
      throw new TetraError('INPUT_TENSOR_SHAPE', `input tensor "${spec.name}" has shape [${t.shape.join(', ')}], expected ${shapeText(spec.shape)} (dimension ${i} must be ${dim})`, { field: spec.name });
    }
  }
  if (t.data.length !== elementCount(t.shape)) {
    throw new TetraError('INPUT_TENSOR_SHAPE', `input tensor "${spec.name}" has ${t.data.length} values but shape [${t.shape.join(', ')}] needs ${elementCount(t.shape)}`, { field: spec.name });
  }
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
