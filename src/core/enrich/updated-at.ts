export { UPDATED_AT_FIELD } from '../config/online-features-config.ts';

/**
 * The age of a hash from its `_updated_at` stamp (epoch milliseconds);
 * undefined when the stamp is absent or unreadable. A stamp from the
 * future (writer clock ahead) counts as age 0, not as a negative age.
 */
export function ageOfStamp(stamp: string | null | undefined, nowMs: number): number | undefined {
  if (stamp === null || stamp === undefined || stamp.trim() === '') return undefined;
  const at = Number(stamp);
  if (!Number.isFinite(at)) return undefined;
  return Math.max(0, nowMs - at);
}
