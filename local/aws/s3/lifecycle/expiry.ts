import type { TagPairs } from '../tagging.js';
import type { LifecycleRule, LifecycleScope } from './config.js';

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/** The midnight UTC at or before a time. */
export function startOfDayUtc(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/**
 * When an object created at `createdMs` expires under a rule of `days` days: "Amazon S3
 * calculates the expiration time by adding the number of days specified in the rule to the
 * object creation time and rounding the resulting time to the next day midnight UTC" (e.g.
 * created 1/15 10:30 UTC, 3 days: 1/19 00:00 UTC).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html#intro-lifecycle-rules-actions
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html
 */
export function expiryAfterDays(createdMs: number, days: number): number {
  return startOfDayUtc(createdMs + days * DAY_MS) + DAY_MS;
}

/**
 * The creation times that have expired under a rule of `days` days at `nowMs`: exactly those
 * before the returned time. (expiryAfterDays(c, d) <= now  <=>  c < startOfDayUtc(now) - d days.)
 */
export function expiredBefore(nowMs: number, days: number): number {
  return startOfDayUtc(nowMs) - days * DAY_MS;
}

/** Past every stored time: a cutoff that takes every object. */
const EVERY_OBJECT = Number.MAX_SAFE_INTEGER;

/**
 * The cutoff of a rule's Expiration at `nowMs`: the objects it covers that were last written
 * before it are due. Undefined when nothing is due (a disabled rule, a Date still ahead, or no
 * Days/Date: ExpiredObjectDeleteMarker only concerns versioned buckets).
 */
export function objectCutoff(rule: LifecycleRule, nowMs: number): number | undefined {
  if (!rule.enabled || !rule.expiration) return undefined;
  const { days, dateMs } = rule.expiration;
  if (days !== undefined) return expiredBefore(nowMs, days);
  if (dateMs !== undefined && nowMs >= dateMs) return EVERY_OBJECT;
  return undefined;
}

/**
 * The cutoff of a rule's NoncurrentVersionExpiration at `nowMs`, on the time a version became
 * noncurrent: "Amazon S3 calculates the time by adding the number of days specified in the rule
 * to the time when the new successor version of the object is created and rounding the resulting
 * time to the next day midnight UTC"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html#non-current-days-calculations).
 */
export function noncurrentCutoff(rule: LifecycleRule, nowMs: number): number | undefined {
  if (!rule.enabled || !rule.noncurrentVersionExpiration) return undefined;
  return expiredBefore(nowMs, rule.noncurrentVersionExpiration.noncurrentDays);
}

/**
 * The cutoff, on their creation time, of the expired object delete markers (a delete marker that
 * is the only version of its key) a rule removes: all of them with ExpiredObjectDeleteMarker, and
 * with Days or Date those the expiration takes ("If the lifecycle configuration is set to delete
 * current versions, or the ExpiredObjectDeleteMarker action is explicitly set, Amazon S3 removes
 * the expired object's delete marker",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManagingDelMarkers.html).
 */
export function markerCutoff(rule: LifecycleRule, nowMs: number): number | undefined {
  if (rule.enabled && rule.expiration?.expiredObjectDeleteMarker === true) return EVERY_OBJECT;
  return objectCutoff(rule, nowMs);
}

/** The cutoff of a rule's AbortIncompleteMultipartUpload at `nowMs`, on the upload's initiation time. */
export function uploadCutoff(rule: LifecycleRule, nowMs: number): number | undefined {
  if (!rule.enabled || !rule.abortIncompleteMultipartUpload) return undefined;
  return expiredBefore(nowMs, rule.abortIncompleteMultipartUpload.daysAfterInitiation);
}

/** What a rule's filter looks at of an object. */
export interface ScopedObject {
  key: string;
  size: number;
  tags: TagPairs;
}

/** Whether a rule's filter takes an object: key prefix, every tag, and the size bounds (all exclusive). */
export function isInScope(scope: LifecycleScope, object: ScopedObject): boolean {
  if (scope.prefix !== undefined && !object.key.startsWith(scope.prefix)) return false;
  if (scope.objectSizeGreaterThan !== undefined && object.size <= scope.objectSizeGreaterThan) return false;
  if (scope.objectSizeLessThan !== undefined && object.size >= scope.objectSizeLessThan) return false;
  return scope.tags.every((tag) => object.tags.some(([key, value]) => key === tag.key && value === tag.value));
}
