import type * as Ort from 'onnxruntime-node';
import { TetraError } from '../../core/errors/index.ts';

let loaded: typeof Ort | undefined;

/**
 * onnxruntime, loaded when the first ONNX model is: its native library
 * takes a noticeable share of a process's start, and a batch job or a
 * worker thread serving another format never needs it.
 */
export async function loadOrt(): Promise<typeof Ort> {
  loaded ??= await import('onnxruntime-node');
  return loaded;
}

/** onnxruntime once a model has loaded it (tensors are only made for a loaded model's session). */
export function ort(): typeof Ort {
  if (!loaded) throw new TetraError('INTERNAL', 'onnxruntime was used before any ONNX model was loaded');
  return loaded;
}
