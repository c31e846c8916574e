import { retryCeilingMs, type RetryPolicy } from '../../protocol/index.js';
import type { ShipConfig } from '../config.js';

/** What the shipper knows when it decides whether to upload the log now. */
export interface ShipState {
  now: number;
  /** Bytes that could be uploaded now (the live view's length). */
  liveBytes: number;
  /** Bytes the log object holds (the last successful upload). */
  shippedBytes: number;
  /** When the last upload started, successful or not; undefined before the first. */
  lastAttemptAt: number | undefined;
  /** Failed uploads since the last success. */
  failures: number;
  /** The live view has reached its limit (the head of a capped log) and will not grow any more. */
  liveComplete?: boolean;
}

/** Upload now, wait that long and ask again, or nothing to do until more output comes. */
export type ShipDecision = { kind: 'ship' } | { kind: 'wait'; ms: number } | { kind: 'idle' };

/**
 * The shipper's retry policy (the shared helper's, protocol/retry.ts): pauses growing from 100 ms
 * to 5 s, for as many attempts as the final writes' deadline allows (each upload is already
 * retried as every AWS call is, aws/retry.ts). Live uploads wait the ceiling (no jitter: the
 * plan stays a pure function); final writes go through `retry` with full jitter.
 */
export const SHIP_RETRY: RetryPolicy = { retries: Number.MAX_SAFE_INTEGER, minDelayMs: 100, maxDelayMs: 5_000, factor: 2 };

/**
 * Decides when to upload the log. Each upload rewrites the whole log so far (S3 has no
 * append), so the pause after an upload grows with the log's size: interval(size) =
 * size / bytesPerSecond, kept between minIntervalMs and maxIntervalMs. Consequences:
 * - the first output goes at once, and a line printed after a quiet spell longer than
 *   the interval goes at once too (low latency for interactive output);
 * - the upload rate stays under `bytesPerSecond` (until maxIntervalMs binds), so the
 *   bytes uploaded over a job grow linearly with its duration, never with size²; for a
 *   steady writer the interval grows with the log, so the number of uploads grows only
 *   logarithmically with time;
 * - for a fast writer (w bytes/s) each upload is 1 + w/bytesPerSecond times the one
 *   before: the live uploads add up to about size × (1 + bytesPerSecond / w), i.e.
 *   close to 1× the log for output faster than the rate and 2× at the rate;
 * - a failed upload is retried after a backoff (100 ms doubling to 5 s); nothing is
 *   lost, as the next upload carries the whole log;
 * - once the live view is complete (a log past the cap ships only its head while the job
 *   runs), it goes at once: one more upload of at most the head, so a big fast log moves
 *   as a few big PUTs that readers can fetch while the job runs on.
 */
export function planShipment(state: ShipState, config: ShipConfig): ShipDecision {
  if (state.liveBytes <= state.shippedBytes) return { kind: 'idle' };
  if (state.lastAttemptAt === undefined) return { kind: 'ship' };
  // A complete head is uploaded at once: it is the last live upload this job makes, so readers
  // can fetch it while the job runs on instead of getting the whole log at the end.
  if (state.liveComplete && state.failures === 0) return { kind: 'ship' };
  const pause = state.failures > 0 ? retryDelayMs(state.failures) : shipIntervalMs(state.liveBytes, config);
  const due = state.lastAttemptAt + pause;
  return state.now >= due ? { kind: 'ship' } : { kind: 'wait', ms: due - state.now };
}

/** The pause between two uploads of a log of `sizeBytes`. */
export function shipIntervalMs(sizeBytes: number, config: ShipConfig): number {
  const proportional = Math.ceil((sizeBytes * 1000) / config.bytesPerSecond);
  return Math.min(config.maxIntervalMs, Math.max(config.minIntervalMs, proportional));
}

/** The pause before retrying after `failures` failed uploads in a row. */
export function retryDelayMs(failures: number): number {
  return retryCeilingMs(SHIP_RETRY, failures);
}
