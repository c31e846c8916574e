import { z } from 'zod';

// EventBridge cron expressions, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html:
// six fields (minutes 0-59, hours 0-23, day-of-month 1-31, month 1-12 or JAN-DEC,
// day-of-week 1-7 or SUN-SAT, year 1970-2199), in UTC; one of day-of-month and day-of-week
// must be `?`. Wildcards: `,` `-` `*` `/` (not in day-of-week), `?` and `L` in the day
// fields, `W` in day-of-month, `#` in day-of-week (one expression only).
//
// Next fire times are computed here rather than with aws-cron-parser, whose `next` returns
// dates a field does not allow (`cron(0 0 31 * ? *)` fires "May 1" after April 2; a Feb 29
// schedule fires "March 1" in common years) and computes weekdays in local time, so `6L`
// (last Friday) misses a month around a DST change. test/local/infra/schedule.test.ts
// compares the two on expressions where aws-cron-parser is right.

/** The six fields of a cron expression, as written. */
export const CronFields = z.object({
  minutes: z.string(),
  hours: z.string(),
  dayOfMonth: z.string(),
  month: z.string(),
  dayOfWeek: z.string(),
  year: z.string(),
});
export type CronFields = z.infer<typeof CronFields>;

type DayRule =
  | { kind: 'dom-set'; days: ReadonlySet<number> }
  | { kind: 'dom-last' }
  | { kind: 'dom-weekday'; day: number }
  | { kind: 'dow-set'; days: ReadonlySet<number> }
  | { kind: 'dow-last'; weekday: number }
  | { kind: 'dow-nth'; weekday: number; nth: number };

/** A cron expression compiled to the values each field allows. */
export interface CronSpec {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly months: ReadonlySet<number>;
  readonly years: ReadonlySet<number>;
  readonly lastYear: number;
  readonly day: DayRule;
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly wildcards: string;
}

const MINUTES: FieldSpec = { name: 'minutes', min: 0, max: 59, wildcards: ', - * /' };
const HOURS: FieldSpec = { name: 'hours', min: 0, max: 23, wildcards: ', - * /' };
const DAY_OF_MONTH: FieldSpec = { name: 'day-of-month', min: 1, max: 31, wildcards: ', - * ? / L W' };
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, names: MONTH_NAMES, wildcards: ', - * /' };
const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const DAY_OF_WEEK: FieldSpec = { name: 'day-of-week', min: 1, max: 7, names: WEEKDAY_NAMES, wildcards: ', - * ? L #' };
const YEAR: FieldSpec = { name: 'year', min: 1970, max: 2199, wildcards: ', - * /' };

type Result<T> = { ok: true } & T | { ok: false; reason: string };

/** Splits the inside of `cron(...)` into its six fields. */
export function splitCronFields(inner: string): Result<{ fields: CronFields }> {
  const parts = inner.split(' ');
  if (parts.length !== 6 || parts.some((part) => part === '')) {
    return { ok: false, reason: `expected six fields separated by single spaces (minutes hours day-of-month month day-of-week year), got "${inner}"` };
  }
  const [minutes = '', hours = '', dayOfMonth = '', month = '', dayOfWeek = '', year = ''] = parts;
  return { ok: true, fields: { minutes, hours, dayOfMonth, month, dayOfWeek, year } };
}

/** Compiles validated-or-not fields, saying which field EventBridge would refuse and why. */
export function compileCron(fields: CronFields): Result<{ spec: CronSpec }> {
  const minutes = compileSet(fields.minutes, MINUTES);
  if (!minutes.ok) return minutes;
  const hours = compileSet(fields.hours, HOURS);
  if (!hours.ok) return hours;
  const day = compileDays(fields.dayOfMonth, fields.dayOfWeek);
  if (!day.ok) return day;
  const months = compileSet(fields.month, MONTH);
  if (!months.ok) return months;
  const years = compileSet(fields.year, YEAR);
  if (!years.ok) return years;
  return {
    ok: true,
    spec: {
      minutes: [...minutes.values].sort((a, b) => a - b),
      hours: [...hours.values].sort((a, b) => a - b),
      months: months.values,
      years: years.values,
      lastYear: Math.max(...years.values),
      day: day.rule,
    },
  };
}

