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
});
