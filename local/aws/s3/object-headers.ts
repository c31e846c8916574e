import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { QueryParameterBag } from '@smithy/types';
import { z } from 'zod';
import { S3Error } from './errors.js';
import { formatHttpDate, header, param } from './http.js';
import { readMetadata, type ObjectRow } from './store/index.js';
import { readTaggingHeader, readTags } from './tagging.js';

/** The Content-Type S3 gives an object stored without one. */
export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';
const META_PREFIX = 'x-amz-meta-';
const MAX_METADATA_BYTES = 2 * 1024;
const PartSizes = z.array(z.number().int().nonnegative());

/** The stored headers of an object, as given on PutObject/CreateMultipartUpload/CopyObject REPLACE. */
export type ObjectHeaders = Pick<
  ObjectRow,
  'content_type' | 'content_encoding' | 'content_disposition' | 'content_language' | 'cache_control' | 'expires' | 'metadata' | 'tags'
>;

/** Reads the headers S3 stores with an object (Content-Type defaults to binary/octet-stream, aws-chunked is not kept). */
export function readObjectHeaders(headers: IncomingHttpHeaders): ObjectHeaders {
  const encoding = (header(headers, 'content-encoding') ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '' && e.toLowerCase() !== 'aws-chunked')
    .join(',');
  const metadata: Record<string, string> = {};
  let metadataBytes = 0;
  for (const name of Object.keys(headers)) {
    if (!name.startsWith(META_PREFIX)) continue;
    const value = header(headers, name) ?? '';
    const key = name.slice(META_PREFIX.length);
    metadata[key] = value;
    metadataBytes += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (metadataBytes > MAX_METADATA_BYTES) {
    throw new S3Error(400, 'MetadataTooLarge', `Your metadata headers exceed the maximum allowed metadata size: expected at most ${MAX_METADATA_BYTES} bytes, got ${metadataBytes}`, {
      Size: String(metadataBytes),
      MaxSizeAllowed: String(MAX_METADATA_BYTES),
    });
  }
  return {
    content_type: header(headers, 'content-type') ?? DEFAULT_CONTENT_TYPE,
    content_encoding: encoding === '' ? null : encoding,
    content_disposition: header(headers, 'content-disposition') ?? null,
    content_language: header(headers, 'content-language') ?? null,
    cache_control: header(headers, 'cache-control') ?? null,
    expires: header(headers, 'expires') ?? null,
    metadata: JSON.stringify(metadata),
    tags: readTaggingHeader(header(headers, 'x-amz-tagging')),
  };
}

const OVERRIDES: ReadonlyArray<[string, string]> = [
  ['response-content-type', 'content-type'],
  ['response-content-language', 'content-language'],
  ['response-expires', 'expires'],
  ['response-cache-control', 'cache-control'],
  ['response-content-disposition', 'content-disposition'],
  ['response-content-encoding', 'content-encoding'],
];

/** The headers of a GET/HEAD answer for an object, with response-* query overrides applied. */
export function objectResponseHeaders(row: ObjectRow, query: QueryParameterBag, withChecksum: boolean): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'content-type': row.content_type,
    etag: row.etag,
    'last-modified': formatHttpDate(row.modified_ms),
    'accept-ranges': 'bytes',
  };
  if (row.content_encoding !== null) headers['content-encoding'] = row.content_encoding;
  if (row.content_disposition !== null) headers['content-disposition'] = row.content_disposition;
  if (row.content_language !== null) headers['content-language'] = row.content_language;
  if (row.cache_control !== null) headers['cache-control'] = row.cache_control;
  if (row.expires !== null) headers.expires = row.expires;
  if (row.metadata !== '{}') {
    for (const [name, value] of Object.entries(readMetadata(row))) headers[`${META_PREFIX}${name}`] = value;
  }
  if (row.tags !== '[]') headers['x-amz-tagging-count'] = String(readTags(row).length);
  if (row.part_sizes !== null) headers['x-amz-mp-parts-count'] = String(partSizesOf(row).length);
  if (withChecksum && row.checksum_algorithm !== null && row.checksum_value !== null) {
    headers[`x-amz-checksum-${row.checksum_algorithm}`] = row.checksum_value;
    headers['x-amz-checksum-type'] = row.checksum_value.includes('-') ? 'COMPOSITE' : 'FULL_OBJECT';
  }
  for (const [name, target] of OVERRIDES) {
    const value = param(query, name);
    if (value !== undefined) headers[target] = value;
  }
  return headers;
}

/** The part sizes of an object completed from a multipart upload. */
export function partSizesOf(row: Pick<ObjectRow, 'part_sizes'>): number[] {
  if (row.part_sizes === null) return [];
  const parsed = PartSizes.safeParse(JSON.parse(row.part_sizes));
  if (!parsed.success) throw new Error(`Expected stored part sizes to be an array of sizes: ${parsed.error.message}`);
  return parsed.data;
}
