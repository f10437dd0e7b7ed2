import type { BatchEvent, BatcherOptions } from '../batching/batch-work.ts';
import type { ModelConfigFile } from '../config/model-config.ts';
import type { LoadContext } from '../model/model-runtime.ts';
import { TetraError, asTetraError } from '../errors/index.ts';
import { bareModelSource, scanRepository, type ModelSource } from './model-folder.ts';
import type { RuntimeRegistry } from './runtime-registry.ts';
import { loadServedModel, unloadServedModel, type ServedModel } from './served-model.ts';
import { selectVersions } from './version-policy.ts';

export type VersionState = 'loading' | 'ready' | 'failed';

/** What the repository knows of one version. */
export interface VersionStatus {
  readonly version: string;
  readonly state: VersionState;
  readonly error?: TetraError;
  readonly served?: ServedModel;
}

export interface ModelStatus {
  readonly name: string;
  readonly source: ModelSource;
  /** Versions the policy serves, oldest first. */
  readonly versions: readonly VersionStatus[];
  /** A problem with the model as a whole (its folder or model.yaml). */
  readonly error?: TetraError;
}

export interface ModelRepositoryOptions {
  readonly runtimes: RuntimeRegistry;
  /** The repository folder (`models/<name>/model.yaml`, `models/<name>/<version>/<file>`). */
  readonly root?: string;
  readonly batching?: Partial<BatcherOptions>;
  readonly onBatch?: (model: ServedModel, event: BatchEvent) => void;
  /** Lets models call other models (see LoadContext.infer); InferenceService provides it. */
  infer?: LoadContext['infer'];
}

interface Entry {
  source: ModelSource;
  versions: Map<string, VersionStatus>;
  error?: TetraError;
}

/**
 * The models Tetra serves: a folder of models, each with numbered versions,
 * plus bare model files. Loads the versions each model's policy selects and
 * resolves `name[@version]` to a served model.
 */
export class ModelRepository {
  private readonly entries = new Map<string, Entry>();

  private readonly options: ModelRepositoryOptions;

  constructor(options: ModelRepositoryOptions) {
    this.options = { ...options };
  }

  /** Gives models a way to call other models of this repository (set by InferenceService). */
  setInfer(infer: LoadContext['infer']): void {
    this.options.infer = infer;
  }

  /** True when some version of `name` is loaded and ready. */
  isLoaded(name: string): boolean {
    return [...(this.entries.get(name)?.versions.values() ?? [])].some((v) => v.state === 'ready');
  }

  /** Registers a single model file under `name` (version 1). */
  addFile(name: string, file: string, config?: ModelConfigFile): void {
    if (this.entries.has(name)) throw new TetraError('CONFIG_INVALID', `model "${name}" is defined twice`, { model: name });
    this.entries.set(name, { source: bareModelSource(name, file, config), versions: new Map() });
  }

  /**
   * Reads the repository folder (no loading). Models already known keep
   * their loaded versions; a model whose folder became invalid keeps serving
   * what it had and reports the error.
   */
  async scan(): Promise<void> {
    if (!this.options.root) return;
    for (const source of await scanRepository(this.options.root)) {
      const entry = this.entries.get(source.name);
      if (entry) entry.source = source;
      else this.entries.set(source.name, { source, versions: new Map() });
    }
  }

  /** Loads every known model; failures are recorded per model, not thrown. */
  async loadAll(): Promise<void> {
    for (const name of this.entries.keys()) await this.sync(name).catch(() => undefined);
  }

  /** Loads the versions of one model its policy selects and unloads the others. Throws the first failure. */
  async load(name: string): Promise<void> {
    await this.sync(name);
    const failed = [...this.entry(name).versions.values()].find((v) => v.state === 'failed');
    if (failed?.error) throw failed.error;
  }

