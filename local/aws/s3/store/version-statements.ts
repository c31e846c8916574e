import type Database from 'better-sqlite3';
import type { ObjectRow } from './db.js';

/**
 * One row of `versions`: a noncurrent object version or a delete marker. A delete marker has
 * no body (`body_id` ''), size 0 and no ETag.
 */
export interface VersionRow extends ObjectRow {
  /** 1 for a delete marker. */
  is_marker: number;
  /** When it became noncurrent (its successor's creation), or null for the latest version (a delete marker). */
  noncurrent_ms: number | null;
}

/** What ListObjectVersions shows of a version, from either table. */
export interface VersionListingRow {
  key: string;
  version_id: string;
  seq: number;
  is_marker: number;
  /** 1 for the key's current version. */
  is_latest: number;
  size: number;
  etag: string;
  modified_ms: number;
}

/** The columns the lifecycle sweep reads of a noncurrent version or a delete marker. */
export interface AgedVersionRow {
  key: string;
  version_id: string;
  seq: number;
  is_marker: number;
  noncurrent_ms: number | null;
  size: number;
  modified_ms: number;
  body_id: string;
  tags: string;
}

type Statement<P extends unknown[] | object, R = unknown> = Database.Statement<P, R>;

/** The statements of versioning, prepared once at open. */
export interface VersionStatements {
  maxSeq: Statement<[], { seq: number | null }>;
  anyVersion: Statement<[string], { key: string }>;
  getVersion: Statement<[string, string, string], VersionRow>;
  newestVersion: Statement<[string, string], VersionRow>;
  latestMarker: Statement<[string, string], VersionRow>;
  insertVersion: Statement<VersionRow>;
  deleteVersion: Statement<[string, string, string]>;
  setNoncurrent: Statement<[number | null, string, string, string]>;
  setVersionTags: Statement<[string, string, string, string]>;
  listCurrent: Statement<[string, string, string, string, number, number], VersionListingRow>;
  listNoncurrent: Statement<[string, string, string, string, number, number], VersionListingRow>;
  agedNoncurrent: Statement<[string, number, number, string, string, number], AgedVersionRow>;
  newerNoncurrent: Statement<[string, string, number], { count: number }>;
  latestMarkers: Statement<[string, string, number], AgedVersionRow>;
  otherVersion: Statement<[string, string, string], { version_id: string }>;
}

const VERSION_COLUMNS =
  'bucket, key, body_id, size, etag, modified_ms, content_type, content_encoding, content_disposition, content_language, cache_control, expires, metadata, checksum_algorithm, checksum_value, part_sizes, tags, version_id, seq, is_marker, noncurrent_ms';
const VERSION_PARAMETERS = VERSION_COLUMNS.split(', ')
  .map((column) => `@${column}`)
  .join(', ');
const AGED_COLUMNS = 'key, version_id, seq, is_marker, noncurrent_ms, size, modified_ms, body_id, tags';

/** Prepares the versioning statements. */
export function prepareVersionStatements(db: Database.Database): VersionStatements {
  return {
    maxSeq: db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM (SELECT max(seq) AS seq FROM objects UNION ALL SELECT max(seq) FROM versions)'),
    anyVersion: db.prepare<[string], { key: string }>('SELECT key FROM versions WHERE bucket = ? LIMIT 1'),
    getVersion: db.prepare<[string, string, string], VersionRow>(`SELECT ${VERSION_COLUMNS} FROM versions WHERE bucket = ? AND key = ? AND version_id = ?`),
    newestVersion: db.prepare<[string, string], VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM versions INDEXED BY versions_by_key WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1`,
    ),
    latestMarker: db.prepare<[string, string], VersionRow>(`SELECT ${VERSION_COLUMNS} FROM versions WHERE bucket = ? AND key = ? AND noncurrent_ms IS NULL`),
    insertVersion: db.prepare<VersionRow>(`INSERT OR REPLACE INTO versions (${VERSION_COLUMNS}) VALUES (${VERSION_PARAMETERS})`),
    deleteVersion: db.prepare<[string, string, string]>('DELETE FROM versions WHERE bucket = ? AND key = ? AND version_id = ?'),
    setNoncurrent: db.prepare<[number | null, string, string, string]>('UPDATE versions SET noncurrent_ms = ? WHERE bucket = ? AND key = ? AND version_id = ?'),
    setVersionTags: db.prepare<[string, string, string, string]>('UPDATE versions SET tags = ? WHERE bucket = ? AND key = ? AND version_id = ? AND is_marker = 0'),
    // ListObjectVersions reads the current objects and the other versions as two ordered streams
    // (key ascending, newest first), each after a (key, seq) cursor: keys >= the low bound, and of
    // the cursor's key only the versions older than its seq. The caller merges them.
    listCurrent: db.prepare<[string, string, string, string, number, number], VersionListingRow>(
      'SELECT key, version_id, seq, 0 AS is_marker, 1 AS is_latest, size, etag, modified_ms FROM objects WHERE bucket = ? AND key >= ? AND key < ? AND (key > ? OR seq < ?) ORDER BY key LIMIT ?',
    ),
    listNoncurrent: db.prepare<[string, string, string, string, number, number], VersionListingRow>(
      'SELECT key, version_id, seq, is_marker, noncurrent_ms IS NULL AS is_latest, size, etag, modified_ms FROM versions INDEXED BY versions_by_key WHERE bucket = ? AND key >= ? AND key < ? AND (key > ? OR seq < ?) ORDER BY key, seq DESC LIMIT ?',
    ),
    // The lifecycle sweep: a bucket's versions that became noncurrent before a cutoff, oldest first,
    // after a (noncurrent_ms, key, version_id) cursor (latest delete markers, NULL, never match).
    agedNoncurrent: db.prepare<[string, number, number, string, string, number], AgedVersionRow>(
      `SELECT ${AGED_COLUMNS} FROM versions INDEXED BY versions_by_age WHERE bucket = ? AND noncurrent_ms < ? AND (noncurrent_ms, key, version_id) > (?, ?, ?) ORDER BY noncurrent_ms, key, version_id LIMIT ?`,
    ),
    newerNoncurrent: db.prepare<[string, string, number], { count: number }>(
      'SELECT count(*) AS count FROM versions WHERE bucket = ? AND key = ? AND seq > ? AND noncurrent_ms IS NOT NULL',
    ),
    latestMarkers: db.prepare<[string, string, number], AgedVersionRow>(
      `SELECT ${AGED_COLUMNS} FROM versions INDEXED BY versions_by_age WHERE bucket = ? AND noncurrent_ms IS NULL AND key > ? ORDER BY key LIMIT ?`,
    ),
    otherVersion: db.prepare<[string, string, string], { version_id: string }>(
      'SELECT version_id FROM versions WHERE bucket = ? AND key = ? AND version_id <> ? LIMIT 1',
    ),
  };
}
