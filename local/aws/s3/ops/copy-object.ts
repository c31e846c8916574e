import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { nowSeconds, type S3Context, type Operation } from '../context.js';
import { createChecksum, readChecksumAlgorithm, type ChecksumAlgorithm } from '../checksums.js';
import { evaluateReadConditions } from '../conditions.js';
import { invalidArgument, invalidVersionId, noSuchKey, noSuchVersion, preconditionFailed, S3Error } from '../errors.js';
import { formatIsoDate, header, sendXml } from '../http.js';
import { validateKey } from '../names.js';
import { readObjectHeaders } from '../object-headers.js';
import { isWellFormedVersionId, type ObjectRow, type OpenedObject } from '../store/index.js';
import { readVersionHeaders, writtenVersionHeaders } from './versioning.js';
import { buildXml } from '../xml.js';

/** Where x-amz-copy-source points. */
export interface CopySource {
  bucket: string;
  key: string;
  /** The source version, when `?versionId=` names one. */
  versionId?: string;
}

/** Parses x-amz-copy-source (`[/]bucket/key[?versionId=…]`, percent-encoded). */
export function readCopySource(value: string): CopySource {
  const question = value.indexOf('?');
  const path = question === -1 ? value : value.slice(0, question);
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  const slash = trimmed.indexOf('/');
  const fail = () => invalidArgument('Copy Source must mention the source bucket and key: sourcebucket/sourcekey', 'x-amz-copy-source', value.slice(0, 200));
  if (slash <= 0 || slash === trimmed.length - 1) throw fail();
  let source: CopySource;
  try {
    source = { bucket: decodeURIComponent(trimmed.slice(0, slash)), key: decodeURIComponent(trimmed.slice(slash + 1)) };
  } catch {
    throw fail();
  }
  if (question === -1) return source;
  const versionId = new URLSearchParams(value.slice(question + 1)).get('versionId');
  if (versionId === null) return source;
  if (!isWellFormedVersionId(versionId)) throw invalidVersionId(versionId);
  return { ...source, versionId };
}

/**
 * Opens the copy source (its current version, or the version named) and checks the
 * x-amz-copy-source-if-* conditions (a would-be 304 is a 412 here). A delete marker cannot be
 * copied: named by its version id it is 400 InvalidRequest, as S3 answers.
 */
export function openCopySource(ctx: S3Context, source: CopySource, headers: S3CallHeaders): OpenedObject {
  validateKey(source.key);
  const opened = source.versionId === undefined ? ctx.store.openObject(source.bucket, source.key) : ctx.store.openVersion(source.bucket, source.key, source.versionId);
  if (!opened) {
    ctx.store.requireBucket(source.bucket);
    throw source.versionId === undefined ? noSuchKey(source.key) : noSuchVersion(source.key, source.versionId);
  }
  if (!('fd' in opened)) {
    throw new S3Error(400, 'InvalidRequest', 'The source of a copy request may not specifically refer to a delete marker by version id.');
  }
  try {
    if (evaluateReadConditions(headers, opened.row, 'x-amz-copy-source-') === 'not-modified') {
      throw preconditionFailed('x-amz-copy-source-If-None-Match');
    }
  } catch (error) {
    ctx.store.closeBody(opened.fd);
    throw error;
  }
  return opened;
}

type S3CallHeaders = Parameters<typeof evaluateReadConditions>[0];

/** What copying bytes into a new body produced. */
export interface CopiedBody {
  bodyId: string;
  size: number;
  md5: Buffer;
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
}

/**
 * Copies bytes [start, end] of an open object's body into a new body file (taking ownership of
 * the descriptor). A copy of the whole body that needs no new checksum, from an object whose
 * ETag is its MD5 (not a multipart one), is a hard link of the body with that MD5: no byte is
 * read (a big log extended in place copies its shipped bytes so, bodies.ts linkCopy).
 */
export async function copyBody(ctx: S3Context, { row, fd }: OpenedObject, start: number, end: number, algorithm?: ChecksumAlgorithm): Promise<CopiedBody> {
  const md5 = /^"([0-9a-f]{32})"$/.exec(row.etag)?.[1];
  if (md5 !== undefined && algorithm === undefined && start === 0 && end === row.size - 1) {
    const bodyId = await ctx.store.bodies.linkCopy(row.body_id);
    if (bodyId !== undefined) {
      ctx.store.closeBody(fd);
      return { bodyId, size: row.size, md5: Buffer.from(md5, 'hex') };
    }
  }
  return streamBody(ctx, fd, start, end, algorithm);
}

