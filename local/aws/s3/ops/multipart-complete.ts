import { createHash } from 'node:crypto';
import { closeSync, createReadStream } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { MAX_XML_BODY_BYTES, nowSeconds, type Operation } from '../context.js';
import { checksumBase64, CHECKSUM_ALGORITHMS, createChecksum, readChecksumAlgorithm, type ChecksumAlgorithm } from '../checksums.js';
import { S3Error } from '../errors.js';
import { header, sendXml } from '../http.js';
import { readPayload } from '../payload.js';
import type { PartRow } from '../store/index.js';
import { buildXml, parseXmlBody } from '../xml.js';
import { readUploadHeaders, readUploadId } from './multipart.js';
import { writtenVersionHeaders } from './versioning.js';

const PartEntry = z.object({
  PartNumber: z.string().regex(/^\s*\d{1,5}\s*$/, 'expected PartNumber to be an integer'),
  ETag: z.string({ error: 'expected an ETag in every Part' }),
  ChecksumCRC32: z.string().optional(),
  ChecksumCRC32C: z.string().optional(),
  ChecksumCRC64NVME: z.string().optional(),
  ChecksumSHA1: z.string().optional(),
  ChecksumSHA256: z.string().optional(),
});
type PartEntry = z.infer<typeof PartEntry>;

const CompleteRequest = z.object({
  CompleteMultipartUpload: z.object({ Part: z.array(PartEntry).min(1, 'expected at least one Part') }),
});

function bareEtag(etag: string): string {
  return etag.trim().replace(/^"|"$/g, '');
}

function invalidPart(entry: PartEntry, why: string): S3Error {
  return new S3Error(
    400,
    'InvalidPart',
    `One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag: part ${entry.PartNumber.trim()} ${why}`,
    { PartNumber: entry.PartNumber.trim(), ETag: entry.ETag },
  );
}

/** Checks the requested part list against the uploaded parts: order, existence, ETags, checksums, sizes. */
function selectParts(entries: readonly PartEntry[], uploaded: readonly PartRow[], minPartBytes: number): PartRow[] {
  const byNumber = new Map(uploaded.map((p) => [p.part_number, p]));
  const selected: PartRow[] = [];
  let previous = 0;
  for (const entry of entries) {
    const number = Number(entry.PartNumber);
    if (number <= previous) {
      throw new S3Error(400, 'InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.');
    }
    previous = number;
    const part = byNumber.get(number);
    if (!part) throw invalidPart(entry, 'was not uploaded');
    if (bareEtag(entry.ETag) !== bareEtag(part.etag)) throw invalidPart(entry, `has ETag ${part.etag}, not ${entry.ETag}`);
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const given = entry[`Checksum${algorithm.toUpperCase()}` as keyof PartEntry];
      if (given !== undefined && part.checksum_algorithm === algorithm && given.trim() !== part.checksum_value) {
        throw invalidPart(entry, `has a different ${algorithm.toUpperCase()} checksum`);
      }
    }
    selected.push(part);
  }
  selected.forEach((part, index) => {
    if (index < selected.length - 1 && part.size < minPartBytes) {
      throw new S3Error(400, 'EntityTooSmall', `Your proposed upload is smaller than the minimum allowed object size: part ${part.part_number} has ${part.size} bytes, every part but the last needs at least ${minPartBytes}`, {
        ProposedSize: String(part.size),
        MinSizeAllowed: String(minPartBytes),
        PartNumber: String(part.part_number),
        ETag: part.etag,
      });
    }
  });
  return selected;
}

/** The whole-object checksum a CompleteMultipartUpload may declare in an x-amz-checksum-* header. */
function readFullObjectChecksum(headers: IncomingHttpHeaders): { algorithm: ChecksumAlgorithm; value: string } | undefined {
  const algorithm = CHECKSUM_ALGORITHMS.find((a) => headers[`x-amz-checksum-${a}`] !== undefined);
  if (algorithm === undefined) return undefined;
  return { algorithm, value: (header(headers, `x-amz-checksum-${algorithm}`) ?? '').trim() };
}

