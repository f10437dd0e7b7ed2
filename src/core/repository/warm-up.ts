import type { LoadedModel } from '../model/model-runtime.ts';
import { allocate, elementCount, type TensorMap } from '../tensor.ts';

/**
 * Runs a model once on a one-row batch of zeros before it takes traffic, so
 * the first real request does not pay for lazy initialisation (JIT, native
 * allocations). Best effort: a model that cannot run on zeros is still
 * served; its first real request shows any problem.
 */
export async function warmUp(model: LoadedModel): Promise<boolean> {
  const inputs: TensorMap = {};
  for (const spec of model.signature.inputs) {
    const shape = spec.shape.map((d, i) => (d >= 0 ? d : i === 0 ? 1 : 1));
    inputs[spec.name] = { dtype: spec.dtype, shape, data: allocate(spec.dtype, elementCount(shape)) };
  }
  try {
    await model.run(inputs);
    return true;
  } catch {
    return false;
  }
}
