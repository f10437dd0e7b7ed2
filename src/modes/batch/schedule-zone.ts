import { TetraError } from '../../core/index.ts';

const DAY_MS = 86_400_000;

/**
 * Wall-clock time in one IANA time zone, through Intl (no time zone data of
 * our own). A "wall" time is the zone's local date and time written as if it
 * were UTC milliseconds, so calendar arithmetic on it never meets DST.
 */
export class ZoneClock {
  readonly timeZone: string;
  private readonly format: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    try {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (error) {
      throw new TetraError('CONFIG_INVALID', `time zone "${timeZone}": not an IANA time zone name (such as "UTC", "Europe/Berlin" or "America/New_York")`, { field: 'timezone', cause: error });
    }
    this.timeZone = this.format.resolvedOptions().timeZone;
  }

  /** How far the zone's wall clock is ahead of UTC at `instant`, in ms (whole seconds). */
  offsetAt(instant: number): number {
    const seconds = Math.floor(instant / 1000) * 1000;
    const parts: Record<string, number> = {};
    for (const p of this.format.formatToParts(seconds)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const wall = Date.UTC(parts.year as number, (parts.month as number) - 1, parts.day, parts.hour, parts.minute, parts.second);
    return wall - seconds;
  }

  wallOf(instant: number): number {
    return instant + this.offsetAt(instant);
  }

  /**
   * The instant a wall time happens. Repeated by a fall-back change: the
   * first occurrence. Skipped by a spring-forward jump: shifted forward by
   * the jump (02:30 in a 02:00->03:00 jump is 03:30), like most date libraries.
   * Assumes at most one offset change within a day of `wall`.
   */
  instantOf(wall: number): number {
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    const valid = [wall - before, wall - after].filter((t) => this.offsetAt(t) === wall - t);
    return valid.length > 0 ? Math.min(...valid) : wall - before;
  }
}