function compileDays(dayOfMonth: string, dayOfWeek: string): Result<{ rule: DayRule }> {
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return {
      ok: false,
      reason: `one of day-of-month and day-of-week must be ? and the other not, got "${dayOfMonth}" and "${dayOfWeek}"`,
    };
  }
  return dayOfWeek === '?' ? compileDayOfMonth(dayOfMonth) : compileDayOfWeek(dayOfWeek);
}

function compileDayOfMonth(text: string): Result<{ rule: DayRule }> {
  if (text === 'L') return { ok: true, rule: { kind: 'dom-last' } };
  const weekday = /^(\d+)W$/.exec(text);
  if (weekday) {
    const day = parseValue(weekday[1] ?? '', DAY_OF_MONTH);
    return day.ok ? { ok: true, rule: { kind: 'dom-weekday', day: day.value } } : day;
  }
  const set = compileSet(text, DAY_OF_MONTH);
  return set.ok ? { ok: true, rule: { kind: 'dom-set', days: set.values } } : set;
}

function compileDayOfWeek(text: string): Result<{ rule: DayRule }> {
  if (text === 'L') return { ok: true, rule: { kind: 'dow-set', days: new Set([7]) } };
  const nth = /^([^#,]+)#(\d+)$/.exec(text);
  if (text.includes('#') && !nth) return { ok: false, reason: `day-of-week "${text}": "#" takes one expression, DAY#N (3#2 is the second Tuesday)` };
  if (nth) {
    const weekday = parseValue(nth[1] ?? '', DAY_OF_WEEK);
    if (!weekday.ok) return weekday;
    const n = Number(nth[2]);
    if (n < 1 || n > 5) return { ok: false, reason: `day-of-week "${text}": the week of the month must be 1 to 5, got ${nth[2]}` };
    return { ok: true, rule: { kind: 'dow-nth', weekday: weekday.value, nth: n } };
  }
  const last = /^([^,L-]+)L$/.exec(text);
  if (last) {
    const weekday = parseValue(last[1] ?? '', DAY_OF_WEEK);
    return weekday.ok ? { ok: true, rule: { kind: 'dow-last', weekday: weekday.value } } : weekday;
  }
  if (text.includes('/')) return { ok: false, reason: `day-of-week "${text}": EventBridge allows no "/" in day-of-week (only ${DAY_OF_WEEK.wildcards})` };
  const set = compileSet(text, DAY_OF_WEEK);
  return set.ok ? { ok: true, rule: { kind: 'dow-set', days: set.values } } : set;
}

function compileSet(text: string, spec: FieldSpec): Result<{ values: ReadonlySet<number> }> {
  const all = () => range(spec.min, spec.max, 1);
  if (text === '*') return { ok: true, values: new Set(all()) };
  if (text.includes('/')) {
    if (!spec.wildcards.includes('/')) return { ok: false, reason: `${spec.name} "${text}": EventBridge allows no "/" in ${spec.name}` };
    const [base = '', stepText = '', ...rest] = text.split('/');
    if (rest.length > 0 || !/^\d+$/.test(stepText) || Number(stepText) < 1) {
      return { ok: false, reason: `${spec.name} "${text}": expected START/STEP with a whole STEP of at least 1` };
    }
    const bounds = base === '*' ? { ok: true as const, from: spec.min, to: spec.max } : parseRange(base, spec, true);
    return bounds.ok ? { ok: true, values: new Set(range(bounds.from, bounds.to, Number(stepText))) } : bounds;
  }
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const bounds = parseRange(item, spec, false);
    if (!bounds.ok) return bounds;
    for (const value of range(bounds.from, bounds.to, 1)) values.add(value);
  }
  return { ok: true, values };
}

function parseRange(text: string, spec: FieldSpec, openEnded: boolean): Result<{ from: number; to: number }> {
  const [fromText = '', toText, ...rest] = text.split('-');
  if (rest.length > 0) return invalid(text, spec);
  const from = parseValue(fromText, spec);
  if (!from.ok) return from;
  if (toText === undefined) return { ok: true, from: from.value, to: openEnded ? spec.max : from.value };
  const to = parseValue(toText, spec);
  if (!to.ok) return to;
  if (from.value > to.value) {
    return { ok: false, reason: `${spec.name} "${text}": a range must not wrap around (write ${fromText}-${spec.max},${spec.min}-${toText})` };
  }
  return { ok: true, from: from.value, to: to.value };
}

function parseValue(text: string, spec: FieldSpec): Result<{ value: number }> {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named !== -1) return { ok: true, value: named + 1 };
  if (!/^\d+$/.test(text)) return invalid(text, spec);
  const value = Number(text);
  if (value < spec.min || value > spec.max) return invalid(text, spec);
  return { ok: true, value };
}

