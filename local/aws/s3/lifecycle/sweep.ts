import { setImmediate as yieldToRequests } from 'node:timers/promises';
import type { ObjectStore } from '../store/index.js';
import { readTags } from '../tagging.js';
import type { LifecycleRule } from './config.js';
import { isInScope, objectCutoff, uploadCutoff } from './expiry.js';

/** What one lifecycle sweep removed. */
export interface LifecycleSweepResult {
  expiredObjects: number;
  abortedUploads: number;
}

/** Objects read per synchronous step; requests are served between steps. */
const BATCH = 64;

/**
 * Applies every bucket's lifecycle rules as of `nowMs`: deletes the objects whose Expiration is
 * due and aborts the multipart uploads whose AbortIncompleteMultipartUpload is due. Each step
 * is one short transaction, and the sweep yields to requests between steps; it stops a bucket
 * when its configuration changes meanwhile, and everything when `isStopped` says so.
 */
export async function sweepLifecycle(store: ObjectStore, nowMs: number, isStopped: () => boolean = () => false): Promise<LifecycleSweepResult> {
  const result: LifecycleSweepResult = { expiredObjects: 0, abortedUploads: 0 };
  for (const bucket of store.listBuckets()) {
    const config = bucket.lifecycle;
    if (!config) continue;
    const isCurrent = () => !isStopped() && store.getBucket(bucket.name)?.lifecycle === config;
    for (const rule of config.rules) {
      const cutoff = objectCutoff(rule, nowMs);
      if (cutoff !== undefined) result.expiredObjects += await expireObjects(store, bucket.name, rule, cutoff, isCurrent);
      const uploadsCutoff = uploadCutoff(rule, nowMs);
      if (uploadsCutoff !== undefined && isCurrent()) result.abortedUploads += abortUploads(store, bucket.name, rule, uploadsCutoff);
    }
  }
  return result;
}

async function expireObjects(store: ObjectStore, bucket: string, rule: LifecycleRule, cutoffMs: number, isCurrent: () => boolean): Promise<number> {
  let deleted = 0;
  let cursor: { modifiedMs: number; key: string } | undefined = { modifiedMs: -1, key: '' };
  while (cursor && isCurrent()) {
    const step = store.expireObjects(bucket, cutoffMs, cursor, BATCH, (row) => isInScope(rule.scope, { ...row, tags: readTags(row) }));
    deleted += step.deleted;
    cursor = step.next;
    if (cursor) await yieldToRequests();
  }
  return deleted;
}

function abortUploads(store: ObjectStore, bucket: string, rule: LifecycleRule, cutoffMs: number): number {
  const due = store
    .bucketUploads(bucket)
    .filter((upload) => upload.initiated_ms < cutoffMs && isInScope(rule.scope, { key: upload.key, size: 0, tags: [] }));
  for (const upload of due) store.abortUpload(upload);
  return due.length;
}

/** The background sweep of one S3 service. */
export interface LifecycleSweeper {
  /** Runs one sweep now (after a running one); resolves with what it removed. */
  sweepNow(): Promise<LifecycleSweepResult>;
  /** Stops the timers and waits for a running sweep to stop. */
  stop(): Promise<void>;
}

const NOTHING: LifecycleSweepResult = { expiredObjects: 0, abortedUploads: 0 };

/** Sweeps once right after start and then every `intervalMs`, with the clock `now`; failures go to `logError`. */
export function startLifecycleSweeper(
  store: ObjectStore,
  options: { intervalMs: number; now: () => number; logError: (message: string, error: unknown) => void },
): LifecycleSweeper {
  let stopped = false;
  let running: Promise<LifecycleSweepResult> = Promise.resolve(NOTHING);
  const sweepNow = (): Promise<LifecycleSweepResult> => {
    running = running.catch(() => NOTHING).then(() => (stopped ? NOTHING : sweepLifecycle(store, options.now(), () => stopped)));
    return running;
  };
  const sweepInBackground = () => {
    sweepNow().catch((error: unknown) => options.logError('local s3: lifecycle sweep failed', error));
  };
  const first = setTimeout(sweepInBackground, 0);
  const timer = setInterval(sweepInBackground, options.intervalMs);
  first.unref();
  timer.unref();
  return {
    sweepNow,
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running.catch(() => undefined);
    },
  };
}

