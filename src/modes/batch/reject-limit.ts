import { TetraError } from '../../core/index.ts';

/** How many rejected rows a job tolerates: a count, or a share of its input rows. */
export type RejectLimit = { readonly count: number } | { readonly percent: number };

/** Parses `--max-rejects`: `N` (rows) or `P%` (of the input rows). */
export function parseRejectLimit(text: string): RejectLimit {
  const trimmed = text.trim();
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(trimmed);
  if (percent) {
    const value = Number(percent[1]);
    if (value <= 100) return { percent: value };
  } else if (/^\d+$/.test(trimmed)) {
    return { count: Number(trimmed) };
  }
  throw new TetraError('CONFIG_INVALID', `max rejects must be a row count (like 100) or a percentage up to 100% (like 0.5%), got "${text}"`, { field: 'max_rejects' });
}

/**
 * Whether `rejected` rows of `rowsIn` break the limit. A percentage is
 * judged against the whole input: while it is being read, only once the
 * rejects exceed that share of its known total (or of every row, at the end).
 */
export function rejectsExceeded(limit: RejectLimit | undefined, rejected: number, rowsIn: number, totalRows?: number): boolean {
  if (!limit) return false;
  if ('count' in limit) return rejected > limit.count;
  const total = totalRows ?? rowsIn;
  return total > 0 && rejected > (limit.percent / 100) * total;
}

export function describeLimit(limit: RejectLimit): string {
  return 'count' in limit ? `${limit.count} rows` : `${limit.percent}% of the input`;
}
