import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TetraError } from '../../../src/core/index.ts';
import { CronExpression } from '../../../src/modes/batch/cron.ts';

/** The next `count` fire times after `from`, as ISO strings. */
function fires(expression: string, from: string, count = 3, timezone?: string): string[] {
  const cron = CronExpression.parse(expression, timezone === undefined ? {} : { timezone });
  const out: string[] = [];
  let at = new Date(from);
  for (let i = 0; i < count; i++) {
    at = cron.nextFireTime(at);
    out.push(at.toISOString().replace('.000Z', 'Z'));
  }
  return out;
}

function rejects(expression: string, message: RegExp, timezone?: string): void {
  assert.throws(
    () => CronExpression.parse(expression, timezone === undefined ? {} : { timezone }),
    (error: unknown) => {
      assert.ok(TetraError.is(error), String(error));
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, message);
      return true;
    },
    expression,
  );
}

test('five fields: every, lists, ranges, steps; the next time is strictly after the given one', () => {
  assert.deepEqual(fires('*/15 * * * *', '2026-01-01T10:07:30Z'), ['2026-01-01T10:15:00Z', '2026-01-01T10:30:00Z', '2026-01-01T10:45:00Z']);
  assert.deepEqual(fires('*/15 * * * *', '2026-01-01T10:15:00Z', 1), ['2026-01-01T10:30:00Z']);
  assert.deepEqual(fires('0 9,17 * * *', '2026-01-01T12:00:00Z'), ['2026-01-01T17:00:00Z', '2026-01-02T09:00:00Z', '2026-01-02T17:00:00Z']);
  assert.deepEqual(fires('1-10/4 0 * * *', '2026-01-01T00:00:00Z'), ['2026-01-01T00:01:00Z', '2026-01-01T00:05:00Z', '2026-01-01T00:09:00Z']);
  // `a/n`: from a to the end of the range.
  assert.deepEqual(fires('50/5 3 * * *', '2026-01-01T00:00:00Z'), ['2026-01-01T03:50:00Z', '2026-01-01T03:55:00Z', '2026-01-02T03:50:00Z']);
  assert.deepEqual(fires('0 0 1 */3 *', '2026-02-10T00:00:00Z'), ['2026-04-01T00:00:00Z', '2026-07-01T00:00:00Z', '2026-10-01T00:00:00Z']);
  // Whitespace around and between fields does not matter.
  assert.deepEqual(fires('  30   4  *  * * ', '2026-01-01T00:00:00Z', 1), ['2026-01-01T04:30:00Z']);
});

test('month and weekday names in any case, 7 is Sunday like 0', () => {
  assert.deepEqual(fires('0 0 1 jan,Jul *', '2026-02-01T00:00:00Z', 2), ['2026-07-01T00:00:00Z', '2027-01-01T00:00:00Z']);
  // 2026-01-02 is a Friday.
  assert.deepEqual(fires('0 8 * * MON-FRI', '2026-01-02T09:00:00Z', 3), ['2026-01-05T08:00:00Z', '2026-01-06T08:00:00Z', '2026-01-07T08:00:00Z']);
  const sundays = fires('0 0 * * 0', '2026-01-01T00:00:00Z', 3);
  assert.deepEqual(fires('0 0 * * 7', '2026-01-01T00:00:00Z', 3), sundays);
  assert.deepEqual(fires('0 0 * * SUN', '2026-01-01T00:00:00Z', 3), sundays);
  assert.deepEqual(sundays, ['2026-01-04T00:00:00Z', '2026-01-11T00:00:00Z', '2026-01-18T00:00:00Z']);
  // FRI-SUN through 7.
  assert.deepEqual(fires('0 0 * * 5-7', '2026-01-01T00:00:00Z', 4), ['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z', '2026-01-09T00:00:00Z']);
});

test('macros', () => {
  const from = '2026-05-17T13:45:10Z';
  assert.deepEqual(fires('@hourly', from, 1), ['2026-05-17T14:00:00Z']);
  assert.deepEqual(fires('@daily', from, 1), ['2026-05-18T00:00:00Z']);
  assert.deepEqual(fires('@midnight', from, 1), ['2026-05-18T00:00:00Z']);
  assert.deepEqual(fires('@weekly', from, 1), ['2026-05-24T00:00:00Z']);
  assert.deepEqual(fires('@monthly', from, 1), ['2026-06-01T00:00:00Z']);
  assert.deepEqual(fires('@yearly', from, 1), ['2027-01-01T00:00:00Z']);
  assert.deepEqual(fires('@ANNUALLY', from, 1), ['2027-01-01T00:00:00Z']);
});