function invalid(text: string, spec: FieldSpec): { ok: false; reason: string } {
  const names = spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : '';
  return { ok: false, reason: `${spec.name} "${text}" is not valid (EventBridge allows ${spec.min}-${spec.max}${names} and the wildcards ${spec.wildcards})` };
}

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

/** The first whole UTC minute strictly after `after` that the cron allows, or null if none is left. */
export function nextCronTime(spec: CronSpec, after: Date): Date | null {
  const start = new Date((Math.floor(after.getTime() / 60_000) + 1) * 60_000);
  let year = start.getUTCFullYear();
  let month = start.getUTCMonth() + 1;
  let day = start.getUTCDate();
  let minuteOfDay = start.getUTCHours() * 60 + start.getUTCMinutes();
  while (year <= spec.lastYear) {
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (!spec.years.has(year) || !spec.months.has(month) || day > daysInMonth) {
      [year, month, day, minuteOfDay] = month === 12 ? [year + 1, 1, 1, 0] : [year, month + 1, 1, 0];
      continue;
    }
    if (matchesDay(spec.day, year, month, day, daysInMonth)) {
      const time = firstTimeFrom(spec, minuteOfDay);
      if (time !== undefined) return new Date(Date.UTC(year, month - 1, day, time.hour, time.minute));
    }
    day += 1;
    minuteOfDay = 0;
  }
  return null;
}

function firstTimeFrom(spec: CronSpec, minuteOfDay: number): { hour: number; minute: number } | undefined {
  const startHour = Math.floor(minuteOfDay / 60);
  for (const hour of spec.hours) {
    if (hour < startHour) continue;
    const minute = spec.minutes.find((m) => hour > startHour || m >= minuteOfDay % 60);
    if (minute !== undefined) return { hour, minute };
  }
  return undefined;
}

function matchesDay(rule: DayRule, year: number, month: number, day: number, daysInMonth: number): boolean {
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
  switch (rule.kind) {
    case 'dom-set':
      return rule.days.has(day);
    case 'dom-last':
      return day === daysInMonth;
    case 'dom-weekday':
      return day === nearestWeekday(year, month, rule.day, daysInMonth);
    case 'dow-set':
      return rule.days.has(weekday);
    case 'dow-last':
      return weekday === rule.weekday && day + 7 > daysInMonth;
    case 'dow-nth':
      return weekday === rule.weekday && Math.ceil(day / 7) === rule.nth;
  }
}

// The weekday nearest to `day` within its month (`15W`: a Saturday 15th fires on Friday the 14th).
function nearestWeekday(year: number, month: number, day: number, daysInMonth: number): number | undefined {
  for (const offset of [0, 1, -1, 2, -2]) {
    const candidate = day + offset;
    if (candidate < 1 || candidate > daysInMonth) continue;
    const weekday = new Date(Date.UTC(year, month - 1, candidate)).getUTCDay();
    if (weekday !== 0 && weekday !== 6) return candidate;
  }
  return undefined;
}
