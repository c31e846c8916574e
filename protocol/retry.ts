import * as z from 'zod/mini';

// The one retry helper of the project: the client's requests, the backend's AWS calls, the
// runner's final record write and the log shipper's final uploads all retry through `retry`
// with a `RetryPolicy` (exponential backoff with full jitter: a random pause under a ceiling
// that grows by `factor` from `minDelayMs` up to `maxDelayMs`, as AWS describes it in
// https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/). Which failures are
// worth another attempt is the caller's to say (`isRetryable`): the client retries network
// errors and 5xx, the backend what the AWS SDK classifies as throttling, transient or 5xx.
// It lives in protocol/ because DESIGN's import table lets both client/ and backend/ import it.

/** How often and how long to retry. */
export const RetryPolicy = z.object({
  /**
   * Retries after the first attempt (0 = none). The default, the client's: eight span up to
   * about 16 s of backoff (the Go client's seven attempts span about 10 s): a tail outlives a
   * storage that fails or throttles a fifth of its requests (nine failures in a row: 5·10⁻⁷),
   * where four retries lost a tail in about one 20-job run in six (test/chaos/faults.test.ts).
   */
  retries: z._default(z.int().check(z.gte(0), z.lte(100)), 8),
  /** Ceiling of the first retry's delay. */
  minDelayMs: z._default(z.number().check(z.gte(0)), 100),
  /** Ceiling of any retry's delay. */
  maxDelayMs: z._default(z.number().check(z.gte(0)), 5_000),
  /** Growth of the delay ceiling per retry. */
  factor: z._default(z.number().check(z.gte(1)), 2),
});
/** A policy with every field set. */
export type RetryPolicy = z.infer<typeof RetryPolicy>;

/** What decides, besides the policy, whether and how a call is tried again. */
export interface RetryOptions<T> {
  /** Whether a thrown error is worth another attempt. */
  isRetryable: (error: unknown) => boolean;
  /** Whether a value (e.g. an HTTP 5xx answer) is worth another attempt; the last one is returned as is. */
  isRetryableResult?: (value: T) => boolean;
  /**
   * Retry until this time (epoch ms): a pause is cut short to end at it, and a failure at or after
   * it is given up (the last error thrown, or the last value returned).
   */
  deadlineAt?: number;
  /** Attempts made whatever the deadline, with the policy's pauses (default 1). */
  minAttempts?: number;
  /** Waits between attempts (default: a timer); a client's rejects at once when its signal aborts. */
  wait?: (ms: number) => Promise<void>;
  /** Called before each pause with what failed, the failures so far and the pause. */
  onRetry?: (failed: { error?: unknown; value?: T }, failures: number, delayMs: number) => void | Promise<void>;
  now?: () => number;
  random?: () => number;
}

/** The pause after `failures` failures in a row (1-based): full jitter under `min × factor^(failures-1)`, capped. */
export function retryDelayMs(policy: RetryPolicy, failures: number, random: () => number = Math.random): number {
  return Math.round(random() * retryCeilingMs(policy, failures));
}

/** The ceiling of the pause after `failures` failures in a row (1-based). */
export function retryCeilingMs(policy: RetryPolicy, failures: number): number {
  return Math.min(policy.maxDelayMs, policy.minDelayMs * policy.factor ** Math.max(0, failures - 1));
}

/**
 * Runs `attempt` (given its 1-based number) until it succeeds, fails in a way `isRetryable`
 * refuses, or the policy's retries (or the deadline) run out; then throws the last error or
 * returns the last value.
 */
export async function retry<T>(attempt: (attemptNumber: number) => Promise<T>, policy: RetryPolicy, options: RetryOptions<T>): Promise<T> {
  const now = options.now ?? Date.now;
  for (let failures = 0; ; ) {
    let failed: { error?: unknown; value?: T };
    try {
      const value = await attempt(failures + 1);
      if (!options.isRetryableResult?.(value)) return value;
      failed = { value };
    } catch (error) {
      if (!options.isRetryable(error)) throw error;
      failed = { error };
    }
    failures += 1;
    let delayMs = retryDelayMs(policy, failures, options.random);
    const bounded = options.deadlineAt !== undefined && failures >= (options.minAttempts ?? 1);
    const remainingMs = bounded ? (options.deadlineAt as number) - now() : Infinity;
    if (failures > policy.retries || remainingMs <= 0) {
      if ('error' in failed) throw failed.error;
      return failed.value as T;
    }
    delayMs = Math.min(delayMs, remainingMs);
    await options.onRetry?.(failed, failures, delayMs);
    await (options.wait ?? waitMs)(delayMs);
  }
}

function waitMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
