import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadModelConfig } from '../config/load-model-config.ts';
import type { ModelConfigFile } from '../config/model-config.ts';
import { TetraError, asTetraError } from '../errors/index.ts';
import type { RuntimeRegistry } from './runtime-registry.ts';

/** A model found in the repository folder, before anything is loaded. */
export interface ModelSource {
  readonly name: string;
  /** The model's folder; absent for a bare model file. */
  readonly dir?: string;
  readonly config?: ModelConfigFile;
  /** Version name -> folder (or, for a bare file, the file itself). Sorted oldest first. */
  readonly versions: ReadonlyMap<string, string>;
  /** True when `versions` maps to files rather than folders. */
  readonly bare: boolean;
  /** Why the folder cannot be used (e.g. an invalid model.yaml); the model is listed but not loaded. */
  readonly error?: TetraError;
}

const VERSION_DIR = /^\d+$/;
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Lists the models under `root`: each subfolder with a model.yaml or numbered version folders. */
export async function scanRepository(root: string): Promise<ModelSource[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    throw new TetraError('CONFIG_INVALID', `model repository ${root} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: root, cause: error });
  }
  const sources: ModelSource[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    try {
      const source = await readModelFolder(root, entry.name);
      if (source) sources.push(source);
    } catch (error) {
      // One broken model must not hide the others: it is listed with its error.
      sources.push({ name: entry.name, dir: join(root, entry.name), versions: new Map(), bare: false, error: asTetraError(error, 'CONFIG_INVALID') });
    }
  }
  return sources;
}

/** Reads one model folder; undefined when the folder holds no model. */
export async function readModelFolder(root: string, name: string): Promise<ModelSource | undefined> {
  const dir = join(root, name);
  const entries = await readdir(dir, { withFileTypes: true });
  const hasConfig = entries.some((e) => e.isFile() && e.name === 'model.yaml');
  const versionNames = entries.filter((e) => e.isDirectory() && VERSION_DIR.test(e.name)).map((e) => e.name);
  if (!hasConfig && versionNames.length === 0) return undefined;
  if (!MODEL_NAME.test(name)) {
    throw new TetraError('CONFIG_INVALID', `${dir}: "${name}" is not a valid model name (letters, digits, "_", "-", ".")`, { file: dir });
  }
  const config = hasConfig ? await loadModelConfig(join(dir, 'model.yaml')) : undefined;
  versionNames.sort((a, b) => Number(a) - Number(b));
  return { name, dir, config, versions: new Map(versionNames.map((v) => [v, join(dir, v)])), bare: false };
}

/** A single model file served as version 1 of `name`. */
export function bareModelSource(name: string, file: string, config?: ModelConfigFile): ModelSource {
  return { name, config, versions: new Map([['1', file]]), bare: true };
}

/** The model file inside a version folder: `artifact` from model.yaml, else the one file a runtime recognises. */
export async function findArtifact(versionDir: string, config: ModelConfigFile | undefined, runtimes: RuntimeRegistry): Promise<string> {
  if (config?.artifact) {
    const path = join(versionDir, config.artifact);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) throw new TetraError('MODEL_FILE_UNREADABLE', `${path}: the artifact named in model.yaml does not exist`, { file: path, path: 'artifact' });
    return path;
  }
  const files = (await readdir(versionDir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(versionDir, e.name));
  const models: string[] = [];
  for (const f of files) if (await runtimes.recognizes(f)) models.push(f);
  if (models.length === 1) return models[0] as string;
  if (models.length === 0) throw new TetraError('MODEL_FILE_UNREADABLE', `${versionDir}: no model file found in this version folder`, { file: versionDir });
  throw new TetraError('CONFIG_INVALID', `${versionDir}: several model files (${models.map((m) => m.slice(versionDir.length + 1)).join(', ')}); name one with "artifact" in model.yaml`, { file: versionDir, path: 'artifact' });
}
