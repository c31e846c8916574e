import { z } from 'zod';
import { compileCron, nextCronTime, splitCronFields, CronFields } from './cron.js';

// EventBridge's schedule expressions, as a `schedule` trigger passes its first attr to PutRule
// (lib/lambda.go: LambdaEnsureTriggerSchedule). Rate expressions:
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html
// Cron expressions: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html

/** EventBridge's reference for rate expressions. */
export const RATE_DOCS = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html';
/** EventBridge's reference for cron expressions. */
export const CRON_DOCS = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html';

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** `rate(value unit)`: every `value` units, starting when the rule is created. */
export const RateSchedule = z.object({
  kind: z.literal('rate'),
  expression: z.string(),
  value: z.number().int().positive(),
  unit: z.enum(['minute', 'hour', 'day']),
  periodMs: z.number().int().positive(),
});
export type RateSchedule = z.infer<typeof RateSchedule>;

/** `cron(minutes hours day-of-month month day-of-week year)`, in UTC. */
export const CronSchedule = z.object({
  kind: z.literal('cron'),
  expression: z.string(),
  fields: CronFields,
});
export type CronSchedule = z.infer<typeof CronSchedule>;

/** A validated EventBridge schedule expression. */
export const Schedule = z.discriminatedUnion('kind', [RateSchedule, CronSchedule]);
export type Schedule = z.infer<typeof Schedule>;

/** A schedule expression EventBridge would refuse. */
export class ScheduleError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScheduleError';
  }
}

/** Parses an EventBridge schedule expression, or says why EventBridge would refuse it. */
export function parseSchedule(expression: string): { ok: true; schedule: Schedule } | { ok: false; reason: string } {
  const rate = /^rate\((.*)\)$/s.exec(expression);
  if (rate) return parseRate(expression, rate[1] ?? '');
  const cron = /^cron\((.*)\)$/s.exec(expression);
  if (cron) {
    const fields = splitCronFields(cron[1] ?? '');
    if (!fields.ok) return { ok: false, reason: `${fields.reason} (EventBridge: ${CRON_DOCS})` };
    const compiled = compileCron(fields.fields);
    if (!compiled.ok) return { ok: false, reason: `${compiled.reason} (EventBridge: ${CRON_DOCS})` };
    return { ok: true, schedule: { kind: 'cron', expression, fields: fields.fields } };
  }
  return { ok: false, reason: `expected rate(VALUE UNIT) or cron(MIN HOUR DAY-OF-MONTH MONTH DAY-OF-WEEK YEAR) (EventBridge: ${RATE_DOCS}, ${CRON_DOCS})` };
}

function parseRate(expression: string, inner: string): { ok: true; schedule: Schedule } | { ok: false; reason: string } {
  const parts = inner.split(' ');
  const [valueText = '', unitText = ''] = parts;
  const fail = (reason: string) => ({ ok: false as const, reason: `${reason} (EventBridge: ${RATE_DOCS})` });
  if (parts.length !== 2) return fail(`expected rate(VALUE UNIT), two fields separated by a space, got ${parts.length} field${parts.length === 1 ? '' : 's'}`);
  if (!/^\d+$/.test(valueText)) return fail(`the value must be a positive whole number, got "${valueText}"`);
  const value = Number(valueText);
  if (value === 0) return fail('the value must be positive, got 0');
  const unit = /^(minute|hour|day)(s?)$/.exec(unitText);
  if (!unit) return fail(`the unit must be minute, minutes, hour, hours, day or days, got "${unitText}"`);
  const singular = unit[2] === '';
  if (value === 1 && !singular) return fail(`the unit must be singular when the value is 1: rate(1 ${unit[1]})`);
  if (value > 1 && singular) return fail(`the unit must be plural when the value is greater than 1: rate(${value} ${unit[1]}s)`);
  const base = unit[1] as keyof typeof UNIT_MS;
  return { ok: true, schedule: { kind: 'rate', expression, value, unit: base, periodMs: value * UNIT_MS[base] } };
}

/** Parses a schedule expression, throwing ScheduleError with EventBridge's rule when it is invalid. */
export function requireSchedule(expression: string): Schedule {
  const parsed = parseSchedule(expression);
  if (!parsed.ok) throw new ScheduleError(`invalid schedule expression "${expression}": ${parsed.reason}`);
  return parsed.schedule;
}

/**
 * When a schedule fires next, strictly after `after`, or null when it never fires again (a
 * cron whose years have passed, or one naming a day no month has). A rate fires every period
 * from when its rule was created: pass the start time, then each fire time. A cron fires on
 * whole minutes in UTC, as EventBridge's do.
 */
export function nextFireTime(schedule: Schedule | string, after: Date): Date | null {
  if (Number.isNaN(after.getTime())) throw new ScheduleError(`nextFireTime needs a valid date, got ${String(after)}`);
  const parsed = typeof schedule === 'string' ? requireSchedule(schedule) : schedule;
  if (parsed.kind === 'rate') return new Date(after.getTime() + parsed.periodMs);
  const compiled = compileCron(parsed.fields);
  if (!compiled.ok) throw new ScheduleError(`invalid schedule expression "${parsed.expression}": ${compiled.reason}`);
  return nextCronTime(compiled.spec, after);
}
