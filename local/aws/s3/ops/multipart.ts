import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { MAX_OBJECT_BYTES, nowSeconds, type Operation } from '../context.js';
import { invalidArgument, S3Error } from '../errors.js';
import { formatIsoDate, header, param, sendEmpty, sendXml } from '../http.js';
import { validateKey } from '../names.js';
import { readObjectHeaders, type ObjectHeaders } from '../object-headers.js';
import { openPayload } from '../payload.js';
import type { UploadRow } from '../store/index.js';
import { buildXml } from '../xml.js';
import { copyBody, copySourceVersionHeaders, openCopySource, readCopySource, readRequestedChecksum } from './copy-object.js';

/** Highest part number of a multipart upload. */
export const MAX_PART_NUMBER = 10_000;

/** The object headers kept with an upload until it completes. */
export const StoredUploadHeaders = z.object({
  content_type: z.string(),
  content_encoding: z.string().nullable(),
  content_disposition: z.string().nullable(),
  content_language: z.string().nullable(),
  cache_control: z.string().nullable(),
  expires: z.string().nullable(),
  metadata: z.string(),
  tags: z.string(),
});

/** Reads the headers stored with an upload. */
export function readUploadHeaders(upload: UploadRow): ObjectHeaders {
  const parsed = StoredUploadHeaders.safeParse(JSON.parse(upload.headers));
  if (!parsed.success) throw new Error(`Expected the stored headers of upload ${upload.upload_id} to be valid: ${parsed.error.message}`);
  return parsed.data;
}

/** Reads and checks the partNumber query parameter (1..10000). */
export function readPartNumber(text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || !/^\d{1,5}$/.test(text) || value < 1 || value > MAX_PART_NUMBER) {
    throw invalidArgument(`Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive: got \`${(text ?? '').slice(0, 20)}\``, 'partNumber', (text ?? '').slice(0, 20));
  }
  return value;
}

/** The uploadId query parameter of a multipart operation. */
export function readUploadId(query: Parameters<typeof param>[0]): string {
  return param(query, 'uploadId') ?? '';
}

/** CreateMultipartUpload: remembers the object's headers and answers with a new upload id. */
export const createMultipartUpload: Operation = (ctx, { req, res, target }) => {
  validateKey(target.key);
  ctx.store.requireBucket(target.bucket);
  const algorithm = readRequestedChecksum(req.headers);
  const uploadId = randomBytes(24).toString('base64url');
  ctx.store.createUpload({
    upload_id: uploadId,
    bucket: target.bucket,
    key: target.key,
    initiated_ms: nowSeconds(ctx),
    headers: JSON.stringify(readObjectHeaders(req.headers)),
    checksum_algorithm: algorithm ?? null,
  });
  const headers = algorithm ? { 'x-amz-checksum-algorithm': algorithm.toUpperCase() } : {};
  sendXml(res, 200, buildXml('InitiateMultipartUploadResult', { Bucket: target.bucket, Key: target.key, UploadId: uploadId }), headers);
};

/** UploadPart: stores one part (replacing an earlier upload of the same number). */
export const uploadPart: Operation = async (ctx, { req, res, target }) => {
  validateKey(target.key);
  const partNumber = readPartNumber(param(req.query, 'partNumber'));
  const uploadId = readUploadId(req.query);
  ctx.store.requireUpload(target.bucket, target.key, uploadId);
  const payload = openPayload(req, { maxBytes: MAX_OBJECT_BYTES, idleTimeoutMs: ctx.bodyIdleTimeoutMs });
  const bodyId = await ctx.store.bodies.write(payload.chunks);
  const { size, md5, checksum } = payload.result();
  const etag = `"${md5.toString('hex')}"`;
  ctx.store.commitPart({
    upload_id: uploadId,
    part_number: partNumber,
    body_id: bodyId,
    size,
    etag,
    modified_ms: nowSeconds(ctx),
    checksum_algorithm: checksum?.algorithm ?? null,
    checksum_value: checksum?.value ?? null,
  });
  sendEmpty(res, 200, { etag, ...(checksum ? { [`x-amz-checksum-${checksum.algorithm}`]: checksum.value } : {}) });
};

/** UploadPartCopy: a part copied from (a byte range of) an existing object. */
export const uploadPartCopy: Operation = async (ctx, { req, res, target }) => {
  validateKey(target.key);
  const partNumber = readPartNumber(param(req.query, 'partNumber'));
  const uploadId = readUploadId(req.query);
  const upload = ctx.store.requireUpload(target.bucket, target.key, uploadId);
  const source = readCopySource(header(req.headers, 'x-amz-copy-source') ?? '');
  const opened = openCopySource(ctx, source, req.headers);
  const { row } = opened;
  let range: { start: number; end: number };
  try {
    range = readCopySourceRange(req.headers, row.size);
  } catch (error) {
    ctx.store.closeBody(opened.fd);
    throw error;
  }
  const algorithm = upload.checksum_algorithm === null ? undefined : readRequestedChecksum({ 'x-amz-checksum-algorithm': upload.checksum_algorithm });
  const copied = await copyBody(ctx, opened, range.start, range.end, algorithm);
  const etag = `"${copied.md5.toString('hex')}"`;
  const modified = nowSeconds(ctx);
  ctx.store.commitPart({
    upload_id: uploadId,
    part_number: partNumber,
    body_id: copied.bodyId,
    size: copied.size,
    etag,
    modified_ms: modified,
    checksum_algorithm: copied.checksum?.algorithm ?? null,
    checksum_value: copied.checksum?.value ?? null,
  });
  sendXml(res, 200, buildXml('CopyPartResult', { LastModified: formatIsoDate(modified), ETag: etag }), copySourceVersionHeaders(ctx, source, row));
};

function readCopySourceRange(headers: IncomingHttpHeaders, size: number): { start: number; end: number } {
  const text = header(headers, 'x-amz-copy-source-range');
  if (text === undefined) return { start: 0, end: size - 1 };
  const match = /^bytes=(\d+)-(\d+)$/.exec(text.trim());
  const start = Number(match?.[1]);
  const end = Number(match?.[2]);
  if (!match || end < start || end >= size) {
    throw new S3Error(400, 'InvalidArgument', `Range specified is not valid for source object of size: ${size}: expected bytes=FIRST-LAST within the object, got \`${text.slice(0, 50)}\``);
  }
  return { start, end };
}

/** AbortMultipartUpload: deletes the upload and its parts; 404 NoSuchUpload when unknown. */
export const abortMultipartUpload: Operation = (ctx, { req, res, target }) => {
  const upload = ctx.store.requireUpload(target.bucket, target.key, readUploadId(req.query));
  ctx.store.abortUpload(upload);
  sendEmpty(res, 204);
};
