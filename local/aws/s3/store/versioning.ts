import { randomBytes } from 'node:crypto';
import type { ObjectRow, S3Database, VersioningStatus } from './db.js';
import type { VersionRow } from './version-statements.js';

/** The version id of the null version: objects written before versioning, or while it is suspended. */
export const NULL_VERSION = 'null';

const VERSION_ID_BYTES = 24;
const VERSION_ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;

/**
 * A new version id: 32 URL-safe characters, as S3's are opaque strings of about that length. The
 * first 8 bytes are the write's sequence number, so a ListObjectVersions version-id-marker can be
 * resumed after even when that version was deleted meanwhile; the other 16 are random.
 */
export function createVersionId(seq: number): string {
  const bytes = randomBytes(VERSION_ID_BYTES);
  bytes.writeBigUInt64BE(BigInt(seq), 0);
  return bytes.toString('base64url');
}

/** The sequence number inside a version id made by createVersionId, or undefined when it is not one (or 'null'). */
export function readVersionSeq(versionId: string): number | undefined {
  if (!VERSION_ID_PATTERN.test(versionId)) return undefined;
  const bytes = Buffer.from(versionId, 'base64url');
  if (bytes.length !== VERSION_ID_BYTES || bytes.toString('base64url') !== versionId) return undefined;
  const seq = bytes.readBigUInt64BE(0);
  return seq <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seq) : undefined;
}

/** Whether a version id could name a version here: 'null' or one made by createVersionId. */
export function isWellFormedVersionId(versionId: string): boolean {
  return versionId === NULL_VERSION || readVersionSeq(versionId) !== undefined;
}

/** The fields a delete marker carries besides its address: no body, no size, no ETag. */
function markerFields(): Omit<VersionRow, 'bucket' | 'key' | 'version_id' | 'seq' | 'modified_ms'> {
  return {
    body_id: '',
    size: 0,
    etag: '',
    content_type: '',
    content_encoding: null,
    content_disposition: null,
    content_language: null,
    cache_control: null,
    expires: null,
    metadata: '{}',
    checksum_algorithm: null,
    checksum_value: null,
    part_sizes: null,
    tags: '[]',
    is_marker: 1,
    noncurrent_ms: null,
  };
}

/** An object row as a row of `versions`. */
export function toVersionRow(row: ObjectRow, noncurrentMs: number | null): VersionRow {
  return { ...row, is_marker: 0, noncurrent_ms: noncurrentMs };
}

/** A noncurrent object version back as the current object row. */
function toObjectRow(row: VersionRow): ObjectRow {
  const { is_marker: _marker, noncurrent_ms: _noncurrent, ...object } = row;
  return object;
}

/** What deleting one version did. */
export interface DeletedVersion {
  /** The version existed (and is gone now). */
  found: boolean;
  /** It was a delete marker. */
  deleteMarker: boolean;
}

/**
 * The version history of keys, changed inside the store's transactions. A new current version of
 * a key (an object or a delete marker) is added the way S3 adds it
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html):
 *   - never versioned: it replaces the current object;
 *   - Enabled: it gets a new version id and the current version becomes noncurrent;
 *   - Suspended: it is the null version, replacing the existing null version wherever it is
 *     (https://docs.aws.amazon.com/AmazonS3/latest/userguide/AddingObjectstoVersionSuspendedBuckets.html);
 *     a current version with another id becomes noncurrent.
 * Every method returns (or collects) the body files to delete once the transaction commits.
 */
export class VersionHistory {
  private seq: number;

  constructor(private readonly database: S3Database) {
    this.seq = database.versions.maxSeq.get()?.seq ?? 0;
  }

  /** The sequence number of the next write. */
  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  /** The id the next version written under `status` gets. */
  nextVersionId(status: VersioningStatus, seq: number): string {
    return status === 'Enabled' ? createVersionId(seq) : NULL_VERSION;
  }

  /**
   * Retires the current version of a key before a new one with id `newId` is added at `nowMs`:
   * kept as noncurrent, or dropped when the new one replaces it. Leaves no `objects` row for the key.
   */
  retireCurrent(bucket: string, key: string, status: VersioningStatus, newId: string, nowMs: number, removed: string[]): void {
    const { statements: sql, versions } = this.database;
    const current = sql.getObject.get(bucket, key);
    if (current) {
      sql.deleteObject.run(bucket, key);
      if (status === null || current.version_id === newId) removed.push(current.body_id);
      else versions.insertVersion.run(toVersionRow(current, nowMs));
    }
    if (status === null) return;
    const marker = versions.latestMarker.get(bucket, key);
    if (marker) {
      if (marker.version_id === newId) versions.deleteVersion.run(bucket, key, marker.version_id);
      else versions.setNoncurrent.run(nowMs, bucket, key, marker.version_id);
    }
    if (newId !== NULL_VERSION) return;
    const previousNull = versions.getVersion.get(bucket, key, NULL_VERSION);
    if (previousNull) {
      versions.deleteVersion.run(bucket, key, NULL_VERSION);
      if (previousNull.is_marker === 0) removed.push(previousNull.body_id);
    }
  }

  /** Adds a delete marker as the current version of a key (S3's DELETE without a version id on a versioned bucket). */
  addDeleteMarker(bucket: string, key: string, status: 'Enabled' | 'Suspended', nowMs: number, removed: string[]): string {
    const seq = this.nextSeq();
    const versionId = this.nextVersionId(status, seq);
    this.retireCurrent(bucket, key, status, versionId, nowMs, removed);
    this.database.versions.insertVersion.run({ bucket, key, version_id: versionId, seq, modified_ms: nowMs, ...markerFields() });
    return versionId;
  }

  /**
   * Deletes one version for good. When it was the current one, the newest remaining version
   * becomes current ("Amazon S3 ... makes the most recent version the current version",
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html).
   */
  deleteVersion(bucket: string, key: string, versionId: string, removed: string[]): DeletedVersion {
    const { statements: sql, versions } = this.database;
    const current = sql.getObject.get(bucket, key);
    if (current?.version_id === versionId) {
      sql.deleteObject.run(bucket, key);
      removed.push(current.body_id);
      this.promoteNewest(bucket, key);
      return { found: true, deleteMarker: false };
    }
    const version = versions.getVersion.get(bucket, key, versionId);
    if (!version) return { found: false, deleteMarker: false };
    versions.deleteVersion.run(bucket, key, versionId);
    if (version.is_marker === 0) removed.push(version.body_id);
    if (version.noncurrent_ms === null) this.promoteNewest(bucket, key);
    return { found: true, deleteMarker: version.is_marker === 1 };
  }

  /** Makes the newest remaining version of a key (which has no current version) the current one. */
  private promoteNewest(bucket: string, key: string): void {
    const { statements: sql, versions } = this.database;
    const newest = versions.newestVersion.get(bucket, key);
    if (!newest) return;
    if (newest.is_marker === 1) {
      versions.setNoncurrent.run(null, bucket, key, newest.version_id);
      return;
    }
    versions.deleteVersion.run(bucket, key, newest.version_id);
    sql.upsertObject.run(toObjectRow(newest));
  }
}
