import { TetraError } from '../../core/index.ts';

/** One position of a cron expression: its name in messages, its range and the names it accepts. */
export interface CronFieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** What `*` spans when it differs from min-max (day-of-week: 0-6, 7 being Sunday again). */
  readonly starMax?: number;
  /** Three-letter names, the first standing for `min` (JAN = 1, SUN = 0). */
  readonly names?: readonly string[];
  /** `?` is read as `*` (Quartz and AWS write it in the day fields). */
  readonly question?: boolean;
}

export const CRON_FIELDS = {
  second: { name: 'second', min: 0, max: 59 },
  minute: { name: 'minute', min: 0, max: 59 },
  hour: { name: 'hour', min: 0, max: 23 },
  dayOfMonth: { name: 'day-of-month', min: 1, max: 31, question: true },
  month: { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  dayOfWeek: { name: 'day-of-week', min: 0, max: 7, starMax: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], question: true },
} as const satisfies Record<string, CronFieldSpec>;

/** The values one field allows, with a lookup of the next allowed value. */
export interface CronField {
  /** The field starts with `*` (or is `?`): the Vixie day rule treats it as unrestricted. */
  readonly star: boolean;
  has(value: number): boolean;
  /** The smallest allowed value >= `value`, or undefined when there is none. */
  nextFrom(value: number): number | undefined;
}

/** A problem with a field, turned into a message naming the field and the bad part by the caller. */
export class CronFieldProblem extends Error {
  constructor(readonly field: string, readonly part: string, problem: string) {
    super(`${field} field "${part}": ${problem}`);
  }
}

/** Parses one field: `*`, numbers, names, lists `a,b`, ranges `a-b` and steps `*\/n`, `a-b/n`, `a/n` (a to the end). */
export function parseCronField(text: string, spec: CronFieldSpec): CronField {
  if (text === '') throw new CronFieldProblem(spec.name, text, 'is empty');
  const allowed = new Array<boolean>(spec.max + 1).fill(false);
  for (const part of text.split(',')) {
    if (part === '') throw new CronFieldProblem(spec.name, text, 'an empty list item (two commas in a row, or a comma at an end)');
    const [lo, hi, step] = parsePart(part, spec);
    for (let v = lo; v <= hi; v += step) allowed[v] = true;
  }
  // Day-of-week 7 is Sunday, like 0.
  if (spec === CRON_FIELDS.dayOfWeek && allowed[7]) {
    allowed[0] = true;
    allowed[7] = false;
  }
  const next = new Array<number | undefined>(spec.max + 2).fill(undefined);
  for (let v = spec.max; v >= 0; v--) next[v] = allowed[v] ? v : next[v + 1];
  const star = text.startsWith('*') || (spec.question === true && text === '?');
  return { star, has: (value) => allowed[value] === true, nextFrom: (value) => next[value] };
}

/** One list item as [first, last, step]. */
function parsePart(part: string, spec: CronFieldSpec): [number, number, number] {
  const pieces = part.split('/');
  if (pieces.length > 2) throw new CronFieldProblem(spec.name, part, 'more than one "/"');
  const [range = '', stepText] = pieces;
  const step = stepText === undefined ? 1 : parseStep(stepText, part, spec);
  if (range === '*' || (spec.question === true && range === '?' && stepText === undefined)) return [spec.min, spec.starMax ?? spec.max, step];
  const bounds = range.split('-');
  if (bounds.length > 2) throw new CronFieldProblem(spec.name, part, 'a range has one "-"');
  const lo = parseValue(bounds[0] ?? '', part, spec);
  if (bounds.length === 1) return [lo, stepText === undefined ? lo : spec.max, step];
  const hi = parseValue(bounds[1] ?? '', part, spec);
  if (lo > hi) throw new CronFieldProblem(spec.name, part, `the range runs backwards (${lo} is after ${hi}); ranges do not wrap around`);
  return [lo, hi, step];
}

function parseStep(text: string, part: string, spec: CronFieldSpec): number {
  const step = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(step >= 1)) throw new CronFieldProblem(spec.name, part, `the step "${text}" must be a whole number of at least 1`);
  return step;
}

function parseValue(token: string, part: string, spec: CronFieldSpec): number {
  const range = `${spec.min}-${spec.max}`;
  const detail = (problem: string): string => (token === part ? problem : `${token} is ${problem}`);
  if (/^\d+$/.test(token)) {
    const value = Number(token);
    if (value < spec.min || value > spec.max) throw new CronFieldProblem(spec.name, part, detail(`out of range ${range}`));
    return value;
  }
  const index = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  if (index >= 0) return spec.min + index;
  const names = spec.names ? ` or a name (${spec.names[0]}-${spec.names[spec.names.length - 1]})` : '';
  throw new CronFieldProblem(spec.name, part, token === '' ? `a missing number in "${part}"` : detail(`not a number in ${range}${names}`));
}

/** Wraps a field problem into the error a user sees. */
export function cronError(expression: string, problem: CronFieldProblem | string, field?: string): TetraError {
  const text = typeof problem === 'string' ? problem : problem.message;
  const name = typeof problem === 'string' ? field : problem.field;
  return new TetraError('CONFIG_INVALID', `cron expression "${expression}": ${text}`, name === undefined ? {} : { field: name });
}
