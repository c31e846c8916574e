import { closeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CorsRules, type CorsRule } from '../cors.js';
import { parseStoredLifecycle, type LifecycleConfiguration } from '../lifecycle/config.js';
import { methodNotAllowedOnMarker, noSuchBucket, noSuchKey, noSuchUpload, noSuchVersion, preconditionFailed, S3Error } from '../errors.js';
import { setStartMarker } from '../../start-marker.js';
import { BodyFiles } from './bodies.js';
import { openDatabase, type ListingRow, type ObjectRow, type PartRow, type S3Database, type UploadRow, type VersioningStatus } from './db.js';
import type { VersionListingRow, VersionRow } from './version-statements.js';
import { ExpirySteps } from './expiry-steps.js';
import { NULL_VERSION, readVersionSeq, VersionHistory, type DeletedVersion } from './versioning.js';

/** The row types, for the operations. */
export type { AgedObjectRow, ListingRow, ObjectRow, PartRow, UploadRow, VersioningStatus } from './db.js';
export type { AgedVersionRow, VersionListingRow, VersionRow } from './version-statements.js';
export { isWellFormedVersionId, NULL_VERSION, readVersionSeq, type DeletedVersion } from './versioning.js';
export type { AgeCursor, ExpirySteps, NoncurrentCursor } from './expiry-steps.js';

/** A bucket as kept in memory (every request needs it, so it is never read from disk on the hot path). */
export interface Bucket {
  name: string;
  createdMs: number;
  region: string;
  cors: CorsRule[] | null;
  lifecycle: LifecycleConfiguration | null;
  /** Never set (null), Enabled or Suspended: once set, a bucket never goes back to null. */
  versioning: VersioningStatus;
}

/** An object's metadata row without its address and version, ready to commit. */
export type NewObject = Omit<ObjectRow, 'bucket' | 'key' | 'version_id' | 'seq'>;

/** A version found by its id: an object version or a delete marker. */
export type FoundVersion = { marker: false; row: ObjectRow } | { marker: true; row: VersionRow };

/** A version opened for reading: an object version with a descriptor on its body, or a delete marker. */
export type OpenedVersion = { marker: false; row: ObjectRow; fd: number } | { marker: true; row: VersionRow };

/** What a DELETE without a version id did: on a versioned bucket, it added a delete marker. */
export interface DeletedObject {
  deleteMarkerVersionId?: string;
}

/** Conditions a write must meet at commit time (conditional PUT). */
export interface WriteCondition {
  /** `*` or a quoted ETag the current object must have. */
  ifMatch?: string;
  /** `*`: the key must not exist. */
  ifNoneMatch?: string;
}

/** An object opened for reading: its row and a file descriptor on its body. */
export interface OpenedObject {
  row: ObjectRow;
  fd: number;
}

const Metadata = z.record(z.string(), z.string());

/** Parses an object's stored user metadata. */
export function readMetadata(row: Pick<ObjectRow, 'metadata'>): Record<string, string> {
  if (row.metadata === '{}') return {};
  const parsed = Metadata.safeParse(JSON.parse(row.metadata));
  if (!parsed.success) throw new Error(`Expected stored metadata to be a string map: ${parsed.error.message}`);
  return parsed.data;
}

/** The S3 state: buckets, objects, multipart uploads; metadata in SQLite, bodies in files. */
export class ObjectStore {
  private readonly buckets = new Map<string, Bucket>();
  private readonly sql: S3Database['statements'];
  private readonly versions: S3Database['versions'];
  private readonly history: VersionHistory;
  /** The steps of the lifecycle sweep. */
  readonly expiry: ExpirySteps;

  private constructor(
    private readonly database: S3Database,
    readonly bodies: BodyFiles,
    private readonly dataDir: string,
  ) {
    this.sql = database.statements;
    this.versions = database.versions;
    this.history = new VersionHistory(database);
    this.expiry = new ExpirySteps(database, this.history, bodies, (bucket) => this.buckets.get(bucket)?.versioning ?? null);
    for (const row of this.sql.allBuckets.all()) {
      const cors = parseCors(row.name, row.cors);
      const versioning = parseVersioning(row.name, row.versioning);
      this.buckets.set(row.name, { name: row.name, createdMs: row.created_ms, region: row.region, cors, lifecycle: null, versioning });
    }
    for (const row of this.sql.allLifecycles.all()) {
      const bucket = this.buckets.get(row.bucket);
      if (bucket) bucket.lifecycle = parseStoredLifecycle(row.bucket, row.config);
    }
  }

