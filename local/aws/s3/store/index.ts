import { closeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CorsRules, type CorsRule } from '../cors.js';
import { parseStoredLifecycle, type LifecycleConfiguration } from '../lifecycle/config.js';
import { noSuchBucket, noSuchKey, noSuchUpload, preconditionFailed, S3Error } from '../errors.js';
import { BodyFiles } from './bodies.js';
import { openDatabase, type AgedObjectRow, type ListingRow, type ObjectRow, type PartRow, type S3Database, type UploadRow } from './db.js';

/** The row types, for the operations. */
export type { AgedObjectRow, ListingRow, ObjectRow, PartRow, UploadRow } from './db.js';

/** A bucket as kept in memory (every request needs it, so it is never read from disk on the hot path). */
export interface Bucket {
  name: string;
  createdMs: number;
  region: string;
  cors: CorsRule[] | null;
  lifecycle: LifecycleConfiguration | null;
}

/** Where a lifecycle sweep of one bucket goes on: after this (modified_ms, key). */
export interface AgeCursor {
  modifiedMs: number;
  key: string;
}

/** An object's metadata row without its address, ready to commit. */
export type NewObject = Omit<ObjectRow, 'bucket' | 'key'>;

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

  private constructor(
    private readonly database: S3Database,
    readonly bodies: BodyFiles,
  ) {
    this.sql = database.statements;
    for (const row of this.sql.allBuckets.all()) {
      const cors = parseCors(row.name, row.cors);
      this.buckets.set(row.name, { name: row.name, createdMs: row.created_ms, region: row.region, cors, lifecycle: null });
    }
    for (const row of this.sql.allLifecycles.all()) {
      const bucket = this.buckets.get(row.bucket);
      if (bucket) bucket.lifecycle = parseStoredLifecycle(row.bucket, row.config);
    }
  }

  /** Opens the store in `dataDir` and sweeps body files a crash left unreferenced. */
  static open(dataDir: string): ObjectStore {
    const bodies = new BodyFiles(dataDir);
    const store = new ObjectStore(openDatabase(join(dataDir, 's3.sqlite')), bodies);
    const referenced = new Set(store.sql.referencedBodies.all().map((r) => r.body_id));
    bodies.sweep(referenced);
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
    this.buckets.set(name, { name, createdMs, region, cors: null, lifecycle: null });
    return true;
  }

  /** Deletes an empty bucket (and any unfinished multipart uploads in it). */
  deleteBucket(name: string): void {
    const removed: string[] = [];
    this.database.db.transaction(() => {
      this.requireBucket(name);
      if (this.sql.anyObject.get(name)) {
        throw new S3Error(409, 'BucketNotEmpty', 'The bucket you tried to delete is not empty', { BucketName: name });
      }
      for (const upload of this.sql.bucketUploads.all(name)) removed.push(...this.deleteUploadRows(upload.upload_id));
      this.sql.deleteLifecycle.run(name);
      this.sql.deleteBucket.run(name);
    })();
    this.buckets.delete(name);
    this.bodies.remove(removed);
  }

  /** Replaces (or with null removes) a bucket's CORS rules. */
  setCors(name: string, rules: CorsRule[] | null): void {
    const bucket = this.requireBucket(name);
    this.sql.setCors.run(rules === null ? null : JSON.stringify(rules), name);
    bucket.cors = rules;
  }

  /** Replaces (or with null removes) a bucket's lifecycle configuration. */
  setLifecycle(name: string, config: LifecycleConfiguration | null): void {
    const bucket = this.requireBucket(name);
    if (config === null) this.sql.deleteLifecycle.run(name);
    else this.sql.upsertLifecycle.run(name, JSON.stringify(config));
    bucket.lifecycle = config;
  }

  /**
   * One step of a lifecycle sweep, in one transaction: reads up to `limit` objects of a bucket
   * last written before `cutoffMs` (oldest first, after `after`), deletes those `isDue` accepts,
   * then deletes their bodies. Returns how many it deleted and where to go on (none when done).
   */
  expireObjects(
    bucket: string,
    cutoffMs: number,
    after: AgeCursor,
    limit: number,
    isDue: (row: AgedObjectRow) => boolean,
  ): { deleted: number; next: AgeCursor | undefined } {
    const removed: string[] = [];
    const next = this.database.db.transaction(() => {
      const rows = this.sql.agedObjects.all(bucket, cutoffMs, after.modifiedMs, after.key, limit);
      for (const row of rows.filter(isDue)) {
        this.sql.deleteObject.run(bucket, row.key);
        removed.push(row.body_id);
      }
      const last = rows.at(-1);
      return rows.length === limit && last ? { modifiedMs: last.modified_ms, key: last.key } : undefined;
    })();
    this.bodies.remove(removed);
    return { deleted: removed.length, next };
  }

  /** The object's metadata row, or undefined. */
  headObject(bucket: string, key: string): ObjectRow | undefined {
    return this.sql.getObject.get(bucket, key);
  }

  /** Looks an object up and opens its body in one synchronous step (see BodyFiles.openSync). */
  openObject(bucket: string, key: string): OpenedObject | undefined {
    const row = this.sql.getObject.get(bucket, key);
    if (!row) return undefined;
    const fd = this.bodies.openSync(row.body_id);
    if (fd === undefined) throw new Error(`The body file ${row.body_id} of ${bucket}/${key} is missing from the data directory`);
    return { row, fd };
  }

  /** Closes a descriptor from openObject. */
  closeBody(fd: number): void {
    closeSync(fd);
  }

  /**
   * Commits an object whose body is already written: checks the bucket and the write
   * condition, swaps the row in one transaction, then deletes the previous body. On failure
   * the new body is deleted, so nothing half-written stays.
   */
  commitObject(bucket: string, key: string, object: NewObject, condition: WriteCondition = {}): ObjectRow {
    const row: ObjectRow = { bucket, key, ...object };
    let previous: ObjectRow | undefined;
    try {
      this.database.db.transaction(() => {
        this.requireBucket(bucket);
        previous = this.sql.getObject.get(bucket, key);
        checkWriteCondition(key, previous, condition);
        this.sql.upsertObject.run(row);
      })();
    } catch (error) {
      this.bodies.remove([object.body_id]);
      throw error;
    }
    if (previous && previous.body_id !== row.body_id) this.bodies.remove([previous.body_id]);
    return row;
  }

  /** Deletes an object; deleting a missing key succeeds, as in S3. */
  deleteObject(bucket: string, key: string): void {
    const previous = this.sql.getObject.get(bucket, key);
    if (!previous) return;
    this.sql.deleteObject.run(bucket, key);
    this.bodies.remove([previous.body_id]);
  }

  /** Replaces an object's tags; 404 NoSuchKey when it does not exist. */
  setTags(bucket: string, key: string, tags: string): void {
    this.requireBucket(bucket);
    if (this.sql.setTags.run(tags, bucket, key).changes === 0) throw noSuchKey(key);
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

  /** Turns an upload into an object in one transaction and deletes the parts' bodies. */
  completeUpload(upload: UploadRow, object: NewObject): ObjectRow {
    const row: ObjectRow = { bucket: upload.bucket, key: upload.key, ...object };
    const removed: string[] = [];
    try {
      this.database.db.transaction(() => {
        this.requireBucket(upload.bucket);
        if (!this.sql.getUpload.get(upload.upload_id)) throw noSuchUpload(upload.upload_id);
        const previous = this.sql.getObject.get(upload.bucket, upload.key);
        if (previous) removed.push(previous.body_id);
        this.sql.upsertObject.run(row);
        removed.push(...this.deleteUploadRows(upload.upload_id));
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
