import type { QueryParameterBag } from '@smithy/types';
import { ownerOf, type Operation, type S3Context } from '../context.js';
import { invalidArgument } from '../errors.js';
import { formatIsoDate, param, sendXml } from '../http.js';
import { listObjects, type ListResult } from '../listing.js';
import type { ListingRow } from '../store/index.js';
import { buildXml, type XmlNode } from '../xml.js';

const MAX_KEYS = 1000;

/** Reads max-keys (or another page size): default and cap 1000, as S3. */
export function readMaxKeys(query: QueryParameterBag, name: string, limit = MAX_KEYS): number {
  const text = param(query, name);
  if (text === undefined) return limit;
  if (!/^\d{1,10}$/.test(text)) throw invalidArgument(`Expected ${name} to be a non-negative integer, got \`${text.slice(0, 50)}\``, name, text.slice(0, 50));
  return Math.min(Number(text), limit);
}

/** Reads encoding-type and returns the encoder for keys and prefixes in the answer. */
export function readEncoder(query: QueryParameterBag): (value: string) => string {
  const type = param(query, 'encoding-type');
  if (type === undefined) return (value) => value;
  if (type !== 'url') throw invalidArgument(`Invalid Encoding Method specified in Request: expected \`url\`, got \`${type.slice(0, 50)}\``, 'encoding-type', type.slice(0, 50));
  return (value) => encodeURIComponent(value).replace(/%2F/g, '/');
}

function encodeToken(item: string): string {
  return Buffer.from(item, 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  if (!/^[A-Za-z0-9_-]+$/.test(token) || encodeToken(decoded) !== token) {
    throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token.slice(0, 200));
  }
  return decoded;
}

function contentsOf(rows: readonly ListingRow[], encode: (v: string) => string, owner?: XmlNode): XmlNode[] {
  return rows.map((row) => ({
    Key: encode(row.key),
    LastModified: formatIsoDate(row.modified_ms),
    ETag: row.etag,
    Size: row.size,
    ...(owner ? { Owner: owner } : {}),
    StorageClass: 'STANDARD',
  }));
}

function listingBody(result: ListResult, encode: (v: string) => string, owner?: XmlNode): XmlNode {
  const body: XmlNode = {};
  if (result.contents.length > 0) body.Contents = contentsOf(result.contents, encode, owner);
  if (result.commonPrefixes.length > 0) body.CommonPrefixes = result.commonPrefixes.map((p) => ({ Prefix: encode(p) }));
  return body;
}

function readListing(ctx: S3Context, bucket: string, query: QueryParameterBag, after: string) {
  ctx.store.requireBucket(bucket);
  const encode = readEncoder(query);
  const prefix = param(query, 'prefix') ?? '';
  const delimiter = param(query, 'delimiter') ?? '';
  const maxKeys = readMaxKeys(query, 'max-keys');
  const result = listObjects(ctx.store, { bucket, prefix, delimiter, maxKeys, after });
  const head: XmlNode = { Name: bucket, Prefix: encode(prefix) };
  return { encode, prefix, delimiter, maxKeys, result, head };
}

/** ListObjectsV2: prefix, delimiter, max-keys, opaque continuation tokens, start-after, fetch-owner, encoding-type=url. */
export const listObjectsV2: Operation = (ctx, { req, res, target }) => {
  const { query } = req;
  const token = param(query, 'continuation-token');
  const startAfter = param(query, 'start-after') ?? '';
  const after = token !== undefined ? decodeToken(token) : startAfter;
  const { encode, delimiter, maxKeys, result, head } = readListing(ctx, target.bucket, query, after);
  const fetchOwner = param(query, 'fetch-owner') === 'true';
  const doc: XmlNode = { ...head };
  if (delimiter !== '') doc.Delimiter = encode(delimiter);
  doc.MaxKeys = maxKeys;
  if (param(query, 'encoding-type') !== undefined) doc.EncodingType = 'url';
  doc.KeyCount = result.contents.length + result.commonPrefixes.length;
  doc.IsTruncated = result.truncated;
  if (token !== undefined) doc.ContinuationToken = token;
  if (result.truncated && result.lastItem !== undefined) doc.NextContinuationToken = encodeToken(result.lastItem);
  if (startAfter !== '') doc.StartAfter = encode(startAfter);
  Object.assign(doc, listingBody(result, encode, fetchOwner ? ownerOf(ctx) : undefined));
  sendXml(res, 200, buildXml('ListBucketResult', doc));
};

/** ListObjects (v1): marker and NextMarker. */
export const listObjectsV1: Operation = (ctx, { req, res, target }) => {
  const { query } = req;
  const marker = param(query, 'marker') ?? '';
  const { encode, delimiter, maxKeys, result, head } = readListing(ctx, target.bucket, query, marker);
  const doc: XmlNode = { ...head, Marker: encode(marker) };
  if (result.truncated && result.lastItem !== undefined) doc.NextMarker = encode(result.lastItem);
  doc.MaxKeys = maxKeys;
  if (delimiter !== '') doc.Delimiter = encode(delimiter);
  if (param(query, 'encoding-type') !== undefined) doc.EncodingType = 'url';
  doc.IsTruncated = result.truncated;
  Object.assign(doc, listingBody(result, encode, ownerOf(ctx)));
  sendXml(res, 200, buildXml('ListBucketResult', doc));
};
