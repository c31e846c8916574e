import type Database from 'better-sqlite3';

// The metadata schema: the tables as they were first shipped (SCHEMA_V0), then one migration per
// later change, recorded in SQLite's user_version so that a data directory written by an earlier
// version of this endpoint is upgraded in place (one transaction) when it is opened.

/** The schema as first shipped (before versioning): also what the migration test starts from. */
export const SCHEMA_V0 = `
CREATE TABLE IF NOT EXISTS buckets (
  name TEXT PRIMARY KEY,
  created_ms INTEGER NOT NULL,
  region TEXT NOT NULL,
  cors TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS objects (
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  body_id TEXT NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  modified_ms INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  content_encoding TEXT,
  content_disposition TEXT,
  content_language TEXT,
  cache_control TEXT,
  expires TEXT,
  metadata TEXT NOT NULL,
  checksum_algorithm TEXT,
  checksum_value TEXT,
  part_sizes TEXT,
  tags TEXT NOT NULL,
  PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS objects_by_age ON objects (bucket, modified_ms);
CREATE TABLE IF NOT EXISTS lifecycles (
  bucket TEXT PRIMARY KEY,
  config TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS uploads (
  upload_id TEXT PRIMARY KEY,
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  initiated_ms INTEGER NOT NULL,
  headers TEXT NOT NULL,
  checksum_algorithm TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS uploads_by_key ON uploads (bucket, key, upload_id);
CREATE TABLE IF NOT EXISTS parts (
  upload_id TEXT NOT NULL,
  part_number INTEGER NOT NULL,
  body_id TEXT NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  modified_ms INTEGER NOT NULL,
  checksum_algorithm TEXT,
  checksum_value TEXT,
  PRIMARY KEY (upload_id, part_number)
) WITHOUT ROWID;
`;

// Version 1: S3 versioning. `objects` keeps one row per key, the current version when it is an
// object (the GET, HEAD and listing hot paths stay one primary-key lookup); it gains the version
// id ('null' for the null version: objects written before versioning or while it is suspended)
// and `seq`, the order of writes. `versions` holds every other version: noncurrent objects and
// delete markers, with when each became noncurrent (`noncurrent_ms`, NULL for a delete marker
// that is the latest version of its key). A bucket's versioning status is NULL until it is first
// set (S3 then answers no Status), 'Enabled' or 'Suspended'.
const MIGRATIONS: readonly string[] = [
  `
ALTER TABLE buckets ADD COLUMN versioning TEXT;
ALTER TABLE objects ADD COLUMN version_id TEXT NOT NULL DEFAULT 'null';
ALTER TABLE objects ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE TABLE versions (
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  version_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  is_marker INTEGER NOT NULL,
  noncurrent_ms INTEGER,
  body_id TEXT NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  modified_ms INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  content_encoding TEXT,
  content_disposition TEXT,
  content_language TEXT,
  cache_control TEXT,
  expires TEXT,
  metadata TEXT NOT NULL,
  checksum_algorithm TEXT,
  checksum_value TEXT,
  part_sizes TEXT,
  tags TEXT NOT NULL,
  PRIMARY KEY (bucket, key, version_id)
) WITHOUT ROWID;
CREATE INDEX versions_by_key ON versions (bucket, key, seq DESC);
CREATE INDEX versions_by_age ON versions (bucket, noncurrent_ms);
`,
];

/** Creates the tables of a new database, or brings an older one up to date, in one transaction. */
export function migrateSchema(db: Database.Database): void {
  db.exec(SCHEMA_V0);
  const current = db.pragma('user_version', { simple: true });
  if (typeof current !== 'number' || current > MIGRATIONS.length) {
    throw new Error(`Expected the S3 metadata schema version to be at most ${MIGRATIONS.length}, got ${String(current)}: written by a newer aws-exec?`);
  }
  db.transaction(() => {
    for (let version = current; version < MIGRATIONS.length; version++) db.exec(MIGRATIONS[version] ?? '');
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();
}
