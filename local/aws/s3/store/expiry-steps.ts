import type { BodyFiles } from './bodies.js';
import type { AgedObjectRow, S3Database, VersioningStatus } from './db.js';
import type { AgedVersionRow } from './version-statements.js';
import type { VersionHistory } from './versioning.js';

/** Where a lifecycle sweep of one bucket goes on: after this (modified_ms, key). */
export interface AgeCursor {
  modifiedMs: number;
  key: string;
}

/** Where a sweep of noncurrent versions goes on: after this (noncurrent_ms, key, version_id). */
export interface NoncurrentCursor {
  noncurrentMs: number;
  key: string;
  versionId: string;
}

/**
 * The steps of the lifecycle sweep (../lifecycle/sweep.ts): each reads a bounded batch and
 * changes it in one short transaction, then deletes the bodies no longer referenced.
 */
export class ExpirySteps {
  constructor(
    private readonly database: S3Database,
    private readonly history: VersionHistory,
    private readonly bodies: BodyFiles,
    private readonly statusOf: (bucket: string) => VersioningStatus,
  ) {}

  /**
   * One step of a lifecycle sweep, in one transaction: reads up to `limit` current objects of a
   * bucket last written before `cutoffMs` (oldest first, after `after`) and expires those `isDue`
   * accepts: deleted, or on a versioned bucket hidden behind a new delete marker at `nowMs`
   * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html:
   * "Versioning-enabled bucket – ... Amazon S3 adds a delete marker with a unique version ID";
   * suspended: "a delete marker with null as the version ID"). Then deletes the dropped bodies.
   */
  expireObjects(
    bucket: string,
    cutoffMs: number,
    after: AgeCursor,
    limit: number,
    isDue: (row: AgedObjectRow) => boolean,
    nowMs: number,
  ): { deleted: number; next: AgeCursor | undefined } {
    const removed: string[] = [];
    let deleted = 0;
    const next = this.database.db.transaction(() => {
      const status = this.statusOf(bucket);
      const rows = this.database.statements.agedObjects.all(bucket, cutoffMs, after.modifiedMs, after.key, limit);
      for (const row of rows.filter(isDue)) {
        if (status === null) {
          this.database.statements.deleteObject.run(bucket, row.key);
          removed.push(row.body_id);
        } else {
          this.history.addDeleteMarker(bucket, row.key, status, nowMs, removed);
        }
        deleted++;
      }
      const last = rows.at(-1);
      return rows.length === limit && last ? { modifiedMs: last.modified_ms, key: last.key } : undefined;
    })();
    this.bodies.remove(removed);
    return { deleted, next };
  }

  /**
   * One step of the NoncurrentVersionExpiration sweep, in one transaction: reads up to `limit`
   * versions of a bucket that became noncurrent before `cutoffMs` (after `after`) and deletes those
   * `isDue` accepts and that have at least `keepNewer` newer noncurrent versions (NewerNoncurrentVersions).
   */
  expireNoncurrent(
    bucket: string,
    cutoffMs: number,
    after: NoncurrentCursor,
    limit: number,
    isDue: (row: AgedVersionRow) => boolean,
    keepNewer: number,
  ): { deleted: number; next: NoncurrentCursor | undefined } {
    const removed: string[] = [];
    let deleted = 0;
    const next = this.database.db.transaction(() => {
      const rows = this.database.versions.agedNoncurrent.all(bucket, cutoffMs, after.noncurrentMs, after.key, after.versionId, limit);
      for (const row of rows) {
        if (!isDue(row)) continue;
        if (keepNewer > 0 && (this.database.versions.newerNoncurrent.get(bucket, row.key, row.seq)?.count ?? 0) < keepNewer) continue;
        this.database.versions.deleteVersion.run(bucket, row.key, row.version_id);
        if (row.is_marker === 0) removed.push(row.body_id);
        deleted++;
      }
      const last = rows.at(-1);
      return rows.length === limit && last ? { noncurrentMs: last.noncurrent_ms ?? 0, key: last.key, versionId: last.version_id } : undefined;
    })();
    this.bodies.remove(removed);
    return { deleted, next };
  }

  /**
   * One step of removing expired object delete markers (a delete marker that is the only version
   * of its key), in one transaction: up to `limit` latest delete markers after the key `after`.
   */
  removeExpiredMarkers(bucket: string, after: string, limit: number, isDue: (row: AgedVersionRow) => boolean): { deleted: number; next: string | undefined } {
    let deleted = 0;
    const next = this.database.db.transaction(() => {
      const rows = this.database.versions.latestMarkers.all(bucket, after, limit);
      for (const row of rows) {
        if (row.is_marker !== 1 || !isDue(row) || this.database.versions.otherVersion.get(bucket, row.key, row.version_id)) continue;
        this.database.versions.deleteVersion.run(bucket, row.key, row.version_id);
        deleted++;
      }
      return rows.length === limit ? rows.at(-1)?.key : undefined;
    })();
    return { deleted, next };
  }
}
