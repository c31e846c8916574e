import awsCronParser from 'aws-cron-parser';
import { describe, expect, it } from 'vitest';
import { nextFireTime, parseSchedule, requireSchedule, ScheduleError } from '../../../local/infra/index.js';

const at = (iso: string) => new Date(iso);
const reasonOf = (expression: string) => {
  const parsed = parseSchedule(expression);
  return parsed.ok ? undefined : parsed.reason;
};

function fireTimes(expression: string, from: string, count: number): string[] {
  const times: string[] = [];
  let after = at(from);
  for (let i = 0; i < count; i++) {
    const next = nextFireTime(expression, after);
    if (!next) break;
    times.push(next.toISOString());
    after = next;
  }
  return times;
}

describe('EventBridge schedule expressions', () => {
  it('accepts the rate expressions EventBridge documents', () => {
    for (const expression of ['rate(1 minute)', 'rate(5 minutes)', 'rate(1 hour)', 'rate(12 hours)', 'rate(1 day)', 'rate(7 days)']) {
      expect(reasonOf(expression), expression).toBeUndefined();
    }
    expect(requireSchedule('rate(12 hours)')).toEqual({ kind: 'rate', expression: 'rate(12 hours)', value: 12, unit: 'hour', periodMs: 43_200_000 });
  });

  it('refuses a rate whose unit disagrees with its value, a zero, a fraction or an unknown unit', () => {
    expect(reasonOf('rate(1 minutes)')).toMatch(/^the unit must be singular when the value is 1: rate\(1 minute\)/);
    expect(reasonOf('rate(5 minute)')).toMatch(/^the unit must be plural when the value is greater than 1: rate\(5 minutes\)/);
    expect(reasonOf('rate(0 minutes)')).toMatch(/^the value must be positive, got 0/);
    expect(reasonOf('rate(1.5 hours)')).toMatch(/^the value must be a positive whole number, got "1.5"/);
    expect(reasonOf('rate(2 weeks)')).toMatch(/^the unit must be minute, minutes, hour, hours, day or days, got "weeks"/);
    expect(reasonOf('rate(5minutes)')).toMatch(/^expected rate\(VALUE UNIT\)/);
    expect(reasonOf('every 5 minutes')).toMatch(/^expected rate\(VALUE UNIT\) or cron\(/);
  });

  it('accepts cron expressions with every documented wildcard', () => {
    for (const expression of [
      'cron(0 10 * * ? *)',
      'cron(15 12 * * ? *)',
      'cron(0 18 ? * MON-FRI *)',
      'cron(0 8 1 * ? *)',
      'cron(0/15 * * * ? *)',
      'cron(0/10 * ? * MON-FRI *)',
      'cron(0/5 8-17 ? * MON-FRI *)',
      'cron(0 9 ? * 2#1 *)',
      'cron(0 0 L * ? *)',
      'cron(0 0 ? * 6L *)',
      'cron(0 0 15W * ? *)',
      'cron(0 0 1 JAN,JUL ? 2030-2040)',
    ]) {
      expect(reasonOf(expression), expression).toBeUndefined();
    }
  });

  it('refuses cron expressions EventBridge refuses, saying which field is wrong', () => {
    expect(reasonOf('cron(0 10 * * * *)')).toMatch(/^one of day-of-month and day-of-week must be \? and the other not, got "\*" and "\*"/);
    expect(reasonOf('cron(0 10 ? * ? *)')).toMatch(/^one of day-of-month and day-of-week must be \?/);
    expect(reasonOf('cron(0 10 * * ?)')).toMatch(/^expected six fields/);
    expect(reasonOf('cron(60 10 * * ? *)')).toMatch(/^minutes "60" is not valid \(EventBridge allows 0-59/);
    expect(reasonOf('cron(0 24 * * ? *)')).toMatch(/^hours "24" is not valid/);
    expect(reasonOf('cron(0 0 0 * ? *)')).toMatch(/^day-of-month "0" is not valid/);
    expect(reasonOf('cron(0 0 ? FOO * *)')).toMatch(/^month "FOO" is not valid \(EventBridge allows 1-12 or JAN-DEC/);
    expect(reasonOf('cron(0 0 ? * 8 *)')).toMatch(/^day-of-week "8" is not valid/);
    expect(reasonOf('cron(0 0 ? * 1/2 *)')).toMatch(/EventBridge allows no "\/" in day-of-week/);
    expect(reasonOf('cron(0 0 ? * 3#1,6#3 *)')).toMatch(/"#" takes one expression/);
    expect(reasonOf('cron(0 0 * * ? 1969)')).toMatch(/^year "1969" is not valid/);
    expect(reasonOf('cron(0/0 * * * ? *)')).toMatch(/^minutes "0\/0": expected START\/STEP/);
    expect(reasonOf('cron(0 22-2 * * ? *)')).toMatch(/a range must not wrap around/);
  });

  it('fires a rate one period after the given time', () => {
    expect(nextFireTime('rate(5 minutes)', at('2024-04-02T10:03:27Z'))?.toISOString()).toBe('2024-04-02T10:08:27.000Z');
    expect(nextFireTime(requireSchedule('rate(1 day)'), at('2024-04-02T10:00:00Z'))?.toISOString()).toBe('2024-04-03T10:00:00.000Z');
  });

  it('fires a cron on the next whole UTC minute it allows, strictly after the given time', () => {
    expect(fireTimes('cron(0/15 * * * ? *)', '2024-04-02T10:00:00Z', 3)).toEqual(['2024-04-02T10:15:00.000Z', '2024-04-02T10:30:00.000Z', '2024-04-02T10:45:00.000Z']);
    expect(fireTimes('cron(0 10 ? * MON-FRI *)', '2024-04-05T10:00:00Z', 2)).toEqual(['2024-04-08T10:00:00.000Z', '2024-04-09T10:00:00.000Z']);
    expect(fireTimes('cron(30 9 ? * 2#1 *)', '2024-04-02T00:00:00Z', 2)).toEqual(['2024-05-06T09:30:00.000Z', '2024-06-03T09:30:00.000Z']);
    expect(fireTimes('cron(0 0 L * ? *)', '2024-01-31T00:00:00Z', 2)).toEqual(['2024-02-29T00:00:00.000Z', '2024-03-31T00:00:00.000Z']);
    expect(fireTimes('cron(0 0 ? * 6L *)', '2024-03-01T00:00:00Z', 2)).toEqual(['2024-03-29T00:00:00.000Z', '2024-04-26T00:00:00.000Z']);
    expect(fireTimes('cron(0 0 1W * ? *)', '2024-05-31T00:00:00Z', 1)).toEqual(['2024-06-03T00:00:00.000Z']);
    expect(nextFireTime('cron(0 12 * * ? *)', at('2024-04-02T11:59:59.999Z'))?.toISOString()).toBe('2024-04-02T12:00:00.000Z');
  });

  it('fires only on days a month has, and never when no date is left', () => {
    expect(fireTimes('cron(0 0 31 * ? *)', '2024-04-02T00:00:00Z', 2)).toEqual(['2024-05-31T00:00:00.000Z', '2024-07-31T00:00:00.000Z']);
    expect(fireTimes('cron(0 0 29 2 ? *)', '2025-03-01T00:00:00Z', 1)).toEqual(['2028-02-29T00:00:00.000Z']);
    expect(nextFireTime('cron(0 0 30 2 ? *)', at('2024-01-01T00:00:00Z'))).toBeNull();
    expect(nextFireTime('cron(0 0 1 1 ? 2020)', at('2024-01-01T00:00:00Z'))).toBeNull();
  });

  it('throws ScheduleError for an invalid expression or date', () => {
    expect(() => nextFireTime('rate(1 minutes)', new Date())).toThrow(ScheduleError);
    expect(() => nextFireTime('rate(1 minute)', new Date(Number.NaN))).toThrow(/needs a valid date/);
  });

  it('agrees with aws-cron-parser where that package is right', () => {
    // aws-cron-parser is an independent reading of the same rules; it is wrong for days some
    // months lack (see the test above) and for `NL` around DST, so those are left out.
    const expressions = ['0/15 * * * ? *', '0 10 ? * MON-FRI *', '5,35 8-17 ? * 2-6 *', '0 0 1,15 * ? *', '0 9 ? * 2#1 *', '0 0 L * ? *', '0 0 15W * ? *', '0 12 ? JAN,JUL 1 2025-2030'];
    for (const fields of expressions) {
      const parsed = awsCronParser.parse(fields);
      let theirs: Date | null = at('2024-12-30T23:59:00Z');
      let ours: Date | null = theirs;
      for (let i = 0; i < 40 && theirs && ours; i++) {
        theirs = awsCronParser.next(parsed, theirs);
        ours = nextFireTime(`cron(${fields})`, ours);
        expect(ours?.toISOString(), `${fields} #${i}`).toBe(theirs?.toISOString());
      }
    }
  });
});
