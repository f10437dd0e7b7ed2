import type { ModelConfigFile } from '../config/model-config.ts';
import type { LoadContext } from '../model/model-runtime.ts';
import { TetraError, asTetraError } from '../errors/index.ts';
import { bareModelSource, scanRepository, type ModelSource } from './model-folder.ts';
import { loadServedModel, unloadServedModel, type LoadVersionOptions, type ServedModel } from './served-model.ts';
import { splitTraffic } from '../rollout/traffic-split.ts';
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

/** How the repository finds and loads models; everything but `root` applies to every version it loads. */
export interface ModelRepositoryOptions extends LoadVersionOptions {
  /** The repository folder (`models/<name>/model.yaml`, `models/<name>/<version>/<file>`). */
  readonly root?: string;
}

interface Entry {
  source: ModelSource;
  /** Oldest first (numeric order). */
  versions: Map<string, VersionStatus>;
  error?: TetraError;
  /** The sync in progress, so concurrent loads of one model run one after another. */
  syncing?: Promise<void>;
  /** The folder's latest scan failed; `source` is the last good one. */
  scanError?: TetraError;
}

/**
 * The models Tetra serves: a folder of models, each with numbered versions,
 * plus bare model files. Loads the versions each model's policy selects and
 * resolves `name[@version]` to a served model.
 */
export class ModelRepository {
  private readonly entries = new Map<string, Entry>();
  private readonly pinned = new Map<string, string>();
  /** loadAll() has finished once: before that the repository is not ready, whatever it holds. */
  private initialised = false;
  private closed = false;

  private loadOptions: LoadVersionOptions;

  constructor(private readonly options: ModelRepositoryOptions) {
    this.loadOptions = options;
  }

  /** Gives models a way to call other models of this repository (set by InferenceService). */
  setInfer(infer: LoadContext['infer']): void {
    this.loadOptions = { ...this.options, infer };
  }

  /** True when some version of `name` is loaded and ready. */
  isLoaded(name: string): boolean {
    return [...(this.entries.get(name)?.versions.values() ?? [])].some((v) => v.state === 'ready');
  }

  /** True when a load of `name` was tried (whatever its outcome) or is running. */
  attempted(name: string): boolean {
    const entry = this.entries.get(name);
    return entry !== undefined && (entry.versions.size > 0 || entry.error !== undefined || entry.syncing !== undefined);
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
    const found = await scanRepository(this.options.root);
    for (const source of found) {
      const entry = this.entries.get(source.name);
      if (!entry) this.entries.set(source.name, { source, versions: new Map() });
      // A folder that became invalid (a half-written model.yaml) keeps its last good source: its
      // rollout keeps routing as before while the error is reported.
      else if (source.error && entry.versions.size > 0) entry.scanError = source.error;
      else {
        entry.source = source;
        entry.scanError = undefined;
      }
    }
    const present = new Set(found.map((s) => s.name));
    for (const [name, entry] of this.entries) {
      if (entry.source.bare || present.has(name)) continue;
      // The folder is gone: stop serving the model once its queued calls are answered.
      this.entries.delete(name);
      await entry.syncing;
      await unloadAll([...entry.versions.values()]);
    }
  }

  /** Loads every known model; failures are recorded per model, not thrown. */
  async loadAll(): Promise<void> {
    for (const name of this.entries.keys()) await this.sync(name).catch(() => undefined);
    this.initialised = true;
  }

  /** Loads the versions of one model its policy selects and unloads the others. Throws the first failure. */
  async load(name: string): Promise<void> {
    await this.sync(name);
    const failed = [...this.entry(name).versions.values()].find((v) => v.state === 'failed');
    if (failed?.error) throw failed.error;
  }

  /** Loads exactly `version` of `name`, whatever its version policy says (scoring an old version from the CLI). */
  async loadVersionOnly(name: string, version: string): Promise<void> {
    const entry = this.entry(name);
    if (!entry.source.versions.has(version)) {
      const present = [...entry.source.versions.keys()].join(', ') || 'none';
      throw new TetraError('MODEL_VERSION_NOT_FOUND', `model "${name}" has no version "${version}" (versions: ${present})`, { model: name });
    }
    this.pinned.set(name, version);
    await this.load(name);
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
    return { name, source: entry.source, versions: [...entry.versions.values()], error: entry.scanError ?? entry.error };
  }

  list(): ModelStatus[] {
    return this.names().map((n) => this.status(n));
  }

  /**
   * True when every model can answer: each has a ready version. A newer
   * version still loading, or one that failed to load (a half-copied
   * folder, a broken model.yaml), does not count against a model whose
   * loaded version keeps serving: a reload must not take every replica out
   * of its load balancer. A model with no ready version is not ready.
   */
  ready(): boolean {
    return this.initialised && [...this.entries.values()].every((e) => [...e.versions.values()].some((v) => v.state === 'ready'));
  }

  /** The served model for `name`, at `version` or the newest ready one. */
  resolve(name: string, version?: string): ServedModel {
    const entry = this.entries.get(name);
    if (!entry) throw new TetraError('MODEL_NOT_FOUND', `no model named "${name}"${this.knownNames()}`, { model: name });
    if (version !== undefined) return this.resolveVersion(name, entry, version);
    const newest = newestReady(entry);
    if (newest) return newest;
    throw notReady(name, entry);
  }

