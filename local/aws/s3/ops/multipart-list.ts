import { ownerOf, type Operation } from '../context.js';
import { invalidArgument } from '../errors.js';
import { formatIsoDate, param, sendXml } from '../http.js';
import type { UploadRow } from '../store/index.js';
import { buildXml, type XmlNode } from '../xml.js';
import { readEncoder, readMaxKeys } from './list-objects.js';
import { readUploadId } from './multipart.js';

/** ListParts: the uploaded parts after part-number-marker, max-parts at a time. */
export const listParts: Operation = (ctx, { req, res, target }) => {
  const upload = ctx.store.requireUpload(target.bucket, target.key, readUploadId(req.query));
  const markerText = param(req.query, 'part-number-marker') ?? '0';
  if (!/^\d{1,5}$/.test(markerText)) {
    throw invalidArgument(`Expected part-number-marker to be an integer, got \`${markerText.slice(0, 20)}\``, 'part-number-marker', markerText.slice(0, 20));
  }
  const marker = Number(markerText);
  const maxParts = readMaxKeys(req.query, 'max-parts');
  const after = ctx.store.uploadParts(upload.upload_id).filter((p) => p.part_number > marker);
  const page = after.slice(0, maxParts);
  const truncated = after.length > page.length;
  const doc: XmlNode = {
    Bucket: target.bucket,
    Key: target.key,
    UploadId: upload.upload_id,
    Initiator: ownerOf(ctx),
    Owner: ownerOf(ctx),
    StorageClass: 'STANDARD',
    PartNumberMarker: marker,
    ...(truncated ? { NextPartNumberMarker: page.at(-1)?.part_number ?? 0 } : {}),
    MaxParts: maxParts,
    IsTruncated: truncated,
    ...(upload.checksum_algorithm ? { ChecksumAlgorithm: upload.checksum_algorithm.toUpperCase() } : {}),
  };
  if (page.length > 0) {
    doc.Part = page.map((p) => ({
      PartNumber: p.part_number,
      LastModified: formatIsoDate(p.modified_ms),
      ETag: p.etag,
      Size: p.size,
      ...(p.checksum_algorithm && p.checksum_value ? { [`Checksum${p.checksum_algorithm.toUpperCase()}`]: p.checksum_value } : {}),
    }));
  }
  sendXml(res, 200, buildXml('ListPartsResult', doc));
};

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** ListMultipartUploads: unfinished uploads by key, with prefix, delimiter and key/upload-id markers. */
export const listMultipartUploads: Operation = (ctx, { req, res, target }) => {
  ctx.store.requireBucket(target.bucket);
  const { query } = req;
  const encode = readEncoder(query);
  const prefix = param(query, 'prefix') ?? '';
  const delimiter = param(query, 'delimiter') ?? '';
  const keyMarker = param(query, 'key-marker') ?? '';
  const uploadIdMarker = param(query, 'upload-id-marker') ?? '';
  const maxUploads = readMaxKeys(query, 'max-uploads');
  const isAfterMarker = (u: UploadRow): boolean => {
    if (keyMarker === '') return true;
    const order = compareBytes(u.key, keyMarker);
    return order > 0 || (order === 0 && uploadIdMarker !== '' && u.upload_id > uploadIdMarker);
  };
  const candidates = ctx.store.bucketUploads(target.bucket).filter((u) => u.key.startsWith(prefix) && isAfterMarker(u));
  const uploads: UploadRow[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  for (const upload of candidates) {
    const cut = delimiter === '' ? -1 : upload.key.indexOf(delimiter, prefix.length);
    const commonPrefix = cut === -1 ? undefined : upload.key.slice(0, cut + delimiter.length);
    if (commonPrefix !== undefined && prefixes.at(-1) === commonPrefix) continue;
    if (uploads.length + prefixes.length === maxUploads) {
      truncated = true;
      break;
    }
    if (commonPrefix !== undefined) prefixes.push(commonPrefix);
    else uploads.push(upload);
  }
  const last = uploads.at(-1);
  const doc: XmlNode = {
    Bucket: target.bucket,
    KeyMarker: encode(keyMarker),
    UploadIdMarker: uploadIdMarker,
    ...(truncated && last ? { NextKeyMarker: encode(last.key), NextUploadIdMarker: last.upload_id } : {}),
    Prefix: encode(prefix),
    ...(delimiter !== '' ? { Delimiter: encode(delimiter) } : {}),
    MaxUploads: maxUploads,
    IsTruncated: truncated,
  };
  if (uploads.length > 0) {
    doc.Upload = uploads.map((u) => ({
      Key: encode(u.key),
      UploadId: u.upload_id,
      Initiator: ownerOf(ctx),
      Owner: ownerOf(ctx),
      StorageClass: 'STANDARD',
      Initiated: formatIsoDate(u.initiated_ms),
    }));
  }
  if (prefixes.length > 0) doc.CommonPrefixes = prefixes.map((p) => ({ Prefix: encode(p) }));
  sendXml(res, 200, buildXml('ListMultipartUploadsResult', doc));
};
