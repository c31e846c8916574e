import { successorOf } from './listing.js';
import type { ObjectStore, VersionListingRow } from './store/index.js';

/** Past every seq: a cursor at a key that takes all of its versions. */
const EVERY_VERSION = Number.MAX_SAFE_INTEGER;
/** Larger than every valid key in UTF-8 byte order (see listing.ts). */
const ABOVE_EVERY_KEY = '\u{10FFFF}'.repeat(300);

/** One ListObjectVersions page request. */
export interface VersionQuery {
  bucket: string;
  prefix: string;
  delimiter: string;
  maxKeys: number;
  /** Only keys after this one are listed, or only the versions after `afterSeq` of it ('' for all). */
  keyMarker: string;
  /** With keyMarker: the seq of the version-id-marker, whose older versions come next; undefined: keys after keyMarker. */
  afterSeq: number | undefined;
}

/** One ListObjectVersions page: versions and delete markers in key order, newest first, and common prefixes. */
export interface VersionPage {
  entries: VersionListingRow[];
  commonPrefixes: string[];
  truncated: boolean;
  /** Where the next page starts: the last key (or common prefix) listed and, for a version, its id. */
  next: { key: string; versionId?: string } | undefined;
}

/**
 * Lists the versions of the keys under a prefix, in UTF-8 byte order of keys and newest first
 * within a key, merging the current objects and the other versions (two ordered streams). Keys
 * holding the delimiter after the prefix roll up into common prefixes, each counted once
 * towards maxKeys, as ListObjectsV2 does (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html).
 */
export function listVersions(store: ObjectStore, query: VersionQuery): VersionPage {
  const { bucket, prefix, delimiter, maxKeys, keyMarker } = query;
  const page: VersionPage = { entries: [], commonPrefixes: [], truncated: false, next: undefined };
  if (maxKeys === 0) return page;
  const high = (prefix === '' ? undefined : successorOf(prefix)) ?? ABOVE_EVERY_KEY;
  let low = compareKeys(keyMarker, prefix) > 0 ? keyMarker : prefix;
  let after = keyMarker === '' ? { key: '', seq: EVERY_VERSION } : { key: keyMarker, seq: query.afterSeq ?? -1 };
  let count = 0;
  for (;;) {
    const batch = maxKeys - count + 1;
    const rows = mergeNewestFirst(store.listVersionRows(bucket, low, high, after, batch), batch);
    let restarted = false;
    for (const row of rows) {
      const cut = delimiter === '' ? -1 : row.key.indexOf(delimiter, prefix.length);
      if (cut !== -1) {
        const commonPrefix = row.key.slice(0, cut + delimiter.length);
        if (commonPrefix !== keyMarker) {
          if (count === maxKeys) return { ...page, truncated: true };
          page.commonPrefixes.push(commonPrefix);
          page.next = { key: commonPrefix };
          count++;
        }
        const next = successorOf(commonPrefix);
        if (next === undefined) return page;
        low = next;
        after = { key: '', seq: EVERY_VERSION };
        restarted = true;
        break;
      }
      if (count === maxKeys) return { ...page, truncated: true };
      page.entries.push(row);
      page.next = { key: row.key, versionId: row.version_id };
      after = { key: row.key, seq: row.seq };
      count++;
    }
    if (!restarted && rows.length < batch) return page;
  }
}

/** The first `limit` rows of two lists each ordered by key, then seq descending. */
function mergeNewestFirst({ current, others }: { current: VersionListingRow[]; others: VersionListingRow[] }, limit: number): VersionListingRow[] {
  const merged: VersionListingRow[] = [];
  let i = 0;
  let j = 0;
  while (merged.length < limit && (i < current.length || j < others.length)) {
    const a = current[i];
    const b = others[j];
    if (b === undefined || (a !== undefined && (compareKeys(a.key, b.key) < 0 || (a.key === b.key && a.seq > b.seq)))) {
      merged.push(a!);
      i++;
    } else {
      merged.push(b);
      j++;
    }
  }
  return merged;
}

/** Orders keys as S3 (and SQLite's BINARY collation) do: by UTF-8 bytes, which is code point order, not JavaScript's UTF-16 order. */
function compareKeys(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
