import type { ListingRow, ObjectStore } from './store/index.js';

/**
 * Larger than every valid key in UTF-8 byte order: a key holds at most 1024 bytes, so at most
 * 256 U+10FFFF characters, and is therefore a prefix of (so less than) this string.
 */
const ABOVE_EVERY_KEY = '\u{10FFFF}'.repeat(300);

/** The smallest string greater than every string starting with `prefix` (in code point = UTF-8 byte order), or undefined when none exists. */
export function successorOf(prefix: string): string | undefined {
  const codePoints = Array.from(prefix);
  while (codePoints.length > 0) {
    const last = codePoints.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return codePoints.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/** One ListObjects page request. */
export interface ListQuery {
  bucket: string;
  prefix: string;
  delimiter: string;
  maxKeys: number;
  /** Only items (keys or common prefixes) greater than this are listed ('' for all). */
  after: string;
}

/** One ListObjects page. */
export interface ListResult {
  contents: ListingRow[];
  commonPrefixes: string[];
  truncated: boolean;
  /** The last item listed (key or common prefix): where the next page starts after. */
  lastItem: string | undefined;
}

/**
 * Lists keys under a prefix in UTF-8 byte order, rolling keys that hold the delimiter after the
 * prefix into common prefixes (each counted once towards maxKeys, and skipped in one index seek).
 */
export function listObjects(store: ObjectStore, query: ListQuery): ListResult {
  const { bucket, prefix, delimiter, maxKeys, after } = query;
  const result: ListResult = { contents: [], commonPrefixes: [], truncated: false, lastItem: undefined };
  if (maxKeys === 0) return result;
  const high = (prefix === '' ? undefined : successorOf(prefix)) ?? ABOVE_EVERY_KEY;
  let lowInclusive = prefix;
  let lowExclusive = after;
  let count = 0;
  for (;;) {
    const batch = maxKeys - count + 1;
    const rows = store.listKeys(bucket, lowInclusive, lowExclusive, high, batch);
    let restarted = false;
    for (const row of rows) {
      const cut = delimiter === '' ? -1 : row.key.indexOf(delimiter, prefix.length);
      if (cut !== -1) {
        const commonPrefix = row.key.slice(0, cut + delimiter.length);
        if (commonPrefix !== after) {
          if (count === maxKeys) {
            result.truncated = true;
            return result;
          }
          result.commonPrefixes.push(commonPrefix);
          result.lastItem = commonPrefix;
          count++;
        }
        const next = successorOf(commonPrefix);
        if (next === undefined) return result;
        lowInclusive = next;
        lowExclusive = '';
        restarted = true;
        break;
      }
      if (count === maxKeys) {
        result.truncated = true;
        return result;
      }
      result.contents.push(row);
      result.lastItem = row.key;
      lowExclusive = row.key;
      count++;
    }
    if (!restarted && rows.length < batch) return result;
  }
}
