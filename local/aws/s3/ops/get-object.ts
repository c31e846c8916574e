import { createReadStream, readSync } from 'node:fs';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Operation, S3Call, S3Context } from '../context.js';
import { evaluateReadConditions } from '../conditions.js';
import { bucketArn } from '../authorize.js';
import { accessDenied, invalidArgument, methodNotAllowedOnMarker, noSuchKey, noSuchVersion, type S3Error } from '../errors.js';
import { header, param, resolveRange, type ByteRange } from '../http.js';
import { validateKey } from '../names.js';
import { objectResponseHeaders, partSizesOf } from '../object-headers.js';
import type { ObjectRow, OpenedObject } from '../store/index.js';
import { readVersionHeaders, readVersionId } from './versioning.js';

/** Bodies up to this size are read in one synchronous call instead of streamed (the 1 KB GET hot path). */
const SMALL_BODY_BYTES = 256 * 1024;

/** GetObject: the body (or a Range of it) with the stored headers; the body file is opened in the same tick as the lookup. */
export const getObject: Operation = async (ctx, call) => {
  const { store } = ctx;
  const { bucket, key } = call.target;
  validateKey(key);
  const versionId = readVersionId(call.req.query);
  const { row, fd } = openForRead(ctx, call, versionId);
  let handedOver = false;
  try {
    const answer = prepareAnswer(ctx, call, row, versionId !== undefined);
    if (answer === undefined) return;
    const { status, headers, range } = answer;
    const length = range.end - range.start + 1;
    if (length <= SMALL_BODY_BYTES) {
      const body = Buffer.allocUnsafe(length);
      let read = 0;
      while (read < length) {
        const n = readSync(fd, body, read, length - read, range.start + read);
        if (n === 0) throw new Error(`The body file of ${bucket}/${key} is shorter than its recorded size`);
        read += n;
      }
      call.res.writeHead(status, headers);
      call.res.end(body);
      return;
    }
    handedOver = true;
    const stream = createReadStream('', { fd, start: range.start, end: range.end, autoClose: true, highWaterMark: 256 * 1024 });
    call.res.writeHead(status, headers);
    await pipeline(stream, call.res).catch(() => {
      // The client went away mid-body, or the read failed after the headers were sent: nothing to tell anyone.
      call.res.destroy();
    });
  } finally {
    if (!handedOver) store.closeBody(fd);
  }
};

/** HeadObject: GetObject's headers without a body. */
export const headObject: Operation = (ctx, call) => {
  const { bucket, key } = call.target;
  validateKey(key);
  const versionId = readVersionId(call.req.query);
  const row = versionId === undefined ? ctx.store.headObject(bucket, key) : findObjectVersion(ctx, call, versionId);
  if (!row) throw missing(ctx, call, bucket, key);
  const answer = prepareAnswer(ctx, call, row, versionId !== undefined);
  if (answer === undefined) return;
  call.res.writeHead(answer.status, answer.headers);
  call.res.end();
};

/** Opens the current object, or the version named, with its body; throws S3's error when there is none. */
function openForRead(ctx: S3Context, call: S3Call, versionId: string | undefined): OpenedObject {
  const { bucket, key } = call.target;
  if (versionId === undefined) {
    const opened = ctx.store.openObject(bucket, key);
    if (!opened) throw missing(ctx, call, bucket, key);
    return opened;
  }
  const opened = ctx.store.openVersion(bucket, key, versionId);
  if (!opened) throw missingVersion(ctx, call, versionId);
  if (opened.marker) throw methodNotAllowedOnMarker(opened.row, call.req.method);
  return opened;
}

/** The version named of an object: 404 NoSuchVersion when there is none, 405 when it is a delete marker. */
function findObjectVersion(ctx: S3Context, call: S3Call, versionId: string): ObjectRow {
  const found = ctx.store.findVersion(call.target.bucket, call.target.key, versionId);
  if (!found) throw missingVersion(ctx, call, versionId);
  if (found.marker) throw methodNotAllowedOnMarker(found.row, call.req.method);
  return found.row;
}

function missingVersion(ctx: S3Context, call: S3Call, versionId: string): S3Error {
  ctx.store.requireBucket(call.target.bucket);
  return noSuchVersion(call.target.key, versionId);
}

/**
 * The error for a key that does not exist: 404 NoSuchKey, or 403 AccessDenied when the caller
 * may not list the bucket, so that a GET does not tell it which keys exist
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, "Permissions"). When a
 * delete marker is the key's current version, the 404 says so: x-amz-delete-marker and the
 * marker's version id (API_GetObject.html, "x-amz-delete-marker").
 */
function missing(ctx: S3Context, call: S3Call, bucket: string, key: string): Error {
  const versioned = ctx.store.requireBucket(bucket).versioning !== null;
  const denial = call.req.caller?.principal?.authorize('s3:ListBucket', bucketArn(bucket));
  if (denial) return accessDenied(denial);
  const marker = versioned ? ctx.store.findLatestMarker(bucket, key) : undefined;
  if (!marker) return noSuchKey(key);
  return noSuchKey(key, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker.version_id });
}

interface Answer {
  status: number;
  headers: OutgoingHttpHeaders;
  range: ByteRange;
}

/** Evaluates conditions, partNumber and Range; sends a 304 itself and returns undefined then. */
function prepareAnswer(ctx: S3Context, { req, res }: S3Call, row: ObjectRow, named: boolean): Answer | undefined {
  if (evaluateReadConditions(req.headers, row) === 'not-modified') {
    sendNotModified(res, row);
    return undefined;
  }
  const partNumber = param(req.query, 'partNumber');
  const range = partNumber !== undefined ? partRange(row, partNumber) : resolveRange(header(req.headers, 'range'), row.size);
  const whole = range === undefined;
  const checksumMode = header(req.headers, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED';
  const headers = objectResponseHeaders(row, req.query, whole && checksumMode);
  Object.assign(headers, readVersionHeaders(ctx.store.getBucket(row.bucket), row, named));
  if (whole) {
    headers['content-length'] = row.size;
    return { status: 200, headers, range: { start: 0, end: row.size - 1 } };
  }
  headers['content-length'] = range.end - range.start + 1;
  headers['content-range'] = `bytes ${range.start}-${range.end}/${row.size}`;
  return { status: 206, headers, range };
}

function sendNotModified(res: ServerResponse, row: ObjectRow): void {
  res.writeHead(304, { etag: row.etag, 'last-modified': new Date(row.modified_ms).toUTCString() });
  res.end();
}

function partRange(row: ObjectRow, text: string): ByteRange | undefined {
  const sizes = row.part_sizes === null ? [row.size] : partSizesOf(row);
  const number = Number(text);
  if (!/^\d{1,5}$/.test(text) || number < 1 || number > sizes.length) {
    throw invalidArgument(`Expected partNumber to be an integer from 1 to ${sizes.length}, got \`${text.slice(0, 20)}\``, 'partNumber', text.slice(0, 20));
  }
  if (row.part_sizes === null) return undefined;
  let start = 0;
  for (let i = 0; i < number - 1; i++) start += sizes[i] ?? 0;
  return { start, end: start + (sizes[number - 1] ?? 0) - 1 };
}
