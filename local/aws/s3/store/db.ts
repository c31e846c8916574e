import Database from 'better-sqlite3';
import { migrateSchema } from './schema.js';
import { prepareVersionStatements, type VersionStatements } from './version-statements.js';

// Why SQLite + plain files: the metadata (buckets, keys, ETags, headers, multipart state) needs
// atomic multi-row updates, an ordered index for listings and crash safety, which SQLite in
// WAL mode gives in one file with prepared statements fast enough for the GET hot path.
// Bodies can be gigabytes and must stream, so they stay out of the database as files named by
// generated ids; a row points at its body, and swapping that pointer in one transaction is
// what makes an overwrite atomic for readers.


/** One object's metadata row. */
export interface ObjectRow {
  bucket: string;
  key: string;
  body_id: string;
  size: number;
  /** Quoted, as sent in the ETag header. */
  etag: string;
  modified_ms: number;
  content_type: string;
  content_encoding: string | null;
  content_disposition: string | null;
  content_language: string | null;
  cache_control: string | null;
  expires: string | null;
  /** JSON object of user metadata (`x-amz-meta-*` without the prefix). */
  metadata: string;
  checksum_algorithm: string | null;
  checksum_value: string | null;
  /** JSON array of part sizes, for objects completed from a multipart upload. */
  part_sizes: string | null;
  /** JSON array of [key, value] tag pairs. */
  tags: string;
  /** The version id: 'null' for the null version (written before versioning, or while it is suspended). */
  version_id: string;
  /** Orders the versions of a key: a later write has a larger seq. */
  seq: number;
}

/** A bucket's versioning status: never set (null), Enabled or Suspended. */
export type VersioningStatus = 'Enabled' | 'Suspended' | null;

/** One bucket's row. */
export interface BucketRow {
  name: string;
  created_ms: number;
  region: string;
  cors: string | null;
  versioning: string | null;
}

/** One unfinished multipart upload's row. */
export interface UploadRow {
  upload_id: string;
  bucket: string;
  key: string;
  initiated_ms: number;
  /** JSON of the object headers given at CreateMultipartUpload. */
  headers: string;
  checksum_algorithm: string | null;
}

/** One uploaded part's row. */
export interface PartRow {
  upload_id: string;
  part_number: number;
  body_id: string;
  size: number;
  etag: string;
  modified_ms: number;
  checksum_algorithm: string | null;
  checksum_value: string | null;
}

/** The columns the lifecycle sweep reads of an object. */
export interface AgedObjectRow {
  key: string;
  version_id: string;
  size: number;
  modified_ms: number;
  body_id: string;
  /** JSON array of [key, value] tag pairs. */
  tags: string;
}

/** The columns a listing shows of an object. */
export interface ListingRow {
  key: string;
  size: number;
  etag: string;
  modified_ms: number;
}

/** The database and its prepared statements. */
export interface S3Database {
  db: Database.Database;
  statements: S3Statements;
  versions: VersionStatements;
}

/** Opens (creating when missing) the metadata database with the schema and the S3 statements. */
export function openDatabase(file: string): S3Database {
  const db = new Database(file);
  try {
    // WAL + synchronous=NORMAL: a committed transaction survives a crash of this process
    // (kill -9); only a power loss may drop the last commits. EXCLUSIVE locking makes a second
    // process on the same directory fail fast (the OS drops the lock if this process dies).
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('busy_timeout = 2000');
    migrateSchema(db);
  } catch (error) {
    db.close();
    throw new Error(`Expected to open the S3 metadata database ${file} (is another process using this data directory?)`, {
      cause: error,
    });
  }
  return { db, statements: prepareStatements(db), versions: prepareVersionStatements(db) };
}

type Statement<P extends unknown[] | object, R = unknown> = Database.Statement<P, R>;

/** Every statement the store runs, prepared once at open. */
export interface S3Statements {
  allBuckets: Statement<[], BucketRow>;
  insertBucket: Statement<[string, number, string]>;
  deleteBucket: Statement<[string]>;
  setCors: Statement<[string | null, string]>;
  setVersioning: Statement<[string, string]>;
  allLifecycles: Statement<[], { bucket: string; config: string }>;
  upsertLifecycle: Statement<[string, string]>;
  deleteLifecycle: Statement<[string]>;
  agedObjects: Statement<[string, number, number, string, number], AgedObjectRow>;
  anyObject: Statement<[string], { key: string }>;
  getObject: Statement<[string, string], ObjectRow>;
  upsertObject: Statement<ObjectRow>;
  deleteObject: Statement<[string, string]>;
  setTags: Statement<[string, string, string]>;
  listObjects: Statement<[string, string, string, string, number], ListingRow>;
  insertUpload: Statement<UploadRow>;
  getUpload: Statement<[string], UploadRow>;
  deleteUpload: Statement<[string]>;
  bucketUploads: Statement<[string], UploadRow>;
  getPart: Statement<[string, number], PartRow>;
  upsertPart: Statement<PartRow>;
  uploadParts: Statement<[string], PartRow>;
  deleteParts: Statement<[string]>;
  referencedBodies: Statement<[], { body_id: string }>;
}

