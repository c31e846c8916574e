import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { beforeAll, describe, expect, it } from 'vitest';
import type { S3TestEndpoint } from '../endpoint.js';

const BUCKET = 'multipart';
const MiB = 1024 * 1024;

function md5(data: Buffer): Buffer {
  return createHash('md5').update(data).digest();
}

/** Multipart uploads: lib-storage Upload, the part list checks, ListParts/ListMultipartUploads, abort, UploadPartCopy. */
export function describeMultipart(env: () => S3TestEndpoint): void {
  describe('multipart uploads', () => {
    beforeAll(async () => {
      await env().client().send(new CreateBucketCommand({ Bucket: BUCKET }));
    });

    it('uploads 12 MiB with lib-storage Upload in three parts, byte-exact, with an md5-of-md5s ETag', async () => {
      const body = randomBytes(12 * MiB);
      const upload = new Upload({ client: env().client(), params: { Bucket: BUCKET, Key: 'big.bin', Body: body, ContentType: 'application/x-big', Metadata: { m: 'v' } }, partSize: 5 * MiB, queueSize: 2 });
      const result = await upload.done();
      const partMd5s = [body.subarray(0, 5 * MiB), body.subarray(5 * MiB, 10 * MiB), body.subarray(10 * MiB)].map(md5);
      const expected = `"${createHash('md5').update(Buffer.concat(partMd5s)).digest('hex')}-3"`;
      expect(result.ETag).toBe(expected);
      const got = await env().client().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'big.bin' }));
      expect(got).toMatchObject({ ETag: expected, ContentLength: body.length, ContentType: 'application/x-big', Metadata: { m: 'v' } });
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
      const second = await env().client().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'big.bin', PartNumber: 2 }));
      expect(second.PartsCount).toBe(3);
      expect(Buffer.from(await second.Body!.transformToByteArray()).equals(body.subarray(5 * MiB, 10 * MiB))).toBe(true);
    });

    it('lists parts and uploads, completes with the listed parts, and forgets the upload', async () => {
      const s3 = env().client();
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'manual' }));
      const first = Buffer.alloc(5 * MiB, 1);
      const last = Buffer.from('tail');
      const p1 = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'manual', UploadId, PartNumber: 1, Body: first }));
      const p2 = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'manual', UploadId, PartNumber: 2, Body: last }));
      const parts = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'manual', UploadId }));
      expect(parts.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
        [1, first.length, p1.ETag],
        [2, 4, p2.ETag],
      ]);
      const pageOfOne = await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'manual', UploadId, MaxParts: 1 }));
      expect(pageOfOne).toMatchObject({ IsTruncated: true, NextPartNumberMarker: '1' });
      const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
      expect(uploads.Uploads?.map((u) => [u.Key, u.UploadId])).toContainEqual(['manual', UploadId]);
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key: 'manual',
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] },
        }),
      );
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'manual', Range: `bytes=${first.length - 2}-` }));
      expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(Buffer.from([1, 1, ...last]));
      await expect(s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'manual', UploadId }))).rejects.toMatchObject({ name: 'NoSuchUpload' });
    });

    it('refuses a part list that is out of order, names a missing part or a wrong ETag, or has a small middle part', async () => {
      const s3 = env().client();
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'checked' }));
      const small1 = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'checked', UploadId, PartNumber: 1, Body: 'small' }));
      const small2 = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'checked', UploadId, PartNumber: 2, Body: 'small too' }));
      const complete = (parts: { PartNumber: number; ETag?: string }[]) =>
        s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'checked', UploadId, MultipartUpload: { Parts: parts } }));
      await expect(complete([{ PartNumber: 2, ETag: small2.ETag }, { PartNumber: 1, ETag: small1.ETag }])).rejects.toMatchObject({ Code: 'InvalidPartOrder' });
      await expect(complete([{ PartNumber: 1, ETag: small1.ETag }, { PartNumber: 3, ETag: small2.ETag }])).rejects.toMatchObject({ Code: 'InvalidPart' });
      await expect(complete([{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }])).rejects.toMatchObject({ Code: 'InvalidPart' });
      await expect(complete([{ PartNumber: 1, ETag: small1.ETag }, { PartNumber: 2, ETag: small2.ETag }])).rejects.toMatchObject({
        Code: 'EntityTooSmall',
        $metadata: { httpStatusCode: 400 },
      });
      await complete([{ PartNumber: 2, ETag: small2.ETag }]);
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'checked' }));
      expect(await got.Body?.transformToString()).toBe('small too');
    });

    it('checks and keeps a whole-object checksum given on CompleteMultipartUpload', async () => {
      const s3 = env().client();
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'full-checksum' }));
      const part = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'full-checksum', UploadId, PartNumber: 1, Body: 'whole object' }));
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(Buffer.from('whole object')));
      const complete = (value: string) =>
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: BUCKET,
            Key: 'full-checksum',
            UploadId,
            ChecksumCRC32: value,
            ChecksumType: 'FULL_OBJECT',
            MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
          }),
        );
      await expect(complete('AAAAAA==')).rejects.toMatchObject({ Code: 'BadDigest' });
      await complete(crc.toString('base64'));
      const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'full-checksum', ChecksumMode: 'ENABLED' }));
      expect(head.ChecksumCRC32).toBe(crc.toString('base64'));
    });

    it('aborts an upload, after which its id is unknown (404 NoSuchUpload)', async () => {
      const s3 = env().client();
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'aborted' }));
      await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'aborted', UploadId, PartNumber: 1, Body: 'x' }));
      await s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'aborted', UploadId }));
      await expect(s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'aborted', UploadId }))).rejects.toMatchObject({
        name: 'NoSuchUpload',
        $metadata: { httpStatusCode: 404 },
      });
      await expect(s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'aborted', UploadId, PartNumber: 2, Body: 'y' }))).rejects.toMatchObject({
        name: 'NoSuchUpload',
      });
      await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'aborted' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    });

    it('copies byte ranges of an object into parts with UploadPartCopy', async () => {
      const s3 = env().client();
      const source = randomBytes(6 * MiB);
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'copy-source', Body: source }));
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'copy-target' }));
      const a = await s3.send(new UploadPartCopyCommand({ Bucket: BUCKET, Key: 'copy-target', UploadId, PartNumber: 1, CopySource: `${BUCKET}/copy-source`, CopySourceRange: `bytes=0-${5 * MiB - 1}` }));
      const b = await s3.send(new UploadPartCopyCommand({ Bucket: BUCKET, Key: 'copy-target', UploadId, PartNumber: 2, CopySource: `${BUCKET}/copy-source`, CopySourceRange: `bytes=${5 * MiB}-${6 * MiB - 1}` }));
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key: 'copy-target',
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: a.CopyPartResult?.ETag }, { PartNumber: 2, ETag: b.CopyPartResult?.ETag }] },
        }),
      );
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'copy-target' }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(source)).toBe(true);
    });

    it('appends to an object by copying all of it from its own key into the first part, then uploading the rest', async () => {
      const s3 = env().client();
      const head = randomBytes(5 * MiB + 3);
      const rest = Buffer.from('and the rest\n');
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'appended', Body: head }));
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'appended' }));
      const [copied, uploaded] = await Promise.all([
        s3.send(new UploadPartCopyCommand({ Bucket: BUCKET, Key: 'appended', UploadId, PartNumber: 1, CopySource: `${BUCKET}/appended`, CopySourceRange: `bytes=0-${head.length - 1}` })),
        s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'appended', UploadId, PartNumber: 2, Body: rest })),
      ]);
      expect(copied.CopyPartResult?.ETag).toBe(`"${md5(head).toString('hex')}"`);
      const done = await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key: 'appended',
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: copied.CopyPartResult?.ETag }, { PartNumber: 2, ETag: uploaded.ETag }] },
        }),
      );
      expect(done.ETag).toBe(`"${createHash('md5').update(Buffer.concat([md5(head), md5(rest)])).digest('hex')}-2"`);
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'appended' }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat([head, rest]))).toBe(true);
      // Overwritten afterwards, the object reads as the new bytes; the parts' bytes went with the upload.
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'appended', Body: 'short' }));
      const after = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'appended' }));
      expect(await after.Body!.transformToString()).toBe('short');
    });
  });
}
