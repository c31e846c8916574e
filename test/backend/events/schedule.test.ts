import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE, MAX_RETRY_WINDOW_MS, nextTryAt, parseDurationText, parseRetrySchedule } from '../../../backend/events/schedule.js';

const H = 3_600_000;

/** Every attempt time (ms after the job's end) the schedule makes when every attempt fails at once. */
function attemptTimes(delaysMs: readonly number[], windowMs: number): number[] {
  const times = [0];
  for (let tries = 1; ; tries++) {
    const next = nextTryAt({ endedAt: 0, triesMade: tries, lastAt: times[times.length - 1] ?? 0, delaysMs, windowMs });
    if (next === undefined) return times;
    times.push(next);
  }
}

describe('the retry schedule', () => {
  it("follows Svix's schedule and makes its last attempt at the 24 h mark", () => {
    const times = attemptTimes(DEFAULT_RETRY_SCHEDULE, MAX_RETRY_WINDOW_MS);
    // Immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h after each previous; the last 10 h would pass 24 h.
    expect(times).toEqual([0, 5_000, 305_000, 2_105_000, 2_105_000 + 2 * H, 2_105_000 + 7 * H, 2_105_000 + 17 * H, 24 * H]);
  });

  it('gives up when the schedule is spent inside the window', () => {
    expect(attemptTimes([100, 100], 24 * H)).toEqual([0, 100, 200]);
  });

  it('reads durations and schedules, refusing what is not one', () => {
    expect(parseDurationText('500ms')).toBe(500);
    expect(parseDurationText('5m')).toBe(300_000);
    expect(parseDurationText('2h')).toBe(2 * H);
    expect(parseDurationText('250')).toBe(250);
    expect(parseDurationText('5 minutes')).toBeUndefined();
    expect(parseRetrySchedule('5s,5m')).toEqual([5_000, 300_000]);
    expect(parseRetrySchedule('5s,,5m')).toBeUndefined();
  });
});
