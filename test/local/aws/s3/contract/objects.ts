import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { S3TestEndpoint } from '../endpoint.js';
import { sendSigned } from '../raw.js';

const BUCKET = 'objects';

/** Object operations: put/get/head/delete, headers and metadata, Content-MD5, conditions, copy, multi-delete, odd keys. */
export function describeObjects(env: () => S3TestEndpoint): void {
  describe('objects', () => {
    beforeAll(async () => {
      await env().client().send(new CreateBucketCommand({ Bucket: BUCKET }));
    });

    it('round-trips a body with its metadata, content headers and a quoted MD5 ETag', async () => {
      const s3 = env().client();
      const put = await s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'meta.txt',
          Body: 'hello world',
          ContentType: 'text/plain; charset=utf-8',
          ContentEncoding: 'identity',
          ContentDisposition: 'attachment; filename="meta.txt"',
          CacheControl: 'max-age=60',
          ContentLanguage: 'en',
          Metadata: { owner: 'alice', 'job-id': '42' },
        }),
      );
      const md5 = createHash('md5').update('hello world').digest('hex');
      expect(put.ETag).toBe(`"${md5}"`);
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'meta.txt' }));
      expect(await got.Body?.transformToString()).toBe('hello world');
      expect(got).toMatchObject({
        ETag: `"${md5}"`,
        ContentType: 'text/plain; charset=utf-8',
        ContentEncoding: 'identity',
        ContentDisposition: 'attachment; filename="meta.txt"',
        CacheControl: 'max-age=60',
        ContentLanguage: 'en',
        ContentLength: 11,
        Metadata: { owner: 'alice', 'job-id': '42' },
      });
      expect(got.LastModified).toBeInstanceOf(Date);
      const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'meta.txt' }));
      expect(head).toMatchObject({ ContentLength: 11, ETag: `"${md5}"`, Metadata: { owner: 'alice', 'job-id': '42' } });
    });

    it('defaults the content type to binary/octet-stream', async () => {
      const response = await sendSigned(env().credentials, { port: env().port, method: 'PUT', path: `/${BUCKET}/untyped`, body: 'x' });
      expect(response.status).toBe(200);
      const head = await env().client().send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'untyped' }));
      expect(head.ContentType).toBe('binary/octet-stream');
    });

    it('applies response-content-type and friends on GET', async () => {
      const s3 = env().client();
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'override', Body: 'x', ContentType: 'text/plain' }));
      const got = await s3.send(
        new GetObjectCommand({
          Bucket: BUCKET,
          Key: 'override',
          ResponseContentType: 'application/json',
          ResponseContentDisposition: 'inline',
          ResponseCacheControl: 'no-cache',
        }),
      );
      expect(got).toMatchObject({ ContentType: 'application/json', ContentDisposition: 'inline', CacheControl: 'no-cache' });
    });

    it('checks Content-MD5 and refuses a wrong one with BadDigest without writing the object', async () => {
      const s3 = env().client();
      const good = createHash('md5').update('payload').digest('base64');
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'md5-ok', Body: 'payload', ContentMD5: good }));
      const wrong = createHash('md5').update('other').digest('base64');
      await expect(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'md5-bad', Body: 'payload', ContentMD5: wrong }))).rejects.toMatchObject({
        Code: 'BadDigest',
        $metadata: { httpStatusCode: 400 },
      });
      await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'md5-bad' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    });

    it('answers 304 and 412 for If-None-Match, If-Match, If-Modified-Since and If-Unmodified-Since', async () => {
      const s3 = env().client();
      const { ETag } = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'conditional', Body: 'v1' }));
      await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'conditional', IfNoneMatch: ETag }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 304 },
      });
      await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'conditional', IfMatch: '"0000"' }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 412 },
      });
      const future = new Date(Date.now() + 3600_000);
      const past = new Date(Date.now() - 3600_000);
      await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'conditional', IfModifiedSince: future }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 304 },
      });
      await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'conditional', IfUnmodifiedSince: past }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 412 },
      });
      const ok = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'conditional', IfMatch: ETag, IfModifiedSince: past }));
      expect(await ok.Body?.transformToString()).toBe('v1');
    });

    it('writes conditionally with If-None-Match: * (412 when the key exists)', async () => {
      const s3 = env().client();
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'once', Body: 'first', IfNoneMatch: '*' }));
      await expect(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'once', Body: 'second', IfNoneMatch: '*' }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 412 },
      });
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'once' }));
      expect(await got.Body?.transformToString()).toBe('first');
    });

    it('overwrites an object and deletes it (deleting again still succeeds)', async () => {
      const s3 = env().client();
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'over', Body: 'old' }));
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'over', Body: 'newer' }));
      expect(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'over' }))).Body?.transformToString()).toBe('newer');
      await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'over' }));
      await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'over' }));
      await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'over' }))).rejects.toMatchObject({
        name: 'NoSuchKey',
        $metadata: { httpStatusCode: 404 },
      });
    });

    it('copies an object keeping its metadata (COPY) or taking new metadata (REPLACE)', async () => {
      const s3 = env().client();
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'src', Body: 'copied body', ContentType: 'text/plain', Metadata: { a: '1' } }));
      const copy = await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'dst/kept', CopySource: `${BUCKET}/src` }));
      expect(copy.CopyObjectResult?.ETag).toBe(`"${createHash('md5').update('copied body').digest('hex')}"`);
      const kept = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'dst/kept' }));
      expect(await kept.Body?.transformToString()).toBe('copied body');
      expect(kept).toMatchObject({ ContentType: 'text/plain', Metadata: { a: '1' } });
      await s3.send(
        new CopyObjectCommand({
          Bucket: BUCKET,
          Key: 'dst/replaced',
          CopySource: `/${BUCKET}/src`,
          MetadataDirective: 'REPLACE',
          ContentType: 'application/x-new',
          Metadata: { b: '2' },
        }),
      );
      const replaced = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'dst/replaced' }));
      expect(replaced).toMatchObject({ ContentType: 'application/x-new', Metadata: { b: '2' } });
      await expect(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'src', CopySource: `${BUCKET}/src` }))).rejects.toMatchObject({
        Code: 'InvalidRequest',
        $metadata: { httpStatusCode: 400 },
      });
      await expect(s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'x', CopySource: `${BUCKET}/missing` }))).rejects.toMatchObject({
        name: 'NoSuchKey',
      });
    });

    it('keeps a copy whole when its source is overwritten and deleted afterwards', async () => {
      const s3 = env().client();
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'short-lived', Body: 'the original bytes' }));
      await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'long-lived', CopySource: `${BUCKET}/short-lived` }));
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'short-lived', Body: 'other bytes' }));
      await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'short-lived' }));
      const copy = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'long-lived' }));
      expect(await copy.Body?.transformToString()).toBe('the original bytes');
      expect(copy.ETag).toBe(`"${createHash('md5').update('the original bytes').digest('hex')}"`);
    });

    it('deletes many keys with DeleteObjects, listing them unless Quiet', async () => {
      const s3 = env().client();
      for (const key of ['many/1', 'many/2', 'many/3']) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
      const verbose = await s3.send(
        new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'many/1' }, { Key: 'many/absent' }] } }),
      );
      expect(verbose.Deleted?.map((d) => d.Key).sort()).toEqual(['many/1', 'many/absent']);
      const quiet = await s3.send(
        new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Quiet: true, Objects: [{ Key: 'many/2' }, { Key: 'many/3' }] } }),
      );
      expect(quiet.Deleted ?? []).toEqual([]);
      expect(quiet.Errors ?? []).toEqual([]);
      await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'many/3' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    });

    it.each([
      ['../../etc/passwd', 'path traversal'],
      ['.'.repeat(1000), '1000 dots'],
      ['ü + %20 & <tag> "q" \'a\'', 'unicode and XML specials'],
      [' leading and trailing ', 'spaces'],
      ['a//b///c/', 'repeated slashes'],
      ['emoji-😀-\u2028', 'astral and line separator'],
    ])('stores the key %j (%s) exactly, whatever it holds', async (key) => {
      const s3 = env().client();
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `body of ${key}` }));
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(await got.Body?.transformToString()).toBe(`body of ${key}`);
      const deleted = await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: key }] } }));
      expect(deleted.Deleted?.[0]?.Key).toBe(key);
    });

    it('refuses a key over 1024 bytes with KeyTooLongError and a key with control characters', async () => {
      const s3 = env().client();
      await expect(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k'.repeat(1025), Body: 'x' }))).rejects.toMatchObject({
        Code: 'KeyTooLongError',
        $metadata: { httpStatusCode: 400 },
      });
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'é'.repeat(512), Body: 'exactly 1024 bytes of key' }));
      await expect(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'bell\u0007', Body: 'x' }))).rejects.toMatchObject({
        Code: 'InvalidArgument',
        message: expect.stringContaining('U+0007'),
      });
    });

    it('decodes an aws-chunked stream upload with the SDK default CRC32 trailer and returns the checksum', async () => {
      const s3 = env().client();
      const parts = [Buffer.alloc(70_000, 'a'), Buffer.alloc(1, 'b'), Buffer.alloc(100_000, 'c')];
      const body = Buffer.concat(parts);
      const put = await s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'chunked', Body: Readable.from(parts), ContentLength: body.length }),
      );
      expect(put.ETag).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
      expect(put.ChecksumCRC32).toBeDefined();
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'chunked', ChecksumMode: 'ENABLED' }));
      expect(got.ChecksumCRC32).toBe(put.ChecksumCRC32);
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    });

    it('stores a stream upload with a SHA-256 checksum and rejects a mismatching x-amz-checksum header', async () => {
      const s3 = env().client();
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sha', Body: Readable.from([Buffer.from('abc')]), ContentLength: 3, ChecksumAlgorithm: 'SHA256' }));
      const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'sha', ChecksumMode: 'ENABLED' }));
      expect(head.ChecksumSHA256).toBe(createHash('sha256').update('abc').digest('base64'));
      const response = await sendSigned(env().credentials, {
        port: env().port,
        method: 'PUT',
        path: `/${BUCKET}/crc-bad`,
        headers: { 'x-amz-checksum-crc32': 'AAAAAA==' },
        body: 'abc',
      });
      expect(response.status).toBe(400);
      expect(response.text).toContain('<Code>BadDigest</Code>');
    });
  });
}