  /** Rescans the folder, loads newly selected versions, drains and unloads the rest. */
  async refresh(): Promise<void> {
    await this.scan();
    await this.loadAll();
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  status(name: string): ModelStatus {
    const entry = this.entry(name);
    return { name, source: entry.source, versions: [...entry.versions.values()], error: entry.error };
  }

  list(): ModelStatus[] {
    return this.names().map((n) => this.status(n));
  }

  /** True when every model has at least one ready version and none is loading or failed. */
  ready(): boolean {
    return [...this.entries.values()].every((e) => !e.error && e.versions.size > 0 && [...e.versions.values()].every((v) => v.state === 'ready'));
  }

  /** The served model for `name`, at `version` or the newest ready one. */
  resolve(name: string, version?: string): ServedModel {
    const entry = this.entries.get(name);
    if (!entry) throw new TetraError('MODEL_NOT_FOUND', `no model named "${name}"${this.knownNames()}`, { model: name });
    if (version !== undefined) return this.resolveVersion(name, entry, version);
    const ready = [...entry.versions.values()].filter((v) => v.state === 'ready');
    const newest = ready[ready.length - 1];
    if (newest?.served) return newest.served;
    throw notReady(name, entry);
  }

  /** Unloads everything, draining queued requests first. */
  async close(): Promise<void> {
    for (const entry of this.entries.values()) {
      for (const v of entry.versions.values()) if (v.served) await unloadServedModel(v.served);
      entry.versions.clear();
    }
  }

  private resolveVersion(name: string, entry: Entry, version: string): ServedModel {
    const status = entry.versions.get(version);
    if (status?.served) return status.served;
    if (status?.state === 'loading') throw new TetraError('MODEL_NOT_READY', `model "${name}" version ${version} is still loading`, { model: name });
    if (status?.state === 'failed') throw new TetraError('MODEL_NOT_READY', `model "${name}" version ${version} failed to load: ${status.error?.message}`, { model: name, cause: status.error });
    const served = [...entry.versions.keys()].join(', ') || 'none';
    throw new TetraError('MODEL_VERSION_NOT_FOUND', `model "${name}" has no version "${version}" (served versions: ${served})`, { model: name });
  }

  private async sync(name: string): Promise<void> {
    const entry = this.entry(name);
    if (entry.source.error) {
      entry.error = entry.source.error;
      throw entry.error;
    }
    let wanted: string[];
    try {
      wanted = selectVersions(entry.source.config?.version_policy, [...entry.source.versions.keys()], name);
      entry.error = wanted.length === 0 ? new TetraError('MODEL_VERSION_NOT_FOUND', `model "${name}" has no version folders`, { model: name }) : undefined;
    } catch (error) {
      entry.error = asTetraError(error);
      throw entry.error;
    }
    for (const version of wanted) {
      if (entry.versions.get(version)?.state !== 'ready') await this.loadVersion(entry, version);
    }
    for (const [version, status] of entry.versions) {
      if (wanted.includes(version)) continue;
      entry.versions.delete(version);
      if (status.served) await unloadServedModel(status.served);
    }
    if (entry.error) throw entry.error;
  }

  private async loadVersion(entry: Entry, version: string): Promise<void> {
    entry.versions.set(version, { version, state: 'loading' });
    try {
      const served = await loadServedModel(entry.source, version, this.options);
      entry.versions.set(version, { version, state: 'ready', served });
    } catch (error) {
      entry.versions.set(version, { version, state: 'failed', error: asTetraError(error) });
    }
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new TetraError('MODEL_NOT_FOUND', `no model named "${name}"${this.knownNames()}`, { model: name });
    return entry;
  }

  private knownNames(): string {
    const names = this.names();
    return names.length > 0 ? ` (models: ${names.join(', ')})` : ' (the repository has no models)';
  }
}

function notReady(name: string, entry: Entry): TetraError {
  const failed = [...entry.versions.values()].find((v) => v.state === 'failed');
  if (failed?.error) return new TetraError('MODEL_NOT_READY', `model "${name}" failed to load: ${failed.error.message}`, { model: name, cause: failed.error });
  if (entry.error) return new TetraError('MODEL_NOT_READY', entry.error.message, { model: name, cause: entry.error });
  return new TetraError('MODEL_NOT_READY', `model "${name}" is not loaded yet`, { model: name });
}
