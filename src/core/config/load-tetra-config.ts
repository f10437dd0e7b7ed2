import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { TetraError } from '../errors/index.ts';
import { formatPath } from './config-error.ts';
import { tetraConfigSchema, type TetraConfig } from './server-config.ts';

type Json = Record<string, unknown>;

/** Environment variables that stand for one setting each. */
const ENV_ALIASES: Record<string, string[]> = {
  TETRA_REPO: ['repository'],
  TETRA_HOST: ['server', 'host'],
  TETRA_PORT: ['server', 'port'],
  TETRA_API_KEYS: ['server', 'api_keys'],
  TETRA_LOG_LEVEL: ['logging', 'level'],
  // The SageMaker container contract names the port the container must listen on,
  SAGEMAKER_BIND_TO_PORT: ['server', 'port'],
  // and, in Batch Transform, the largest payload it will send (MaxPayloadInMB),
  SAGEMAKER_MAX_PAYLOAD_IN_MB: ['server', 'body_limit'],
  // that it runs a transform job, and the job's BatchStrategy and MaxConcurrentTransforms.
  SAGEMAKER_BATCH: ['sagemaker', 'batch'],
  SAGEMAKER_BATCH_STRATEGY: ['sagemaker', 'batch_strategy'],
  SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: ['sagemaker', 'max_concurrent_transforms'],
};
/**
 * SageMaker variables whose value is not the setting's own: converted (or
 * refused) here. `undefined` = the variable sets nothing, the setting is
 * left to the other sources.
 */
const ENV_CONVERSIONS: Record<string, (raw: string, name: string) => unknown> = {
  SAGEMAKER_MAX_PAYLOAD_IN_MB: payloadMegabytes,
  SAGEMAKER_BATCH: batchFlag,
  SAGEMAKER_BATCH_STRATEGY: (raw) => raw.trim() || undefined,
  SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: concurrentTransforms,
};
/** Variables of the SageMaker contract: they beat TETRA_* ones (SageMaker decides port, payload size and how it sends records). */
const SAGEMAKER_SETTINGS = new Set(['SAGEMAKER_BIND_TO_PORT', 'SAGEMAKER_MAX_PAYLOAD_IN_MB', 'SAGEMAKER_BATCH', 'SAGEMAKER_BATCH_STRATEGY', 'SAGEMAKER_MAX_CONCURRENT_TRANSFORMS']);
const LIST_SETTINGS = new Set(['server.api_keys', 'server.cors_origins']);

export interface ConfigSources {
  /** tetra.yaml path; absent = `TETRA_CONFIG`, else `./tetra.yaml` when it exists; null = no file. */
  readonly file?: string | null;
  readonly env?: NodeJS.ProcessEnv;
  /** Settings from command-line flags, as nested objects (`{server: {port: 9000}}`). */
  readonly flags?: Json;
}

/**
 * Builds the configuration: defaults < tetra.yaml < environment (`TETRA_*`,
 * `TETRA_SECTION__KEY` for any setting) < command-line flags, validated once.
 * An error names the bad setting's path and where its value came from.
 */
export async function loadTetraConfig(sources: ConfigSources = {}): Promise<TetraConfig> {
  const env = sources.env ?? process.env;
  const file = sources.file === null ? null : (sources.file ?? env.TETRA_CONFIG);
  const origin = new Map<string, string>();
  const merged: Json = {};
  if (file !== null) merge(merged, await readConfigFile(file ?? 'tetra.yaml', file !== undefined), file ?? 'tetra.yaml', origin, []);
  merge(merged, fromEnv(env, origin), '', origin, [], false);
  merge(merged, sources.flags ?? {}, 'command-line flag', origin, []);
  const parsed = tetraConfigSchema.safeParse(merged);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.code === 'unrecognized_keys' ? formatPath([...issue.path, ...issue.keys.slice(0, 1)]) : formatPath(issue.path);
    const from = sourceOf(origin, path) ?? file ?? 'tetra.yaml';
    const what = issue.code === 'unrecognized_keys' ? `unknown setting "${issue.keys.join('", "')}"` : issue.message;
    return { path, text: `${path} (from ${from}): ${what}` };
  });
  throw new TetraError('CONFIG_INVALID', `invalid configuration: ${problems.map((p) => p.text).join('; ')}`, { path: problems[0]?.path });
}