/** The columns of an object row, in the order of ObjectRow. */
export const OBJECT_COLUMNS =
  'bucket, key, body_id, size, etag, modified_ms, content_type, content_encoding, content_disposition, content_language, cache_control, expires, metadata, checksum_algorithm, checksum_value, part_sizes, tags, version_id, seq';

/** The named parameters of an object row, in the order of OBJECT_COLUMNS. */
export const OBJECT_PARAMETERS = OBJECT_COLUMNS.split(', ')
  .map((column) => `@${column}`)
  .join(', ');

/** Prepares every statement the store runs (once, at open). */
function prepareStatements(db: Database.Database): S3Statements {
  const objectColumns = OBJECT_COLUMNS;
  return {
    allBuckets: db.prepare<[], BucketRow>('SELECT name, created_ms, region, cors, versioning FROM buckets ORDER BY name'),
    insertBucket: db.prepare<[string, number, string]>('INSERT INTO buckets (name, created_ms, region) VALUES (?, ?, ?)'),
    deleteBucket: db.prepare<[string]>('DELETE FROM buckets WHERE name = ?'),
    setCors: db.prepare<[string | null, string]>('UPDATE buckets SET cors = ? WHERE name = ?'),
    setVersioning: db.prepare<[string, string]>('UPDATE buckets SET versioning = ? WHERE name = ?'),
    allLifecycles: db.prepare<[], { bucket: string; config: string }>('SELECT bucket, config FROM lifecycles'),
    upsertLifecycle: db.prepare<[string, string]>('INSERT OR REPLACE INTO lifecycles (bucket, config) VALUES (?, ?)'),
    deleteLifecycle: db.prepare<[string]>('DELETE FROM lifecycles WHERE bucket = ?'),
    // The lifecycle sweep: a bucket's objects last written before a cutoff, oldest first, after a
    // (modified_ms, key) cursor. The age index makes a sweep with nothing due one index probe.
    agedObjects: db.prepare<[string, number, number, string, number], AgedObjectRow>(
      'SELECT key, version_id, size, modified_ms, body_id, tags FROM objects INDEXED BY objects_by_age WHERE bucket = ? AND modified_ms < ? AND (modified_ms, key) > (?, ?) ORDER BY modified_ms, key LIMIT ?',
    ),
    anyObject: db.prepare<[string], { key: string }>('SELECT key FROM objects WHERE bucket = ? LIMIT 1'),
    getObject: db.prepare<[string, string], ObjectRow>(`SELECT ${objectColumns} FROM objects WHERE bucket = ? AND key = ?`),
    upsertObject: db.prepare<ObjectRow>(
      `INSERT OR REPLACE INTO objects (${objectColumns}) VALUES (${OBJECT_PARAMETERS})`,
    ),
    deleteObject: db.prepare<[string, string]>('DELETE FROM objects WHERE bucket = ? AND key = ?'),
    setTags: db.prepare<[string, string, string]>('UPDATE objects SET tags = ? WHERE bucket = ? AND key = ?'),
    // Listing: keys >= lowInclusive, > lowExclusive, < high, in UTF-8 byte order (SQLite's BINARY collation).
    listObjects: db.prepare<[string, string, string, string, number], ListingRow>(
      'SELECT key, size, etag, modified_ms FROM objects WHERE bucket = ? AND key >= ? AND key > ? AND key < ? ORDER BY key LIMIT ?',
    ),
    insertUpload: db.prepare<UploadRow>(
      'INSERT INTO uploads (upload_id, bucket, key, initiated_ms, headers, checksum_algorithm) VALUES (@upload_id, @bucket, @key, @initiated_ms, @headers, @checksum_algorithm)',
    ),
    getUpload: db.prepare<[string], UploadRow>(
      'SELECT upload_id, bucket, key, initiated_ms, headers, checksum_algorithm FROM uploads WHERE upload_id = ?',
    ),
    deleteUpload: db.prepare<[string]>('DELETE FROM uploads WHERE upload_id = ?'),
    bucketUploads: db.prepare<[string], UploadRow>(
      'SELECT upload_id, bucket, key, initiated_ms, headers, checksum_algorithm FROM uploads WHERE bucket = ? ORDER BY key, upload_id',
    ),
    getPart: db.prepare<[string, number], PartRow>(
      'SELECT upload_id, part_number, body_id, size, etag, modified_ms, checksum_algorithm, checksum_value FROM parts WHERE upload_id = ? AND part_number = ?',
    ),
    upsertPart: db.prepare<PartRow>(
      'INSERT OR REPLACE INTO parts (upload_id, part_number, body_id, size, etag, modified_ms, checksum_algorithm, checksum_value) VALUES (@upload_id, @part_number, @body_id, @size, @etag, @modified_ms, @checksum_algorithm, @checksum_value)',
    ),
    uploadParts: db.prepare<[string], PartRow>(
      'SELECT upload_id, part_number, body_id, size, etag, modified_ms, checksum_algorithm, checksum_value FROM parts WHERE upload_id = ? ORDER BY part_number',
    ),
    deleteParts: db.prepare<[string]>('DELETE FROM parts WHERE upload_id = ?'),
    referencedBodies: db.prepare<[], { body_id: string }>(
      'SELECT body_id FROM objects UNION ALL SELECT body_id FROM parts UNION ALL SELECT body_id FROM versions WHERE is_marker = 0',
    ),
  };
}