test('Vixie day rule: both day fields restricted -> either matches; one starting with * -> both must match', () => {
  // The 13th or any Friday (2026-01-02 and 09 are Fridays).
  assert.deepEqual(fires('0 0 13 * FRI', '2026-01-01T00:00:00Z', 4), ['2026-01-02T00:00:00Z', '2026-01-09T00:00:00Z', '2026-01-13T00:00:00Z', '2026-01-16T00:00:00Z']);
  // `*/2` starts with *: odd days that are also Mondays.
  assert.deepEqual(fires('0 0 */2 * MON', '2026-01-01T00:00:00Z', 3), ['2026-01-05T00:00:00Z', '2026-01-19T00:00:00Z', '2026-02-09T00:00:00Z']);
  // `?` reads as `*` in the day fields (Quartz / AWS style).
  assert.deepEqual(fires('0 0 ? * MON', '2026-01-01T00:00:00Z', 2), ['2026-01-05T00:00:00Z', '2026-01-12T00:00:00Z']);
});

test('calendar edges: short months, leap days, year ends', () => {
  assert.deepEqual(fires('0 0 31 * *', '2026-01-31T00:00:00Z', 3), ['2026-03-31T00:00:00Z', '2026-05-31T00:00:00Z', '2026-07-31T00:00:00Z']);
  assert.deepEqual(fires('0 0 29 2 *', '2025-03-01T00:00:00Z', 2), ['2028-02-29T00:00:00Z', '2032-02-29T00:00:00Z']);
  assert.deepEqual(fires('59 23 31 12 *', '2026-12-31T23:59:00Z', 1), ['2027-12-31T23:59:00Z']);
});

test('six fields: seconds first; five fields fire on second 0', () => {
  assert.deepEqual(fires('*/2 * * * * *', '2026-01-01T00:00:00.500Z'), ['2026-01-01T00:00:02Z', '2026-01-01T00:00:04Z', '2026-01-01T00:00:06Z']);
  assert.deepEqual(fires('15,45 * * * * *', '2026-01-01T00:00:50Z'), ['2026-01-01T00:01:15Z', '2026-01-01T00:01:45Z', '2026-01-01T00:02:15Z']);
  assert.deepEqual(fires('* * * * *', '2026-01-01T00:00:00.001Z', 1), ['2026-01-01T00:01:00Z']);
  assert.equal(CronExpression.parse('* * * * * *').hasSeconds, true);
  assert.equal(CronExpression.parse('* * * * *').hasSeconds, false);
});

test('fire times come from the expression, not from adding intervals: no drift over many fires', () => {
  const cron = CronExpression.parse('*/7 * * * *');
  let at = new Date('2026-01-01T00:00:00Z');
  for (let i = 0; i < 2000; i++) {
    const next = cron.nextFireTime(new Date(at.getTime() + 123));
    assert.equal(next.getUTCMinutes() % 7, 0);
    assert.equal(next.getUTCSeconds(), 0);
    assert.ok(next > at);
    at = next;
  }
});

test('time zones: fields read on the zone wall clock, across summer time', () => {
  // 09:00 Berlin is 08:00 UTC in winter and 07:00 UTC in summer (change on 2026-03-29).
  assert.deepEqual(fires('0 9 * * *', '2026-03-27T12:00:00Z', 3, 'Europe/Berlin'), ['2026-03-28T08:00:00Z', '2026-03-29T07:00:00Z', '2026-03-30T07:00:00Z']);
  assert.equal(CronExpression.parse('0 9 * * *', { timezone: 'Europe/Berlin' }).timezone, 'Europe/Berlin');
  assert.equal(CronExpression.parse('0 9 * * *').timezone, undefined);
  assert.deepEqual(fires('0 0 * * *', '2026-06-01T00:00:00Z', 1, 'Asia/Kolkata'), ['2026-06-01T18:30:00Z']);
});

