import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken, SdkError } from '@smithy/types';
import { retry, retryDelayMs, type RetryPolicy } from '../../protocol/index.js';

/*
 * The backend's one retry policy for AWS calls: the SDK clients' calls and the presigned PUTs
 * (transport.ts) alike. Eight attempts, not the SDK's three, with full-jitter backoff whose
 * ceiling doubles from 50 ms to 2 s (about 5 s in all): a job's claim that fails is retried by
 * Lambda only a minute later (the async retry), and under 50 % DynamoDB throttling (three
 * failures in a row: one call in eight) each of two runs of 20 jobs had a job that started a
 * minute late (test/chaos/faults.test.ts with DDB_RATE=0.5; eight in a row: one call in 256).
 * AWS's DynamoDB guidance is to retry throttling with backoff until it passes
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html#Programming.Errors.RetryAndBackoff).
 * Which errors are retried is the SDK's own classification (@smithy/core/retry: throttling,
 * transient — dropped connections, timeouts, 500/502/503/504 — and other 5xx).
 */

/** The policy of every AWS call the backend makes. */
export const AWS_RETRY: RetryPolicy = { retries: 7, minDelayMs: 50, maxDelayMs: 2_000, factor: 2 };

/** Whether an AWS call's error is worth another attempt, as the SDK classifies it. */
export function isRetryableAwsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const sdkError = error as SdkError;
  return isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError);
}

/** Runs `call` under AWS_RETRY (for AWS requests made outside an SDK client: presigned PUTs). */
export function retryAwsCall<T>(call: () => Promise<T>): Promise<T> {
  return retry(call, AWS_RETRY, { isRetryable: isRetryableAwsError });
}

/**
 * The SDK clients' retry strategy (the public `RetryStrategyV2` interface of their
 * `retryStrategy` option): AWS_RETRY's attempts and pauses and isRetryableAwsError, so that
 * calls through a client and presigned PUTs retry alike.
 */
export function createAwsRetryStrategy(policy: RetryPolicy = AWS_RETRY): RetryStrategyV2 {
  const token = (retries: number, delayMs: number): RetryToken => ({ getRetryCount: () => retries, getRetryDelay: () => delayMs });
  return {
    acquireInitialRetryToken: () => Promise.resolve(token(0, 0)),
    refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo) {
      const failures = previous.getRetryCount() + 1;
      if (failures > policy.retries || !isRetryableAwsError(info.error)) return Promise.reject(info.error ?? new Error('Expected an error to retry'));
      return Promise.resolve(token(failures, retryDelayMs(policy, failures)));
    },
    recordSuccess: () => undefined,
  };
}
