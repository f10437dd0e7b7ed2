import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { InferenceService, ModelRepository, TetraError, type ModelRepositoryOptions } from '../core/index.ts';
import { allRuntimes } from './runtimes.ts';

/** A repository holding the model a command was asked about, loaded. */
export interface OpenedModel {
  readonly name: string;
  readonly repository: ModelRepository;
  readonly service: InferenceService;
}

/**
 * `target` is a model name in the repository folder, a model's own folder,
 * or the path of a bare model file (its runtime inferred, its features read
 * from the file). With `version`, exactly that version is loaded.
 * `loading` adds to how each version is loaded (see LoadVersionOptions).
 */
export async function openModel(target: string, repoDir: string, version?: string, loading: Pick<ModelRepositoryOptions, 'wrapModel' | 'batchingOverride'> = {}): Promise<OpenedModel> {
  const folder = await asModelFolder(target);
  const file = folder ? undefined : await asModelFile(target);
  const root = folder ? dirname(folder) : resolve(repoDir);
  const repository = new ModelRepository({ runtimes: allRuntimes(), ...loading, ...(file ? {} : { root }) });
  const name = file ? basename(file, extname(file)) : folder ? basename(folder) : target;
  const service = new InferenceService(repository);
  if (file) repository.addFile(name, file);
  else await repository.scan();
  if (version !== undefined) await repository.loadVersionOnly(name, version);
  else await repository.load(name);
  return { name, repository, service };
}

/** The folder when `target` is a model's own folder (model.yaml or numbered versions inside). */
async function asModelFolder(target: string): Promise<string | undefined> {
  const info = await stat(target).catch(() => undefined);
  if (!info?.isDirectory()) return undefined;
  const entries = await readdir(target, { withFileTypes: true });
  const isModel = entries.some((e) => (e.isFile() && e.name === 'model.yaml') || (e.isDirectory() && /^\d+$/.test(e.name)));
  return isModel ? resolve(target) : undefined;
}

const MODEL_FILE_EXTENSIONS = new Set(['.onnx', '.json', '.ubj', '.txt', '.model', '.js', '.mjs', '.ts', '.mts']);

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