  /**
   * The versions that answer one call: `version` when the caller names one,
   * else the stable version or the canary per the model's rollout, plus a
   * shadow version to receive a copy when the rollout has one.
   */
  route(name: string, version: string | undefined, routeKey: string | undefined): { primary: ServedModel; shadow?: ServedModel } {
    if (version !== undefined) return { primary: this.resolve(name, version) };
    const entry = this.entries.get(name);
    const rollout = entry?.source.config?.rollout;
    if (!entry || !rollout) return { primary: this.resolve(name) };
    const ready = [...entry.versions.values()].filter((v) => v.state === 'ready' && v.served);
    const decision = splitTraffic(ready.map((v) => v.version), rollout, routeKey);
    if (!decision) throw notReady(name, entry);
    const primary = entry.versions.get(decision.primary)?.served as ServedModel;
    const shadow = decision.shadow !== undefined ? entry.versions.get(decision.shadow)?.served : undefined;
    return shadow ? { primary, shadow } : { primary };
  }

  /** Unloads everything, draining queued requests first. Loads still running are waited for, then unloaded. */
  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.entries.values()) {
      await entry.syncing?.catch(() => undefined);
      await unloadAll([...entry.versions.values()]);
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

  /** Runs one sync of `name` at a time: a call made while one runs waits, then syncs again. */
  private sync(name: string): Promise<void> {
    const entry = this.entry(name);
    const previous = entry.syncing ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.syncNow(entry, name));
    entry.syncing = next;
    const clear = (): void => {
      if (entry.syncing === next) entry.syncing = undefined;
    };
    next.then(clear, clear);
    return next;
  }

  /**
   * Loads the versions the policy wants, then unloads the others, but only
   * once a wanted version is ready: a new version that fails to load leaves
   * the old one serving.
   */
  private async syncNow(entry: Entry, name: string): Promise<void> {
    const invalid = entry.scanError ?? entry.source.error;
    if (invalid) {
      entry.error = invalid;
      throw invalid;
    }
    let wanted: string[];
    try {
      const only = this.pinned.get(name);
      wanted = only !== undefined ? [only] : withRolloutVersions(entry.source, name);
      entry.error = wanted.length === 0 ? new TetraError('MODEL_VERSION_NOT_FOUND', `model "${name}" has no version folders`, { model: name }) : undefined;
    } catch (error) {
      entry.error = asTetraError(error);
      throw entry.error;
    }
    for (const version of wanted) {
      if (entry.versions.get(version)?.state !== 'ready') await this.loadVersion(entry, version);
    }
    if (wanted.some((v) => entry.versions.get(v)?.state === 'ready')) {
      const unwanted = [...entry.versions.values()].filter((v) => !wanted.includes(v.version));
      for (const v of unwanted) entry.versions.delete(v.version);
      await unloadAll(unwanted);
    }
    if (entry.error) throw entry.error;
  }

  private async loadVersion(entry: Entry, version: string): Promise<void> {
    setVersion(entry, { version, state: 'loading' });
    try {
      const served = await loadServedModel(entry.source, version, this.loadOptions);
      if (this.closed) {
        await unloadServedModel(served);
        throw new TetraError('SHUTTING_DOWN', `model "${entry.source.name}" version ${version} loaded after the repository closed`);
      }
      setVersion(entry, { version, state: 'ready', served });
    } catch (error) {
      setVersion(entry, { version, state: 'failed', error: asTetraError(error) });
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

/**
 * The versions to serve: a rollout's canary and shadow versions, plus what
 * the version policy selects. `latest` policies pick among the other
 * versions, since the stable version a canary splits traffic with is the
 * newest one that is not a candidate (with `latest` over all versions, a
 * canary that is the newest version would be the only one loaded and get
 * every call). Pinned versions are taken as written.
 */
function withRolloutVersions(source: ModelSource, name: string): string[] {
  const policy = source.config?.version_policy;
  const rollout = source.config?.rollout;
  const present = [...source.versions.keys()];
  const extra = [rollout?.canary?.version, rollout?.shadow?.version].filter((v): v is string => v !== undefined && source.versions.has(v));
  const stable = present.filter((v) => !extra.includes(v));
  const pinned = typeof policy === 'object' && 'pinned' in policy;
  const selected = selectVersions(policy, pinned || stable.length === 0 ? present : stable, name);
  return [...new Set([...selected, ...extra])].sort((a, b) => Number(a) - Number(b));
}

/** The newest ready version: looked up on every call, so walked without allocating. */
function newestReady(entry: Entry): ServedModel | undefined {
  let newest: ServedModel | undefined;
  for (const v of entry.versions.values()) if (v.state === 'ready' && v.served) newest = v.served;
  return newest;
}

/** Records a version's state, keeping the map in numeric version order. */
function setVersion(entry: Entry, status: VersionStatus): void {
  const had = entry.versions.has(status.version);
  entry.versions.set(status.version, status);
  if (had) return;
  entry.versions = new Map([...entry.versions].sort(([a], [b]) => Number(a) - Number(b)));
}

/** Drains and frees every loaded version; one failure does not keep the others loaded. */
async function unloadAll(versions: readonly VersionStatus[]): Promise<void> {
  const results = await Promise.allSettled(versions.filter((v) => v.served).map((v) => unloadServedModel(v.served as ServedModel)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw asTetraError(failed.reason);
}

function notReady(name: string, entry: Entry): TetraError {
  const failed = [...entry.versions.values()].find((v) => v.state === 'failed');
  if (failed?.error) return new TetraError('MODEL_NOT_READY', `model "${name}" failed to load: ${failed.error.message}`, { model: name, cause: failed.error });
  if (entry.error) return new TetraError('MODEL_NOT_READY', entry.error.message, { model: name, cause: entry.error });
  return new TetraError('MODEL_NOT_READY', `model "${name}" is not loaded yet`, { model: name });
}
