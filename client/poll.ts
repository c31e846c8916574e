import type { PollPolicy } from './options.js';

/** Adaptive poll delay: the minimum right after new data, growing by `factor` per empty poll up to the ceiling. */
export class PollDelay {
  private current: number;

  constructor(private readonly policy: PollPolicy) {
    this.current = Math.min(policy.minDelayMs, policy.maxDelayMs);
  }

  /** New data came: poll fast again. Returns the delay before the next poll. */
  reset(): number {
    this.current = Math.min(this.policy.minDelayMs, this.policy.maxDelayMs);
    return this.current;
  }

  /** Nothing new: returns the delay before the next poll and grows the following one. */
  next(): number {
    const delay = this.current;
    this.current = Math.min(this.policy.maxDelayMs, Math.max(this.current, 1) * this.policy.factor);
    return delay;
  }
}
