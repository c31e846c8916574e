import { setImmediate as yieldToRequests } from 'node:timers/promises';
import type { NoncurrentCursor, ObjectStore } from '../store/index.js';
import { readTags } from '../tagging.js';
import type { LifecycleRule } from './config.js';
import { isInScope, markerCutoff, noncurrentCutoff, objectCutoff, uploadCutoff } from './expiry.js';

/** What one lifecycle sweep did. */
export interface LifecycleSweepResult {
  /** Current versions expired: deleted, or on a versioned bucket hidden behind a new delete marker. */
  expiredObjects: number;
  /** Noncurrent versions (and noncurrent delete markers) deleted by NoncurrentVersionExpiration. */
  expiredVersions: number;
  /** Expired object delete markers (the only version left of their key) removed. */
  removedDeleteMarkers: number;
  abortedUploads: number;
}

/** Objects read per synchronous step; requests are served between steps. */
const BATCH = 64;

/**
 * Applies every bucket's lifecycle rules as of `nowMs`: expires the current versions whose
 * Expiration is due, deletes the noncurrent versions whose NoncurrentVersionExpiration is due,
 * removes expired object delete markers and aborts the multipart uploads whose
 * AbortIncompleteMultipartUpload is due. Each step is one short transaction, and the sweep yields
 * to requests between steps; it stops a bucket when its configuration changes meanwhile, and
 * everything when `isStopped` says so.
 */
export async function sweepLifecycle(store: ObjectStore, nowMs: number, isStopped: () => boolean = () => false): Promise<LifecycleSweepResult> {
  const result: LifecycleSweepResult = { expiredObjects: 0, expiredVersions: 0, removedDeleteMarkers: 0, abortedUploads: 0 };
  for (const bucket of store.listBuckets()) {
    const config = bucket.lifecycle;
    if (!config) continue;
    const isCurrent = () => !isStopped() && store.getBucket(bucket.name)?.lifecycle === config;
    for (const rule of config.rules) {
      const cutoff = objectCutoff(rule, nowMs);
      if (cutoff !== undefined) result.expiredObjects += await expireObjects(store, bucket.name, rule, cutoff, nowMs, isCurrent);
      const versionsCutoff = noncurrentCutoff(rule, nowMs);
      if (versionsCutoff !== undefined) result.expiredVersions += await expireNoncurrent(store, bucket.name, rule, versionsCutoff, isCurrent);
      const markersCutoff = markerCutoff(rule, nowMs);
      if (markersCutoff !== undefined) result.removedDeleteMarkers += await removeExpiredMarkers(store, bucket.name, rule, markersCutoff, isCurrent);
      const uploadsCutoff = uploadCutoff(rule, nowMs);
      if (uploadsCutoff !== undefined && isCurrent()) result.abortedUploads += abortUploads(store, bucket.name, rule, uploadsCutoff);
    }
  }
  return result;
}

async function expireObjects(store: ObjectStore, bucket: string, rule: LifecycleRule, cutoffMs: number, nowMs: number, isCurrent: () => boolean): Promise<number> {
  let deleted = 0;
  let cursor: { modifiedMs: number; key: string } | undefined = { modifiedMs: -1, key: '' };
  while (cursor && isCurrent()) {
    const step = store.expiry.expireObjects(bucket, cutoffMs, cursor, BATCH, (row) => isInScope(rule.scope, { ...row, tags: readTags(row) }), nowMs);
    deleted += step.deleted;
    cursor = step.next;
    if (cursor) await yieldToRequests();
  }
  return deleted;
}

async function expireNoncurrent(store: ObjectStore, bucket: string, rule: LifecycleRule, cutoffMs: number, isCurrent: () => boolean): Promise<number> {
  const keepNewer = rule.noncurrentVersionExpiration?.newerNoncurrentVersions ?? 0;
  let deleted = 0;
  let cursor: NoncurrentCursor | undefined = { noncurrentMs: -1, key: '', versionId: '' };
  while (cursor && isCurrent()) {
    const step = store.expiry.expireNoncurrent(bucket, cutoffMs, cursor, BATCH, (row) => isInScope(rule.scope, { ...row, tags: readTags(row) }), keepNewer);
    deleted += step.deleted;
    cursor = step.next;
    if (cursor) await yieldToRequests();
  }
  return deleted;
}

async function removeExpiredMarkers(store: ObjectStore, bucket: string, rule: LifecycleRule, cutoffMs: number, isCurrent: () => boolean): Promise<number> {
  let removed = 0;
  let after: string | undefined = '';
  while (after !== undefined && isCurrent()) {
    const step = store.expiry.removeExpiredMarkers(bucket, after, BATCH, (row) => row.modified_ms < cutoffMs && isInScope(rule.scope, { key: row.key, size: 0, tags: [] }));
    removed += step.deleted;
    after = step.next;
    if (after !== undefined) await yieldToRequests();
  }
  return removed;
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

const NOTHING: LifecycleSweepResult = { expiredObjects: 0, expiredVersions: 0, removedDeleteMarkers: 0, abortedUploads: 0 };

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

