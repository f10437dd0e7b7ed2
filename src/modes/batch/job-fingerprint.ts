import { createHash } from 'node:crypto';

/**
 * A digest of what a job computes: the model version, the input, the
 * output's shape and every option that changes which rows land where. A
 * resume must match it, or it would splice two different jobs' rows.
 */
export function jobFingerprint(identity: Readonly<Record<string, unknown>>): string {
  return createHash('sha256').update(stableJson(identity)).digest('hex').slice(0, 32);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