async function streamBody(ctx: S3Context, fd: number, start: number, end: number, algorithm?: ChecksumAlgorithm): Promise<CopiedBody> {
  const md5 = createHash('md5');
  const checksum = algorithm ? createChecksum(algorithm) : undefined;
  let size = 0;
  const stream = end < start ? undefined : createReadStream('', { fd, start, end, autoClose: true, highWaterMark: 256 * 1024 });
  if (!stream) ctx.store.closeBody(fd);
  async function* hashed(): AsyncGenerator<Buffer> {
    if (!stream) return;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      md5.update(chunk);
      checksum?.update(chunk);
      size += chunk.length;
      yield chunk;
    }
  }
  let bodyId: string;
  try {
    bodyId = await ctx.store.bodies.write(hashed());
  } finally {
    stream?.destroy();
  }
  const verified = algorithm && checksum ? { checksum: { algorithm, value: checksum.digest().toString('base64') } } : {};
  return { bodyId, size, md5: md5.digest(), ...verified };
}

/** Reads x-amz-checksum-algorithm (the checksum a copy or multipart upload should compute). */
export function readRequestedChecksum(headers: S3CallHeaders): ChecksumAlgorithm | undefined {
  const name = header(headers, 'x-amz-checksum-algorithm');
  if (name === undefined) return undefined;
  const algorithm = readChecksumAlgorithm(name);
  if (!algorithm) throw invalidArgument(`Expected x-amz-checksum-algorithm to be CRC32, CRC32C, CRC64NVME, SHA1 or SHA256, got \`${name.slice(0, 50)}\``, 'x-amz-checksum-algorithm', name.slice(0, 50));
  return algorithm;
}

/** CopyObject: x-amz-metadata-directive COPY (default) keeps the source's headers, REPLACE takes the request's. */
export const copyObject: Operation = async (ctx, { req, res, target }) => {
  validateKey(target.key);
  ctx.store.requireBucket(target.bucket);
  const source = readCopySource(header(req.headers, 'x-amz-copy-source') ?? '');
  const directive = (header(req.headers, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw invalidArgument(`Expected x-amz-metadata-directive to be COPY or REPLACE, got \`${directive.slice(0, 50)}\``, 'x-amz-metadata-directive', directive.slice(0, 50));
  }
  const requested = readRequestedChecksum(req.headers);
  if (source.bucket === target.bucket && source.key === target.key && source.versionId === undefined && directive === 'COPY' && requested === undefined) {
    throw new S3Error(
      400,
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const opened = openCopySource(ctx, source, req.headers);
  const sourceRow = opened.row;
  const keepChecksum = requested === undefined && sourceRow.checksum_value !== null && !sourceRow.checksum_value.includes('-');
  const algorithm = requested ?? (keepChecksum ? readChecksumAlgorithm(sourceRow.checksum_algorithm ?? '') : undefined);
  const copied = await copyBody(ctx, opened, 0, sourceRow.size - 1, algorithm);
  const taggingDirective = (header(req.headers, 'x-amz-tagging-directive') ?? 'COPY').toUpperCase();
  if (taggingDirective !== 'COPY' && taggingDirective !== 'REPLACE') {
    throw invalidArgument(`Expected x-amz-tagging-directive to be COPY or REPLACE, got \`${taggingDirective.slice(0, 50)}\``, 'x-amz-tagging-directive', taggingDirective.slice(0, 50));
  }
  const requestHeaders = readObjectHeaders(req.headers);
  const headers = directive === 'COPY' ? pickHeaders(sourceRow) : requestHeaders;
  headers.tags = taggingDirective === 'COPY' ? sourceRow.tags : requestHeaders.tags;
  const row = ctx.store.commitObject(target.bucket, target.key, {
    body_id: copied.bodyId,
    size: copied.size,
    etag: `"${copied.md5.toString('hex')}"`,
    modified_ms: nowSeconds(ctx),
    ...headers,
    checksum_algorithm: copied.checksum?.algorithm ?? null,
    checksum_value: copied.checksum?.value ?? null,
    part_sizes: null,
  });
  const checksumElement = copied.checksum ? { [`Checksum${copied.checksum.algorithm.toUpperCase()}`]: copied.checksum.value } : {};
  sendXml(res, 200, buildXml('CopyObjectResult', { LastModified: formatIsoDate(row.modified_ms), ETag: row.etag, ...checksumElement }), {
    ...writtenVersionHeaders(row),
    ...copySourceVersionHeaders(ctx, source, sourceRow),
  });
};

function pickHeaders(row: ObjectRow) {
  const { content_type, content_encoding, content_disposition, content_language, cache_control, expires, metadata, tags } = row;
  return { content_type, content_encoding, content_disposition, content_language, cache_control, expires, metadata, tags };
}

/** x-amz-copy-source-version-id: the version copied, when its bucket is versioned or the request named it. */
export function copySourceVersionHeaders(ctx: S3Context, source: CopySource, row: ObjectRow): Record<string, string> {
  const shown = readVersionHeaders(ctx.store.getBucket(source.bucket), row, source.versionId !== undefined)['x-amz-version-id'];
  return typeof shown === 'string' ? { 'x-amz-copy-source-version-id': shown } : {};
}
