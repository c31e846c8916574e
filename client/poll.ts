import type { PollPolicy } from './options.js';

/**
 * Adaptive poll delay: a tail starts polling at `quickDelayMs`; after new data it waits
 * `minDelayMs`; each empty poll grows the delay by `factor`, up to the ceiling.
 */
export class PollDelay {
  private current: number;

  constructor(private readonly policy: PollPolicy) {
    this.current = this.quick();
  }

  /** New data came: poll at the minimum again. Returns the delay before the next log read. */
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

  /** The short pause before checking whether a job has just ended. */
  quick(): number {
    return Math.min(this.policy.quickDelayMs, this.policy.maxDelayMs);
  }
}
