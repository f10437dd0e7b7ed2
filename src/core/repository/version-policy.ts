import type { ModelConfigFile } from '../config/model-config.ts';
import { TetraError } from '../errors/index.ts';

/** The versions a policy serves, from the versions present (sorted oldest first). */
export function selectVersions(policy: ModelConfigFile['version_policy'], present: readonly string[], model: string): string[] {
  if (present.length === 0) return [];
  if (policy === undefined || policy === 'latest') return present.slice(-1);
  if ('latest' in policy) return present.slice(-policy.latest);
  const pinned = (Array.isArray(policy.pinned) ? policy.pinned : [policy.pinned]).map(String);
  const missing = pinned.filter((v) => !present.includes(v));
  if (missing.length > 0) {
    throw new TetraError('MODEL_VERSION_NOT_FOUND', `model "${model}": pinned version ${missing.join(', ')} not found (present: ${present.join(', ')})`, { model, path: 'version_policy.pinned' });
  }
  return present.filter((v) => pinned.includes(v));
}
