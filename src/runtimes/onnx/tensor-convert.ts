import type { Tensor as OrtTensor } from 'onnxruntime-node';
import { TetraError } from '../../core/errors/index.ts';
import { isDType, type DType, type Tensor, type TensorData } from '../../core/tensor.ts';
import { ort } from './ort-module.ts';

/**
 * Core tensors and onnxruntime tensors use the same dtype names and the same
 * backing arrays (bool as 0/1 bytes, int64 as BigInt64Array, strings as
 * string[]), so conversion shares memory in both directions.
 */

type OrtType = OrtTensor.Type;

/** A core tensor as an onnxruntime tensor, converting to `target` when the model wants another float width. */
export function toOrtTensor(t: Tensor, target: DType = t.dtype): OrtTensor {
  const dims = [...t.shape];
  const OrtTensor = ort().Tensor;
  if (target !== t.dtype) return new OrtTensor(target as OrtType, convertFloat(t.data, target), dims);
  if (t.dtype === 'string') return new OrtTensor('string', t.data as string[], dims);
  return new OrtTensor(t.dtype as Exclude<OrtType, 'string'>, t.data as Exclude<TensorData, string[]>, dims);
}

function convertFloat(data: TensorData, target: DType): Float32Array | Float64Array {
  if (target === 'float32') return Float32Array.from(data as Float64Array);
  if (target === 'float64') return Float64Array.from(data as Float32Array);
  throw new TetraError('INTERNAL', `no conversion to ${target}`);
}

/** An onnxruntime output as a core tensor. */
export function fromOrtTensor(name: string, value: unknown): Tensor {
  if (!(value instanceof ort().Tensor)) {
    throw new TetraError('MODEL_RUN_FAILED', `output "${name}" is not a tensor`);
  }
  if (!isDType(value.type) || value.location !== 'cpu') {
    throw new TetraError('MODEL_RUN_FAILED', `output "${name}" has type ${value.type} on ${value.location}, which Tetra cannot return`);
  }
  return { dtype: value.type, shape: [...value.dims], data: value.data as TensorData };
}
