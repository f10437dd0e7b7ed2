import { z } from 'zod';

const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `"250ms"`, `"5s"`, `"2m"`, `"1h"` (or a number of milliseconds) into milliseconds; undefined when not a duration. */
export function parseDurationMs(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * (UNITS_MS[match[2] as string] as number);
}

/** A zod schema for durations, producing milliseconds. */
export const durationMs = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDurationMs(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as "250ms", "5s", "2m" or a number of milliseconds, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return ms;
});
