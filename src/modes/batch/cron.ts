import { TetraError } from '../../core/index.ts';
import { CRON_FIELDS, CronFieldProblem, cronError, parseCronField, type CronField } from './schedule-cron-field.ts';
import { ZoneClock } from './schedule-zone.ts';

/** The usual shorthands. `@reboot` has no place in a long-running scheduler and is refused. */
const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Weekdays repeat every 400 Gregorian years: nothing found in that span never happens. */
const SEARCH_YEARS = 400;

export interface CronOptions {
  /** IANA time zone the fields are read in; UTC when absent. */
  readonly timezone?: string;
}

/**
 * A cron schedule.
 *
 * Syntax: five fields `minute hour day-of-month month day-of-week`, or six
 * with a seconds field first (`*\/2 * * * * *` = every 2 seconds). Each field
 * takes `*`, numbers, lists `1,15`, ranges `1-5`, steps `*\/5`, `1-10/2` and
 * `5/15` (5 to the end of the range, every 15). Months take JAN-DEC,
 * weekdays SUN-SAT (any case); day-of-week 0 and 7 are both Sunday; `?`
 * is accepted as `*` in the day fields. Macros: @yearly @annually @monthly
 * @weekly @daily @midnight @hourly.
 *
 * Days, the Vixie cron rule: when day-of-month and day-of-week are both
 * restricted (neither starts with `*`), a day matching either fires
 * (`0 0 1 * MON` = the 1st and every Monday); otherwise a day must match both.
 *
 * Time zones: fields are read on the wall clock of `timezone` (UTC by
 * default). A wall time skipped by a spring-forward jump fires shifted by
 * the jump (02:30 -> 03:30); a wall time repeated by a fall-back change
 * fires once, at its first occurrence, so a schedule finer than hourly
 * pauses through the repeated hour.
 */
export class CronExpression {
  readonly source: string;
  readonly timezone: string | undefined;
  /** The expression has a seconds field. */
  readonly hasSeconds: boolean;
  private readonly second: CronField;
  private readonly minute: CronField;
  private readonly hour: CronField;
  private readonly dayOfMonth: CronField;
  private readonly month: CronField;
  private readonly dayOfWeek: CronField;
  private readonly eitherDay: boolean;
  private readonly zone: ZoneClock | undefined;

  private constructor(source: string, fields: readonly string[], zone: ZoneClock | undefined) {
    this.source = source;
    this.zone = zone;
    this.timezone = zone?.timeZone;
    this.hasSeconds = fields.length === 6;
    const [second, minute, hour, dom, month, dow] = this.hasSeconds ? fields : ['0', ...fields];
    this.second = parseCronField(second as string, CRON_FIELDS.second);
    this.minute = parseCronField(minute as string, CRON_FIELDS.minute);
    this.hour = parseCronField(hour as string, CRON_FIELDS.hour);
    this.dayOfMonth = parseCronField(dom as string, CRON_FIELDS.dayOfMonth);
    this.month = parseCronField(month as string, CRON_FIELDS.month);
    this.dayOfWeek = parseCronField(dow as string, CRON_FIELDS.dayOfWeek);
    this.eitherDay = !this.dayOfMonth.star && !this.dayOfWeek.star;
  }

  /** Parses an expression; a bad one is a CONFIG_INVALID error naming the field and the bad part. */
  static parse(expression: string, options: CronOptions = {}): CronExpression {
    const text = expression.trim();
    const expanded = text.startsWith('@') ? MACROS[text.toLowerCase()] : text;
    if (expanded === undefined) throw cronError(expression, `unknown macro "${text}" (known: ${Object.keys(MACROS).join(' ')})`);
    const fields = expanded.split(/\s+/).filter((f) => f !== '');
    if (fields.length !== 5 && fields.length !== 6) {
      throw cronError(expression, `expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, got ${fields.length}`);
    }
    const zone = options.timezone === undefined ? undefined : new ZoneClock(options.timezone);
    let cron: CronExpression;
    try {
      cron = new CronExpression(expression, fields, zone);
    } catch (error) {
      throw error instanceof CronFieldProblem ? cronError(expression, error) : error;
    }
    if (cron.nextWall(Date.UTC(2000, 0, 1)) === undefined) {
      throw cronError(expression, `no date ever matches day-of-month "${fields.at(-3)}" in month "${fields.at(-2)}" with day-of-week "${fields.at(-1)}"`, 'day-of-month');
    }
    return cron;
  }

  /** The first time strictly after `after` that the schedule fires. */
  nextFireTime(after: Date): Date {
    const from = after.getTime();
    if (Number.isNaN(from)) throw new TetraError('INTERNAL', 'nextFireTime needs a valid date');
    if (!this.zone) return new Date(this.requireWall(from));
    let wall = this.zone.wallOf(from);
    // Only a wall time repeated by a fall-back change can map back before `after`; at most an hour of them.
    for (let guard = 0; guard < 1_000_000; guard++) {
      wall = this.requireWall(wall);
      const instant = this.zone.instantOf(wall);
      if (instant > from) return new Date(instant);
    }
    throw new TetraError('INTERNAL', `cron expression "${this.source}": no fire time found after ${after.toISOString()} in ${this.zone.timeZone}`);
  }

  private requireWall(from: number): number {
    const next = this.nextWall(from);
    if (next === undefined) throw new TetraError('INTERNAL', `cron expression "${this.source}": no fire time found`);
    return next;
  }

  /** The first matching wall time (UTC arithmetic) strictly after `from`, by whole seconds. */
  private nextWall(from: number): number | undefined {
    const d = new Date(Math.floor(from / 1000) * 1000 + 1000);
    const lastYear = d.getUTCFullYear() + SEARCH_YEARS;
    while (d.getUTCFullYear() <= lastYear) {
      if (!this.month.has(d.getUTCMonth() + 1)) {
        d.setUTCMonth(d.getUTCMonth() + 1, 1);
        d.setUTCHours(0, 0, 0, 0);
      } else if (!this.dayMatches(d)) {
        d.setUTCDate(d.getUTCDate() + 1);
        d.setUTCHours(0, 0, 0, 0);
      } else if (this.matchTime(d)) {
        return d.getTime();
      }
    }
    return undefined;
  }

  /** Moves `d` to the first matching time of its day at or after it; false (moved to the next day or hour) when there is none yet. */
  private matchTime(d: Date): boolean {
    const hour = this.hour.nextFrom(d.getUTCHours());
    if (hour === undefined) {
      d.setUTCHours(24, 0, 0, 0);
      return false;
    }
    if (hour !== d.getUTCHours()) d.setUTCHours(hour, 0, 0, 0);
    const minute = this.minute.nextFrom(d.getUTCMinutes());
    if (minute === undefined) {
      d.setUTCHours(hour + 1, 0, 0, 0);
      return false;
    }
    if (minute !== d.getUTCMinutes()) d.setUTCMinutes(minute, 0, 0);
    const second = this.second.nextFrom(d.getUTCSeconds());
    if (second === undefined) {
      d.setUTCMinutes(minute + 1, 0, 0);
      return false;
    }
    d.setUTCSeconds(second, 0);
    return true;
  }

  private dayMatches(d: Date): boolean {
    const dom = this.dayOfMonth.has(d.getUTCDate());
    const dow = this.dayOfWeek.has(d.getUTCDay());
    return this.eitherDay ? dom || dow : dom && dow;
  }
}