  /** Opens the store in `dataDir` and sweeps body files a crash left unreferenced. */
  static open(dataDir: string): ObjectStore {
    const bodies = new BodyFiles(dataDir);
    const store = new ObjectStore(openDatabase(join(dataDir, 's3.sqlite')), bodies, dataDir);
    const referenced = new Set(store.sql.referencedBodies.all().map((r) => r.body_id));
    bodies.sweep(referenced);
    store.updateStartMarker();
    return store;
  }

  getBucket(name: string): Bucket | undefined {
    return this.buckets.get(name);
  }

  /** Returns the bucket or throws 404 NoSuchBucket. */
  requireBucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw noSuchBucket(name);
    return bucket;
  }

  listBuckets(): Bucket[] {
    return [...this.buckets.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Creates a bucket; returns false when it already exists. */
  createBucket(name: string, region: string, nowMs: number): boolean {
    if (this.buckets.has(name)) return false;
    const createdMs = Math.floor(nowMs / 1000) * 1000;
    this.sql.insertBucket.run(name, createdMs, region);
    this.buckets.set(name, { name, createdMs, region, cors: null, lifecycle: null, versioning: null });
    return true;
  }

  /** Deletes an empty bucket (and any unfinished multipart uploads in it). */
  deleteBucket(name: string): void {
    const removed: string[] = [];
    this.database.db.transaction(() => {
      this.requireBucket(name);
      if (this.sql.anyObject.get(name) || this.versions.anyVersion.get(name)) {
        throw new S3Error(409, 'BucketNotEmpty', 'The bucket you tried to delete is not empty', { BucketName: name });
      }
      for (const upload of this.sql.bucketUploads.all(name)) removed.push(...this.deleteUploadRows(upload.upload_id));
      this.sql.deleteLifecycle.run(name);
      this.sql.deleteBucket.run(name);
    })();
    this.buckets.delete(name);
    this.bodies.remove(removed);
    this.updateStartMarker();
  }

  /** Replaces (or with null removes) a bucket's CORS rules. */
  setCors(name: string, rules: CorsRule[] | null): void {
    const bucket = this.requireBucket(name);
    this.sql.setCors.run(rules === null ? null : JSON.stringify(rules), name);
    bucket.cors = rules;
  }

  /** Sets a bucket's versioning status (Enabled or Suspended; there is no way back to never versioned). */
  setVersioning(name: string, status: 'Enabled' | 'Suspended'): void {
    const bucket = this.requireBucket(name);
    this.sql.setVersioning.run(status, name);
    bucket.versioning = status;
  }

  /** Replaces (or with null removes) a bucket's lifecycle configuration. */
  setLifecycle(name: string, config: LifecycleConfiguration | null): void {
    const bucket = this.requireBucket(name);
    if (config !== null) setStartMarker(this.dataDir, true);
    if (config === null) this.sql.deleteLifecycle.run(name);
    else this.sql.upsertLifecycle.run(name, JSON.stringify(config));
    bucket.lifecycle = config;
    this.updateStartMarker();
  }

  /** Keeps the start marker exactly while some bucket has lifecycle rules (the sweep then runs from start). */
  private updateStartMarker(): void {
    setStartMarker(this.dataDir, [...this.buckets.values()].some((bucket) => bucket.lifecycle !== null));
  }

  /** The object's metadata row, or undefined. */
  headObject(bucket: string, key: string): ObjectRow | undefined {
    return this.sql.getObject.get(bucket, key);
  }

  /** Looks an object up and opens its body in one synchronous step (see BodyFiles.openSync). */
  openObject(bucket: string, key: string): OpenedObject | undefined {
    const row = this.sql.getObject.get(bucket, key);
    if (!row) return undefined;
    return { row, fd: this.openBody(row) };
  }

  /** The delete marker that is the current version of a key, if any. */
  findLatestMarker(bucket: string, key: string): VersionRow | undefined {
    return this.versions.latestMarker.get(bucket, key);
  }

  /** A version of a key by its id (current or not), or undefined. */
  findVersion(bucket: string, key: string, versionId: string): FoundVersion | undefined {
    const current = this.sql.getObject.get(bucket, key);
    if (current?.version_id === versionId) return { marker: false, row: current };
    const version = this.versions.getVersion.get(bucket, key, versionId);
    if (!version) return undefined;
    return version.is_marker === 1 ? { marker: true, row: version } : { marker: false, row: version };
  }

  /** Looks a version up and opens its body in one synchronous step, as openObject. */
  openVersion(bucket: string, key: string, versionId: string): OpenedVersion | undefined {
    const found = this.findVersion(bucket, key, versionId);
    if (!found || found.marker) return found;
    return { marker: false, row: found.row, fd: this.openBody(found.row) };
  }

  /** The write order (seq) of a version, for resuming a version listing after it; undefined when it does not exist. */
  findVersionSeq(bucket: string, key: string, versionId: string): number | undefined {
    if (versionId !== NULL_VERSION) return readVersionSeq(versionId);
    return this.findVersion(bucket, key, versionId)?.row.seq;
  }

  private openBody(row: ObjectRow): number {
    const fd = this.bodies.openSync(row.body_id);
    if (fd === undefined) throw new Error(`The body file ${row.body_id} of ${row.bucket}/${row.key} (version ${row.version_id}) is missing from the data directory`);
    return fd;
  }

  /** Closes a descriptor from openObject. */
  closeBody(fd: number): void {
    closeSync(fd);
  }

  /**
   * Commits an object whose body is already written as the key's new current version: checks
   * the bucket and the write condition, retires the current version (kept as noncurrent on a
   * versioned bucket) and writes the row in one transaction, then deletes the bodies no longer
   * referenced. On failure the new body is deleted, so nothing half-written stays.
   */
  commitObject(bucket: string, key: string, object: NewObject, condition: WriteCondition = {}): ObjectRow {
    const removed: string[] = [];
    let row: ObjectRow | undefined;
    try {
      row = this.database.db.transaction(() => {
        const target = this.requireBucket(bucket);
        checkWriteCondition(key, this.sql.getObject.get(bucket, key), condition);
        return this.writeCurrent(target, key, object, removed);
      })();
    } catch (error) {
      this.bodies.remove([object.body_id]);
      throw error;
    }
    this.bodies.remove(removed.filter((id) => id !== object.body_id));
    return row;
  }

  /** Writes a new current version of a key (inside a transaction). */
  private writeCurrent(bucket: Bucket, key: string, object: NewObject, removed: string[]): ObjectRow {
    const seq = this.history.nextSeq();
    const versionId = this.history.nextVersionId(bucket.versioning, seq);
    this.history.retireCurrent(bucket.name, key, bucket.versioning, versionId, object.modified_ms, removed);
    const row: ObjectRow = { bucket: bucket.name, key, ...object, version_id: versionId, seq };
    this.sql.upsertObject.run(row);
    return row;
  }

  /**
   * Deletes a key without naming a version; deleting a missing key succeeds, as in S3. On a
   * versioned bucket nothing is deleted: a delete marker becomes the current version
   * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html).
   */
  deleteObject(bucket: string, key: string, nowMs: number): DeletedObject {
    const status = this.requireBucket(bucket).versioning;
    if (status === null) {
      const previous = this.sql.getObject.get(bucket, key);
      if (!previous) return {};
      this.sql.deleteObject.run(bucket, key);
      this.bodies.remove([previous.body_id]);
      return {};
    }
    const removed: string[] = [];
    const deleteMarkerVersionId = this.database.db.transaction(() => this.history.addDeleteMarker(bucket, key, status, nowMs, removed))();
    this.bodies.remove(removed);
    return { deleteMarkerVersionId };
  }

  /** Deletes one version of a key for good (the newest remaining one becomes current when it was). */
  deleteObjectVersion(bucket: string, key: string, versionId: string): DeletedVersion {
    const removed: string[] = [];
    const deleted = this.database.db.transaction(() => {
      this.requireBucket(bucket);
      return this.history.deleteVersion(bucket, key, versionId, removed);
    })();
    this.bodies.remove(removed);
    return deleted;
  }

  /** Replaces the tags of an object's current version, or of the version named; 404 NoSuchKey/NoSuchVersion when it does not exist. */
  setTags(bucket: string, key: string, tags: string, versionId?: string): void {
    this.requireBucket(bucket);
    if (versionId === undefined) {
      if (this.sql.setTags.run(tags, bucket, key).changes === 0) throw noSuchKey(key);
      return;
    }
    const found = this.findVersion(bucket, key, versionId);
    if (!found) throw noSuchVersion(key, versionId);
    if (found.marker) throw methodNotAllowedOnMarker(found.row);
    if (found.row.seq === this.sql.getObject.get(bucket, key)?.seq) this.sql.setTags.run(tags, bucket, key);
    else this.versions.setVersionTags.run(tags, bucket, key, versionId);
  }

  /** One page of current objects and one of other versions, each newest first per key, after the (key, seq) cursor. */
  listVersionRows(
    bucket: string,
    low: string,
    high: string,
    after: { key: string; seq: number },
    limit: number,
  ): { current: VersionListingRow[]; others: VersionListingRow[] } {
    return {
      current: this.versions.listCurrent.all(bucket, low, high, after.key, after.seq, limit),
      others: this.versions.listNoncurrent.all(bucket, low, high, after.key, after.seq, limit),
    };
  }

  /** One page of keys in byte order: >= lowInclusive, > lowExclusive, < high. */
  listKeys(bucket: string, lowInclusive: string, lowExclusive: string, high: string, limit: number): ListingRow[] {
    return this.sql.listObjects.all(bucket, lowInclusive, lowExclusive, high, limit);
  }

  createUpload(row: UploadRow): void {
    this.requireBucket(row.bucket);
    this.sql.insertUpload.run(row);
  }

  /** The upload with this id for this bucket and key, or 404 NoSuchUpload. */
  requireUpload(bucket: string, key: string, uploadId: string): UploadRow {
    const upload = this.sql.getUpload.get(uploadId);
    if (!upload || upload.bucket !== bucket || upload.key !== key) throw noSuchUpload(uploadId);
    return upload;
  }

  bucketUploads(bucket: string): UploadRow[] {
    return this.sql.bucketUploads.all(bucket);
  }

  uploadParts(uploadId: string): PartRow[] {
    return this.sql.uploadParts.all(uploadId);
  }

  /** Commits an uploaded part (replacing an earlier upload of the same number). */
  commitPart(part: PartRow): void {
    let previous: PartRow | undefined;
    try {
      this.database.db.transaction(() => {
        if (!this.sql.getUpload.get(part.upload_id)) throw noSuchUpload(part.upload_id);
        previous = this.sql.getPart.get(part.upload_id, part.part_number);
        this.sql.upsertPart.run(part);
      })();
    } catch (error) {
      this.bodies.remove([part.body_id]);
      throw error;
    }
    if (previous) this.bodies.remove([previous.body_id]);
  }

  /** Turns an upload into the key's new current version in one transaction and deletes the parts' bodies. */
  completeUpload(upload: UploadRow, object: NewObject): ObjectRow {
    const removed: string[] = [];
    let row: ObjectRow | undefined;
    try {
      row = this.database.db.transaction(() => {
        const bucket = this.requireBucket(upload.bucket);
        if (!this.sql.getUpload.get(upload.upload_id)) throw noSuchUpload(upload.upload_id);
        removed.push(...this.deleteUploadRows(upload.upload_id));
        return this.writeCurrent(bucket, upload.key, object, removed);
      })();
    } catch (error) {
      this.bodies.remove([object.body_id]);
      throw error;
    }
    this.bodies.remove(removed);
    return row;
  }

  /** Deletes an upload and its parts. */
  abortUpload(upload: UploadRow): void {
    const removed = this.database.db.transaction(() => this.deleteUploadRows(upload.upload_id))();
    this.bodies.remove(removed);
  }

  private deleteUploadRows(uploadId: string): string[] {
    const bodies = this.sql.uploadParts.all(uploadId).map((p) => p.body_id);
    this.sql.deleteParts.run(uploadId);
    this.sql.deleteUpload.run(uploadId);
    return bodies;
  }

  close(): void {
    this.database.db.close();
  }
}

function parseCors(bucket: string, text: string | null): CorsRule[] | null {
  if (text === null) return null;
  const parsed = CorsRules.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`Expected the stored CORS rules of bucket ${bucket} to be valid: ${parsed.error.message}`);
  return parsed.data;
}

function parseVersioning(bucket: string, text: string | null): VersioningStatus {
  if (text === null || text === 'Enabled' || text === 'Suspended') return text;
  throw new Error(`Expected the stored versioning status of bucket ${bucket} to be Enabled, Suspended or none, got ${text}`);
}

function checkWriteCondition(key: string, current: ObjectRow | undefined, condition: WriteCondition): void {
  if (condition.ifNoneMatch !== undefined && current) throw preconditionFailed('If-None-Match');
  if (condition.ifMatch !== undefined) {
    if (!current) throw noSuchKey(key);
    if (condition.ifMatch !== '*' && !etagListMatches(condition.ifMatch, current.etag)) throw preconditionFailed('If-Match');
  }
}

/** Whether an If-Match/If-None-Match list (`*` or quoted ETags, comma-separated) holds an ETag. */
export function etagListMatches(list: string, etag: string): boolean {
  const bare = etag.replace(/^W\//, '').replace(/"/g, '');
  return list.split(',').some((item) => {
    const candidate = item.trim();
    return candidate === '*' || candidate.replace(/^W\//, '').replace(/"/g, '') === bare;
  });
}