async function readConfigFile(file: string, required: boolean): Promise<Json> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new TetraError('CONFIG_INVALID', `${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file, cause: error });
  }
  const doc = parseDocument(text, { prettyErrors: false });
  const bad = doc.errors[0];
  if (bad) throw new TetraError('CONFIG_INVALID', `${file}:${bad.linePos?.[0]?.line ?? '?'}: not valid YAML: ${bad.message}`, { file, cause: bad });
  const value: unknown = doc.toJS() ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new TetraError('CONFIG_INVALID', `${file}: expected a mapping of settings at the top level`, { file });
  return value as Json;
}

/**
 * When two variables set one setting, the more specific wins, whatever
 * their order in the environment: `TETRA_SECTION__KEY`, then the `TETRA_*`
 * shorthands, then the SageMaker ones (SageMaker only reaches the container
 * on SAGEMAKER_BIND_TO_PORT, sends payloads up to
 * SAGEMAKER_MAX_PAYLOAD_IN_MB whatever Tetra's own limit says, and splits
 * records and opens connections as the transform job says).
 */
function envRank(name: string): number {
  if (SAGEMAKER_SETTINGS.has(name)) return 2;
  return Object.hasOwn(ENV_ALIASES, name) ? 1 : 0;
}

/**
 * SAGEMAKER_MAX_PAYLOAD_IN_MB -> a body limit of that many MiB (a MiB is at
 * least SageMaker's MB, whichever it means). 0 means "unbounded, chunked":
 * Tetra holds a body in memory and needs a bound, so 0 is refused.
 */
function payloadMegabytes(raw: string, name: string): string {
  const text = raw.trim();
  const mb = /^\d+$/.test(text) ? Number(text) : NaN;
  if (mb >= 1) return `${mb}mb`;
  const why = mb === 0
    ? 'is 0 (payloads of any size, sent chunked), but Tetra reads a request body into memory and needs a bound; set MaxPayloadInMB to 1-100'
    : `must be a whole number of megabytes, got ${JSON.stringify(raw)}`;
  throw envError(name, why);
}

/** SAGEMAKER_BATCH: true/false or 1/0, in any case; empty sets nothing. */
function batchFlag(raw: string, name: string): boolean | undefined {
  const text = raw.trim().toLowerCase();
  if (text === '') return undefined;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw envError(name, `must be true or false, got ${JSON.stringify(raw)}`);
}

/**
 * SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: a whole number of requests. 0 is how
 * a job leaves the choice to the container, so it sets nothing: tetra.yaml
 * (or TETRA_SAGEMAKER__MAX_CONCURRENT_TRANSFORMS), else one per CPU core.
 */
function concurrentTransforms(raw: string, name: string): number | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (value === 0) return undefined;
  if (Number.isSafeInteger(value)) return value;
  throw envError(name, `must be a whole number of requests (0 = the container decides), got ${JSON.stringify(raw)}`);
}

/** A refused SageMaker variable, named with the setting it stands for. */
function envError(name: string, why: string): TetraError {
  const path = (ENV_ALIASES[name] ?? []).join('.');
  return new TetraError('CONFIG_INVALID', `invalid configuration: ${path} (from ${name}): ${name} ${why}`, { path });
}

/** `TETRA_SERVER__PORT=9000` -> server.port = 9000; values are read as YAML scalars ("9000" is a number). */
function fromEnv(env: NodeJS.ProcessEnv, origin: Map<string, string>): Json {
  const out: Json = {};
  for (const [name, raw] of Object.entries(env).sort(([a], [b]) => envRank(a) - envRank(b))) {
    if (raw === undefined) continue;
    const path = ENV_ALIASES[name] ?? (name.startsWith('TETRA_') && name.includes('__') ? name.slice(6).toLowerCase().split('__') : undefined);
    if (!path) continue;
    const key = path.join('.');
    const convert = Object.hasOwn(ENV_CONVERSIONS, name) ? ENV_CONVERSIONS[name] : undefined;
    const value = convert ? convert(raw, name) : LIST_SETTINGS.has(key) ? raw.split(',').map((s) => s.trim()).filter(Boolean) : scalar(raw);
    if (value === undefined) continue;
    setPath(out, path, value);
    origin.set(key, name);
  }
  return out;
}

/**
 * Numbers, booleans and YAML lists/maps (`[a, b]`, `{...}`) are converted;
 * anything else stays the string it is (`::`, `/data/models #1`, `2024`
 * for a folder name are strings; the schema decides whether that is valid).
 */
function scalar(raw: string): unknown {
  const t = raw.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t.startsWith('[') || t.startsWith('{')) {
    try {
      return parseDocument(t).toJS() ?? raw;
    } catch {
      return raw;
    }
  }
  return raw;
}

/** Where a setting came from: recorded for it or for the nearest enclosing setting (`server.api_keys[0]` -> `server.api_keys`). */
function sourceOf(origin: ReadonlyMap<string, string>, path: string): string | undefined {
  for (let p = path; p !== ''; p = p.replace(/(\[\d+\]|\.[^.[]+|^[^.[]+)$/, '')) {
    const found = origin.get(p);
    if (found) return found;
  }
  return undefined;
}

/** Keys that would reach Object.prototype through a merge. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function setPath(target: Json, path: readonly string[], value: unknown): void {
  let node = target;
  path.slice(0, -1).forEach((p) => {
    if (typeof node[p] !== 'object' || node[p] === null) node[p] = {};
    node = node[p] as Json;
  });
  node[path[path.length - 1] as string] = value;
}

/** Deep-merges `source` into `target`, remembering where each leaf came from. */
function merge(target: Json, source: Json, label: string, origin: Map<string, string>, path: string[], record = true): void {
  for (const [key, value] of Object.entries(source)) {
    if (UNSAFE_KEYS.has(key)) throw new TetraError('CONFIG_INVALID', `invalid configuration: ${[...path, key].join('.')} (from ${label || 'the environment'}): "${key}" is not a setting`, { path: [...path, key].join('.') });
    const here = [...path, key];
    if (isPlainObject(value) && isPlainObject(target[key])) {
      merge(target[key] as Json, value, label, origin, here, record);
      continue;
    }
    target[key] = isPlainObject(value) ? structuredClone(value) : value;
    if (record) origin.set(here.join('.'), label);
  }
}

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