/** The composite checksum S3 gives a multipart object: the checksum of the parts' checksums, suffixed "-N". */
function compositeChecksum(algorithmName: string | null, parts: readonly PartRow[]): string | undefined {
  const algorithm = readChecksumAlgorithm(algorithmName ?? '');
  if (!algorithm || !parts.every((p) => p.checksum_algorithm === algorithm && p.checksum_value !== null)) return undefined;
  const joined = Buffer.concat(parts.map((p) => Buffer.from(p.checksum_value ?? '', 'base64')));
  return `${checksumBase64(algorithm, joined)}-${parts.length}`;
}

/**
 * CompleteMultipartUpload: validates the part list, concatenates the parts into one body
 * and commits the object (ETag: MD5 of the parts' MD5s, "-N") in one transaction.
 */
export const completeMultipartUpload: Operation = async (ctx, { req, res, target }) => {
  const upload = ctx.store.requireUpload(target.bucket, target.key, readUploadId(req.query));
  const body = await readPayload(req, { maxBytes: MAX_XML_BODY_BYTES, idleTimeoutMs: ctx.bodyIdleTimeoutMs, checksumHeadersDescribeBody: false });
  const fullObject = readFullObjectChecksum(req.headers);
  const entries = parseXmlBody(body, CompleteRequest).CompleteMultipartUpload.Part;
  const parts = selectParts(entries, ctx.store.uploadParts(upload.upload_id), ctx.minPartBytes);
  const fds: number[] = [];
  try {
    for (const part of parts) {
      const fd = ctx.store.bodies.openSync(part.body_id);
      if (fd === undefined) throw new Error(`The body of part ${part.part_number} of upload ${upload.upload_id} is missing`);
      fds.push(fd);
    }
  } catch (error) {
    for (const fd of fds) closeSync(fd);
    throw error;
  }
  const fullChecksum = fullObject ? createChecksum(fullObject.algorithm) : undefined;
  async function* concatenated(from: number): AsyncGenerator<Buffer> {
    for (let i = from; i < fds.length; i++) {
      const fd = fds[i]!;
      fds[i] = -1;
      for await (const chunk of createReadStream('', { fd, autoClose: true, highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
        fullChecksum?.update(chunk);
        yield chunk;
      }
    }
    if (fullObject && fullChecksum && fullChecksum.digest().toString('base64') !== fullObject.value) {
      throw new S3Error(400, 'BadDigest', `The ${fullObject.algorithm.toUpperCase()} you specified for the whole object did not match the calculated checksum.`);
    }
  }
  let bodyId: string | undefined;
  try {
    // Without a whole-object checksum to compute, the first part's bytes need not pass through
    // here: the kernel copies them (a log extended in place is a big copied part and a small one).
    const [first] = parts;
    if (first && parts.length > 1 && !fullObject) {
      bodyId = await ctx.store.bodies.writeAfter(first.body_id, concatenated(1));
    }
    bodyId ??= await ctx.store.bodies.write(concatenated(0));
  } finally {
    for (const fd of fds) if (fd !== -1) closeSync(fd);
  }
  const md5s = Buffer.concat(parts.map((p) => Buffer.from(bareEtag(p.etag), 'hex')));
  const etag = `"${createHash('md5').update(md5s).digest('hex')}-${parts.length}"`;
  const checksum = fullObject ? fullObject.value : compositeChecksum(upload.checksum_algorithm, parts);
  const checksumAlgorithm = fullObject ? fullObject.algorithm : upload.checksum_algorithm;
  const row = ctx.store.completeUpload(upload, {
    body_id: bodyId,
    size: parts.reduce((sum, p) => sum + p.size, 0),
    etag,
    modified_ms: nowSeconds(ctx),
    ...readUploadHeaders(upload),
    checksum_algorithm: checksum === undefined ? null : checksumAlgorithm,
    checksum_value: checksum ?? null,
    part_sizes: JSON.stringify(parts.map((p) => p.size)),
  });
  const location = `http://${header(req.headers, 'host') ?? 'localhost'}/${encodeURIComponent(target.bucket)}/${target.key.split('/').map(encodeURIComponent).join('/')}`;
  const checksumElement = checksum && checksumAlgorithm ? { [`Checksum${checksumAlgorithm.toUpperCase()}`]: checksum } : {};
  sendXml(
    res,
    200,
    buildXml('CompleteMultipartUploadResult', { Location: location, Bucket: target.bucket, Key: target.key, ETag: etag, ...checksumElement }),
    writtenVersionHeaders(row),
  );
};