test('DST gap: a skipped wall time fires shifted by the jump, once', () => {
  // New York jumps 02:00 EST -> 03:00 EDT on 2026-03-08 (07:00 UTC): 02:30 becomes 03:30 EDT.
  assert.deepEqual(fires('30 2 * * *', '2026-03-07T12:00:00Z', 3, 'America/New_York'), ['2026-03-08T07:30:00Z', '2026-03-09T06:30:00Z', '2026-03-10T06:30:00Z']);
  // 02:30 and 03:30 land on the same instant: one fire.
  assert.deepEqual(fires('30 2,3 * * *', '2026-03-08T05:00:00Z', 2, 'America/New_York'), ['2026-03-08T07:30:00Z', '2026-03-09T06:30:00Z']);
  // Every 20 minutes keeps going through the jump.
  assert.deepEqual(fires('*/20 * * * *', '2026-03-08T06:10:00Z', 4, 'America/New_York'), ['2026-03-08T06:20:00Z', '2026-03-08T06:40:00Z', '2026-03-08T07:00:00Z', '2026-03-08T07:20:00Z']);
});

test('DST overlap: a repeated wall time fires once, at its first occurrence', () => {
  // New York falls back 02:00 EDT -> 01:00 EST on 2026-11-01 (06:00 UTC): 01:30 happens at 05:30 and 06:30 UTC.
  assert.deepEqual(fires('30 1 * * *', '2026-10-31T12:00:00Z', 2, 'America/New_York'), ['2026-11-01T05:30:00Z', '2026-11-02T06:30:00Z']);
  // From inside the repeated hour, the repeated 01:xx times are not fired again.
  assert.deepEqual(fires('*/20 * * * *', '2026-11-01T05:10:00Z', 4, 'America/New_York'), ['2026-11-01T05:20:00Z', '2026-11-01T05:40:00Z', '2026-11-01T07:00:00Z', '2026-11-01T07:20:00Z']);
  assert.deepEqual(fires('*/20 * * * *', '2026-11-01T06:10:00Z', 1, 'America/New_York'), ['2026-11-01T07:00:00Z']);
});

test('bad expressions are CONFIG_INVALID naming the field and the bad part', () => {
  rejects('0 25 * * *', /hour field "25": out of range 0-23/);
  rejects('0 1-30 * * *', /hour field "1-30": 30 is out of range 0-23/);
  rejects('60 * * * *', /minute field "60": out of range 0-59/);
  rejects('61 * * * * *', /second field "61": out of range 0-59/);
  rejects('0 0 0 * *', /day-of-month field "0": out of range 1-31/);
  rejects('0 0 * 13 *', /month field "13": out of range 1-12/);
  rejects('0 0 * * 8', /day-of-week field "8": out of range 0-7/);
  rejects('0 0 * FOO *', /month field "FOO": not a number in 1-12 or a name \(JAN-DEC\)/);
  rejects('0 0 * * MON-FUN', /day-of-week field "MON-FUN": FUN is not a number/);
  rejects('*/0 * * * *', /minute field "\*\/0": the step "0" must be a whole number of at least 1/);
  rejects('*/x * * * *', /minute field "\*\/x": the step "x"/);
  rejects('5-1 * * * *', /minute field "5-1": the range runs backwards/);
  rejects('1,,2 * * * *', /minute field "1,,2": an empty list item/);
  rejects('1-2-3 * * * *', /minute field "1-2-3"/);
  rejects('* * *', /expected 5 fields .* or 6 with seconds first, got 3/);
  rejects('* * * * * * *', /got 7/);
  rejects('', /got 0/);
  rejects('@reboot', /unknown macro "@reboot"/);
  rejects('0 0 30 2 *', /no date ever matches day-of-month "30" in month "2"/);
  rejects('* * * * *', /time zone "Mars\/Olympus": not an IANA time zone/, 'Mars/Olympus');
  const error = (() => {
    try {
      CronExpression.parse('0 25 * * *');
    } catch (e) {
      return e as TetraError;
    }
    return undefined;
  })();
  assert.equal(error?.where.field, 'hour');
  assert.match(error?.message ?? '', /^cron expression "0 25 \* \* \*": /);
});
