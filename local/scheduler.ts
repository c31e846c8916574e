import { randomUUID } from 'node:crypto';

/** One schedule trigger of infra.yaml, as EventBridge runs it: a rule that invokes a function. */
export interface Schedule {
  /** The function the rule targets. */
  functionName: string;
  /** The rule's expression, `rate(...)` or `cron(...)`. */
  expression: string;
  /** The rule's ARN, sent in the event's `resources`. */
  ruleArn: string;
  /** When the rule fires next after `after`, or null when it never fires again (a cron whose years are past). */
  next(after: Date): Date | null;
}

export interface SchedulerOptions {
  schedules: readonly Schedule[];
  account: string;
  region: string;
  /** Sends the event to the function as EventBridge does: an asynchronous (Event) invocation. */
  invoke(functionName: string, payload: Buffer): Promise<void>;
  /** Fire every rule this often instead of at its own times (`serve --schedule-every`, for tests and demos). */
  everyMs?: number;
  log(line: string): void;
  now?: () => Date;
}

export interface Scheduler {
  /** How many events each rule sent so far, by rule ARN. */
  fired(): ReadonlyMap<string, number>;
  close(): void;
}

/** setTimeout's own limit (a longer delay fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Fires the schedule triggers while the runtime runs: each rule, at its times (or every
 * `everyMs`), invokes its function asynchronously with the "Scheduled Event" EventBridge
 * sends for a scheduled rule (its shape: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html,
 * the same fixture as aws-lambda-rust-runtime's `example-cloudwatch-scheduled-event`).
 * A rate rule's first event comes one period after the rule exists (here: after the start),
 * as EventBridge's does. A failed send is logged; the rule keeps firing.
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const now = options.now ?? (() => new Date());
  const timers = new Set<NodeJS.Timeout>();
  const counts = new Map<string, number>();
  let closed = false;

  const fire = (schedule: Schedule, at: Date) => {
    counts.set(schedule.ruleArn, (counts.get(schedule.ruleArn) ?? 0) + 1);
    const payload = Buffer.from(JSON.stringify(scheduledEvent(schedule, at, options.account, options.region)));
    options.invoke(schedule.functionName, payload).catch((error: unknown) => {
      options.log(`schedule ${schedule.expression} → ${schedule.functionName}: the invocation failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  };

  const arm = (schedule: Schedule, from: Date) => {
    if (closed) return;
    const at = options.everyMs === undefined ? schedule.next(from) : new Date(from.getTime() + options.everyMs);
    if (at === null) return;
    const delay = Math.max(0, at.getTime() - now().getTime());
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (delay > MAX_TIMER_MS) return arm(schedule, from);
      fire(schedule, at);
      arm(schedule, at);
    }, Math.min(delay, MAX_TIMER_MS));
    timer.unref();
    timers.add(timer);
  };

  const start = now();
  for (const schedule of options.schedules) arm(schedule, start);
  return {
    fired: () => counts,
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** The event EventBridge sends a rule's target when a schedule fires. */
export function scheduledEvent(schedule: Pick<Schedule, 'ruleArn'>, at: Date, account: string, region: string): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account,
    // EventBridge's `time` has second precision: 2015-10-08T16:53:06Z.
    time: `${at.toISOString().slice(0, 19)}Z`,
    region,
    resources: [schedule.ruleArn],
    detail: {},
  };
}
