import { describe, expect, it } from 'vitest';
import { PollPolicy } from '../../client/options.js';
import { PollDelay } from '../../client/poll.js';

describe('PollDelay', () => {
  it('starts at the quick delay and grows by the factor up to the ceiling while idle', () => {
    const delay = new PollDelay(PollPolicy.parse({ quickDelayMs: 2, minDelayMs: 20, maxDelayMs: 10, factor: 2 }));
    expect([delay.next(), delay.next(), delay.next(), delay.next()]).toEqual([2, 4, 8, 10]);
  });

  it('goes back to the minimum after new data and grows from there', () => {
    const delay = new PollDelay(PollPolicy.parse({ quickDelayMs: 2, minDelayMs: 20, maxDelayMs: 1000, factor: 1.5 }));
    delay.next();
    expect(delay.reset()).toBe(20);
    expect([delay.next(), delay.next()]).toEqual([20, 30]);
  });

  it('never waits longer than the ceiling, even for the quick and minimum delays', () => {
    const delay = new PollDelay(PollPolicy.parse({ quickDelayMs: 50, minDelayMs: 40, maxDelayMs: 10 }));
    expect(delay.quick()).toBe(10);
    expect(delay.reset()).toBe(10);
  });

  it('polls at a steady printer\'s pace: at the next expected arrival, then at the minimum for a few polls, then backs off', () => {
    const delay = new PollDelay(PollPolicy.parse({ quickDelayMs: 2, minDelayMs: 20, maxDelayMs: 1000, factor: 1.5 }));
    expect(delay.aim(500, 0)).toBe(500); // no pace known yet
    delay.dataAt(1000);
    delay.dataAt(1150); // a pace of 150 ms: the next is due at 1300, aimed at half a step (10 ms) early
    expect(delay.aim(20, 1152)).toBe(20); // does not pass it
    expect(delay.aim(67, 1270)).toBe(20); // would pass it: polls when it is due
    expect(delay.aim(101, 1290)).toBe(10); // due and not there: every half minimum delay
    expect(delay.aim(152, 1320)).toBe(10);
    expect(delay.aim(228, 1330)).toBe(228); // late for good (4 polls): the backoff
  });

  it('takes no pace from arrivals closer than the minimum delay or further apart than 10 s', () => {
    const delay = new PollDelay(PollPolicy.parse({ minDelayMs: 20 }));
    delay.dataAt(0);
    delay.dataAt(5);
    expect(delay.aim(500, 10)).toBe(500);
    delay.dataAt(20_000);
    expect(delay.aim(500, 20_010)).toBe(500);
  });
});
