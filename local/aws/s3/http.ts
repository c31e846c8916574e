import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { QueryParameterBag } from '@smithy/types';
import { S3Error } from './errors.js';

/** A header's value as one string (repeated headers joined with a comma). */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** A query parameter's first value (names are case-sensitive in S3). */
export function param(query: QueryParameterBag, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) return value[0];
  return value ?? undefined;
}

const REQUEST_ID_PREFIX = randomBytes(4).toString('hex').toUpperCase();
let requestCounter = 0;

/** A new request id: unique within this process, cheap enough for the hot path. */
export function createRequestId(): string {
  requestCounter = (requestCounter + 1) % 0x100000000;
  return `${REQUEST_ID_PREFIX}${requestCounter.toString(16).toUpperCase().padStart(8, '0')}`;
}

/** Sends an XML document (already serialized) with a status. */
export function sendXml(res: ServerResponse, status: number, xml: string, headers: OutgoingHttpHeaders = {}): void {
  const body = Buffer.from(xml, 'utf8');
  res.writeHead(status, { ...headers, 'content-type': 'application/xml', 'content-length': body.length });
  res.end(body);
}

/** Sends an empty answer. */
export function sendEmpty(res: ServerResponse, status: number, headers: OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { ...headers, 'content-length': 0 });
  res.end();
}

/** An HTTP date (Last-Modified) from epoch milliseconds. */
export function formatHttpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

/** An ISO 8601 timestamp (XML LastModified) from epoch milliseconds. */
export function formatIsoDate(ms: number): string {
  return new Date(ms).toISOString();
}

/** A byte range resolved against an object's size: inclusive start and end. */
export interface ByteRange {
  start: number;
  end: number;
}

const RANGE_PATTERN = /^bytes=(\d*)-(\d*)$/;

/**
 * Resolves a Range header against a size. Returns undefined when the header is absent or not
 * a single byte range S3 honors (then the whole object is sent, as S3 does); throws 416
 * InvalidRange when the range starts at or beyond the end, including every range of an empty object.
 */
export function resolveRange(rangeHeader: string | undefined, size: number): ByteRange | undefined {
  if (rangeHeader === undefined) return undefined;
  const match = RANGE_PATTERN.exec(rangeHeader.trim());
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw invalidRange(rangeHeader, size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (last !== '' && end < start) return undefined;
  if (start >= size) throw invalidRange(rangeHeader, size);
  return { start, end: Math.min(end, size - 1) };
}

function invalidRange(range: string, size: number): S3Error {
  return new S3Error(
    416,
    'InvalidRange',
    'The requested range is not satisfiable',
    { RangeRequested: range, ActualObjectSize: String(size) },
    { headers: { 'content-range': `bytes */${size}` } },
  );
}

/** Parses an HTTP date header to whole seconds, or undefined when absent or invalid (then ignored, as S3 does). */
export function readHttpDateSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
