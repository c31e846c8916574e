// When a job's end event is tried again after a failed webhook call (or queue send).
//
// Standard Webhooks asks senders to retry with exponential backoff, and names Svix's schedule
// as its model (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md,
// "Retry schedule"). Svix's documented schedule (https://docs.svix.com/retries): "Immediately,
// 5 seconds, 5 minutes, 30 minutes, 2 hours, 5 hours, 10 hours, 10 hours (in addition to the
// previous)". That sums to 27 h 35 min; ours stops at 24 h after the job's end: the attempt
// that would come later is made at the 24 h mark instead, and it is the last.

const MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** The pause before each retry (after the first, immediate, attempt): Svix's schedule. */
export const DEFAULT_RETRY_SCHEDULE: number[] = [5 * MS.s, 5 * MS.m, 30 * MS.m, 2 * MS.h, 5 * MS.h, 10 * MS.h, 10 * MS.h];

/** No attempt later than this after the job's end. */
export const MAX_RETRY_WINDOW_MS = 24 * MS.h;

/** `500ms`, `5s`, `5m`, `2h` (or a bare number of ms) in ms; undefined when it is none of those. */
export function parseDurationText(text: string): number | undefined {
  const match = /^(\d{1,9})(ms|s|m|h)?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * MS[(match[2] ?? 'ms') as keyof typeof MS];
}

/** `5s,5m,30m` → the pauses in ms; undefined when any part is not a duration or the list is empty. */
export function parseRetrySchedule(text: string): number[] | undefined {
  const delays = text.split(',').map(parseDurationText);
  return delays.length > 0 && delays.every((delay) => delay !== undefined) ? (delays as number[]) : undefined;
}

/**
 * When the next try is due after `triesMade` tries, the last at `lastAt`, for a job that ended
 * at `endedAt`; undefined when the schedule is spent or the window closed (the event failed).
 */
export function nextTryAt(options: { endedAt: number; triesMade: number; lastAt: number; delaysMs: readonly number[]; windowMs: number }): number | undefined {
  const delay = options.delaysMs[options.triesMade - 1];
  if (delay === undefined) return undefined;
  const closesAt = options.endedAt + options.windowMs;
  if (options.lastAt >= closesAt) return undefined;
  return Math.min(options.lastAt + delay, closesAt);
}
