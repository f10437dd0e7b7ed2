import { readFile } from 'node:fs/promises';
import { TetraError } from '../../core/errors/index.ts';
import type { LoadedModel, ModelArtifact, ModelRuntime, RuntimeOptions } from '../../core/model/index.ts';
import { compileModel } from './compile-model.ts';
import { LightGbmModel } from './lightgbm-model.ts';

const EXTENSIONS = ['.txt', '.model'];

/** `tree` on the first line, then LightGBM's header keys. */
function looksLikeLightGbm(head: Uint8Array): boolean {
  const text = new TextDecoder('latin1').decode(head.subarray(0, 512));
  if (!/^tree\r?\n/.test(text)) return false;
  return /^(version|num_class)=/m.test(text);
}

async function readModelText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new TetraError('MODEL_FILE_UNREADABLE', `cannot read LightGBM model ${path}: ${(error as Error).message}`, { file: path, cause: error });
  }
}

/** Native evaluator of LightGBM's text model format (save_model / model_to_string). */
export const lightgbmRuntime: ModelRuntime = {
  name: 'lightgbm',
  recognizes(fileName: string, head: Uint8Array): boolean {
    const lower = fileName.toLowerCase();
    return EXTENSIONS.some((ext) => lower.endsWith(ext)) && looksLikeLightGbm(head);
  },
  async load(artifact: ModelArtifact, options?: RuntimeOptions): Promise<LoadedModel> {
    const text = await readModelText(artifact.path);
    try {
      return new LightGbmModel(compileModel(artifact.path, text, options));
    } catch (error) {
      // Anything that is not already a TetraError is a parser gap on malformed input, not a crash to pass on.
      if (TetraError.is(error)) throw error;
      throw new TetraError('MODEL_FILE_CORRUPT', `LightGBM model ${artifact.path} could not be read: ${(error as Error).message}`, { file: artifact.path, cause: error });
    }
  },
};
