import { ownerOf, type Operation } from '../context.js';
import { invalidArgument, invalidVersionId } from '../errors.js';
import { formatIsoDate, param, sendXml } from '../http.js';
import { isWellFormedVersionId, type VersionListingRow } from '../store/index.js';
import { listVersions } from '../version-listing.js';
import { buildXmlWithEntries, type XmlNode } from '../xml.js';
import { readEncoder, readMaxKeys } from './list-objects.js';

/**
 * ListObjectVersions: every version and delete marker under a prefix, by key and newest first
 * within a key, paged by key-marker and version-id-marker (NextKeyMarker/NextVersionIdMarker),
 * with delimiter, max-keys (at most 1000) and encoding-type=url, as
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html describes. A
 * version-id-marker needs a key-marker, and must be a version id (400 InvalidArgument otherwise).
 */
export const listObjectVersions: Operation = (ctx, { req, res, target }) => {
  const { query } = req;
  ctx.store.requireBucket(target.bucket);
  const encode = readEncoder(query);
  const prefix = param(query, 'prefix') ?? '';
  const delimiter = param(query, 'delimiter') ?? '';
  const maxKeys = readMaxKeys(query, 'max-keys');
  const keyMarker = param(query, 'key-marker') ?? '';
  const versionIdMarker = param(query, 'version-id-marker') ?? '';
  if (versionIdMarker !== '' && keyMarker === '') {
    throw invalidArgument('A version-id marker cannot be specified without a key marker.', 'version-id-marker', versionIdMarker.slice(0, 200));
  }
  if (versionIdMarker !== '' && !isWellFormedVersionId(versionIdMarker)) throw invalidVersionId(versionIdMarker);
  // A null version-id-marker that no longer exists (deleted meanwhile) resumes at the next key.
  const afterSeq = versionIdMarker === '' ? undefined : (ctx.store.findVersionSeq(target.bucket, keyMarker, versionIdMarker) ?? -1);
  const page = listVersions(ctx.store, { bucket: target.bucket, prefix, delimiter, maxKeys, keyMarker, afterSeq });
  const head: XmlNode = { Name: target.bucket, Prefix: encode(prefix), KeyMarker: encode(keyMarker), VersionIdMarker: versionIdMarker };
  if (page.truncated && page.next) {
    head.NextKeyMarker = encode(page.next.key);
    if (page.next.versionId !== undefined) head.NextVersionIdMarker = page.next.versionId;
  }
  head.MaxKeys = maxKeys;
  if (delimiter !== '') head.Delimiter = encode(delimiter);
  head.IsTruncated = page.truncated;
  const owner = ownerOf(ctx);
  const entries = page.entries.map((row) => renderEntry(row, encode, owner));
  const tail: XmlNode = {};
  if (page.commonPrefixes.length > 0) tail.CommonPrefixes = page.commonPrefixes.map((p) => ({ Prefix: encode(p) }));
  if (param(query, 'encoding-type') !== undefined) tail.EncodingType = 'url';
  sendXml(res, 200, buildXmlWithEntries('ListVersionsResult', head, entries, tail));
};

/** A `<Version>` or `<DeleteMarker>` element, in the order S3's documented example shows them. */
function renderEntry(row: VersionListingRow, encode: (value: string) => string, owner: XmlNode): [string, XmlNode] {
  const common = { Key: encode(row.key), VersionId: row.version_id, IsLatest: row.is_latest === 1, LastModified: formatIsoDate(row.modified_ms) };
  if (row.is_marker === 1) return ['DeleteMarker', { ...common, Owner: owner }];
  return ['Version', { ...common, ETag: row.etag, Size: row.size, Owner: owner, StorageClass: 'STANDARD' }];
}
