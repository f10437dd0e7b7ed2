import { stat } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { InferenceService, ModelRepository, TetraError } from '../core/index.ts';
import { allRuntimes } from './runtimes.ts';

/** A repository holding the model a command was asked about, loaded. */
export interface OpenedModel {
  readonly name: string;
  readonly repository: ModelRepository;
  readonly service: InferenceService;
}

/**
 * `target` is a model name in the repository folder, or the path of a bare
 * model file (its runtime inferred, its features read from the file).
 */
export async function openModel(target: string, repoDir: string): Promise<OpenedModel> {
  const file = await asModelFile(target);
  const repository = new ModelRepository({ runtimes: allRuntimes(), ...(file ? {} : { root: resolve(repoDir) }) });
  const name = file ? basename(file, extname(file)) : target;
  const service = new InferenceService(repository);
  if (file) repository.addFile(name, file);
  else await repository.scan();
  await repository.load(name);
  return { name, repository, service };
}

const MODEL_FILE_EXTENSIONS = new Set(['.onnx', '.json', '.ubj', '.txt', '.model', '.js', '.mjs', '.ts']);

/** The path when `target` names an existing file, else undefined (a model name). */
async function asModelFile(target: string): Promise<string | undefined> {
  const looksLikePath = target.includes('/') || target.includes('\\') || MODEL_FILE_EXTENSIONS.has(extname(target));
  const info = await stat(target).catch(() => undefined);
  if (info?.isFile()) return resolve(target);
  if (looksLikePath && !info) {
    throw new TetraError('MODEL_FILE_UNREADABLE', `${target}: no such model file`, { file: target });
  }
  return undefined;
}
