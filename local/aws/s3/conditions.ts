import type { IncomingHttpHeaders } from 'node:http';
import { preconditionFailed, S3Error } from './errors.js';
import { header, readHttpDateSeconds } from './http.js';
import { etagListMatches, type ObjectRow, type WriteCondition } from './store/index.js';

/**
 * Evaluates If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since in RFC 9110
 * order. Throws 412 for a failed If-Match/If-Unmodified-Since; returns 'not-modified' when
 * the answer is 304. `prefix` reads the x-amz-copy-source-if-* variants of CopyObject,
 * where a would-be 304 is a 412 as well.
 */
export function evaluateReadConditions(
  headers: IncomingHttpHeaders,
  row: Pick<ObjectRow, 'etag' | 'modified_ms'>,
  prefix = '',
): 'ok' | 'not-modified' {
  const modified = Math.floor(row.modified_ms / 1000);
  const ifMatch = header(headers, `${prefix}if-match`);
  if (ifMatch !== undefined) {
    if (!etagListMatches(ifMatch, row.etag)) throw preconditionFailed(`${prefix}If-Match`);
  } else {
    const since = readHttpDateSeconds(header(headers, `${prefix}if-unmodified-since`));
    if (since !== undefined && modified > since) throw preconditionFailed(`${prefix}If-Unmodified-Since`);
  }
  const ifNoneMatch = header(headers, `${prefix}if-none-match`);
  if (ifNoneMatch !== undefined) {
    if (etagListMatches(ifNoneMatch, row.etag)) return 'not-modified';
  } else {
    const since = readHttpDateSeconds(header(headers, `${prefix}if-modified-since`));
    if (since !== undefined && modified <= since) return 'not-modified';
  }
  return 'ok';
}

/** Reads the conditions of a conditional write (PutObject, CompleteMultipartUpload). */
export function readWriteCondition(headers: IncomingHttpHeaders): WriteCondition {
  const ifNoneMatch = header(headers, 'if-none-match');
  const ifMatch = header(headers, 'if-match');
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw new S3Error(501, 'NotImplemented', `Expected If-None-Match on a write to be \`*\`, got \`${ifNoneMatch.slice(0, 100)}\``);
  }
  return {
    ...(ifNoneMatch !== undefined ? { ifNoneMatch: '*' } : {}),
    ...(ifMatch !== undefined ? { ifMatch } : {}),
  };
}
