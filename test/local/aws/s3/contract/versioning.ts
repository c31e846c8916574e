import { createHash } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3ServiceException,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { S3TestEndpoint } from '../endpoint.js';
import { sendSigned } from '../raw.js';

/** One entry of ListObjectVersions, as the tests compare them. */
interface Listed {
  key: string;
  versionId: string;
  latest: boolean;
  marker: boolean;
}

/**
 * Every version and delete marker of a bucket in the order the endpoint lists them, paging with
 * `pageSize`. Read from the XML itself: the SDK splits Version and DeleteMarker elements into two
 * arrays, which loses their order within a key.
 */
async function listAllVersions(env: S3TestEndpoint, bucket: string, pageSize = 1000, prefix?: string): Promise<{ entries: Listed[]; pages: number }> {
  const entries: Listed[] = [];
  const query: Record<string, string> = { versions: '', 'max-keys': String(pageSize), ...(prefix !== undefined ? { prefix } : {}) };
  for (let pages = 1; ; pages++) {
    const page = await sendSigned(env.credentials, { port: env.port, method: 'GET', path: `/${bucket}`, query });
    expect(page.status).toBe(200);
    for (const [, kind = '', body = ''] of page.text.matchAll(/<(Version|DeleteMarker)>(.*?)<\/\1>/g)) {
      const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1] ?? '';
      entries.push({ key: field('Key'), versionId: field('VersionId'), latest: field('IsLatest') === 'true', marker: kind === 'DeleteMarker' });
    }
    if (!page.text.includes('<IsTruncated>true</IsTruncated>')) return { entries, pages };
    query['key-marker'] = /<NextKeyMarker>([^<]*)</.exec(page.text)?.[1] ?? '';
    query['version-id-marker'] = /<NextVersionIdMarker>([^<]*)</.exec(page.text)?.[1] ?? '';
  }
}

async function bodyOf(s3: S3Client, bucket: string, key: string, versionId?: string): Promise<string> {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  return (await got.Body?.transformToString()) ?? '';
}

function md5Base64(text: string): string {
  return createHash('md5').update(text).digest('base64');
}

/** Versioned buckets (basic): status, version ids, reads and deletes by version, delete markers, the null version, listing. */
export function describeVersioning(env: () => S3TestEndpoint): void {
  describe('versioning', () => {
    let bucketCount = 0;
    /** A fresh bucket per test, versioning Enabled unless told otherwise. */
    const createBucket = async (status: 'Enabled' | 'Suspended' | null = 'Enabled') => {
      const bucket = `versions-${++bucketCount}`;
      const s3 = env().client();
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      if (status) await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: status } }));
      return { s3, bucket };
    };
    const put = async (s3: S3Client, bucket: string, key: string, body: string) => (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))).VersionId;

    it('reports no status until versioning is set, then Enabled or Suspended', async () => {
      const { s3, bucket } = await createBucket(null);
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBeUndefined();
      await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe('Enabled');
      await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe('Suspended');
    });

    it('refuses a status other than Enabled or Suspended (MalformedXML) and a PUT without Content-MD5 (InvalidRequest)', async () => {
      const { bucket } = await createBucket(null);
      const send = (xml: string, headers: Record<string, string>) =>
        sendSigned(env().credentials, { port: env().port, method: 'PUT', path: `/${bucket}`, query: { versioning: '' }, headers, body: xml });
      const disabled = '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Disabled</Status></VersioningConfiguration>';
      const refused = await send(disabled, { 'content-md5': md5Base64(disabled) });
      expect(refused.status).toBe(400);
      expect(refused.text).toContain('<Code>MalformedXML</Code>');
      const enabled = '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>';
      const unsigned = await send(enabled, {});
      expect(unsigned.status).toBe(400);
      expect(unsigned.text).toContain('Content-MD5 OR x-amz-checksum-*');
      expect((await env().client().send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBeUndefined();
    });

    it('gives each PUT a version id and serves every version by it, the newest without one', async () => {
      const { s3, bucket } = await createBucket();
      const first = await put(s3, bucket, 'k', 'one');
      const second = await put(s3, bucket, 'k', 'two');
      expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(second).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(second).not.toBe(first);
      expect(await bodyOf(s3, bucket, 'k')).toBe('two');
      expect(await bodyOf(s3, bucket, 'k', first)).toBe('one');
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'k', VersionId: first }));
      expect(head).toMatchObject({ VersionId: first, ContentLength: 3 });
      expect((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }))).VersionId).toBe(second);
    });

    it('keeps an object written before versioning as the null version', async () => {
      const { s3, bucket } = await createBucket(null);
      expect(await put(s3, bucket, 'old', 'before')).toBeUndefined();
      expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'old' }))).VersionId).toBeUndefined();
      await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
      expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'old' }))).VersionId).toBe('null');
      const newer = await put(s3, bucket, 'old', 'after');
      expect(await bodyOf(s3, bucket, 'old', 'null')).toBe('before');
      expect((await listAllVersions(env(), bucket)).entries).toEqual([
        { key: 'old', versionId: newer, latest: true, marker: false },
        { key: 'old', versionId: 'null', latest: false, marker: false },
      ]);
    });

    it('hides a deleted key behind a delete marker: 404 with x-amz-delete-marker, 405 for the marker by id, back when the marker goes', async () => {
      const { s3, bucket } = await createBucket();
      const kept = await put(s3, bucket, 'gone', 'still here');
      const deleted = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'gone' }));
      expect(deleted.DeleteMarker).toBe(true);
      const markerId = deleted.VersionId;
      expect(markerId).toMatch(/^[A-Za-z0-9_-]{32}$/);
      const missing = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'gone' })).catch((error: unknown) => error);
      expect(missing).toBeInstanceOf(S3ServiceException);
      expect(missing).toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
      expect((missing as S3ServiceException).$response?.headers).toMatchObject({ 'x-amz-delete-marker': 'true', 'x-amz-version-id': markerId });
      await expect(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'gone', VersionId: markerId }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 405 },
      });
      await expect(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'gone', VersionId: markerId }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 405 },
      });
      expect((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount).toBe(0);
      expect(await bodyOf(s3, bucket, 'gone', kept)).toBe('still here');
      const undone = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'gone', VersionId: markerId }));
      expect(undone).toMatchObject({ DeleteMarker: true, VersionId: markerId });
      expect(await bodyOf(s3, bucket, 'gone')).toBe('still here');
    });

    it('deletes one version for good, and the newest remaining one becomes current', async () => {
      const { s3, bucket } = await createBucket();
      const first = await put(s3, bucket, 'k', 'one');
      const second = await put(s3, bucket, 'k', 'two');
      const removed = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k', VersionId: second }));
      expect(removed.VersionId).toBe(second);
      expect(removed.DeleteMarker).toBeUndefined();
      expect(await bodyOf(s3, bucket, 'k')).toBe('one');
      expect((await listAllVersions(env(), bucket)).entries).toEqual([{ key: 'k', versionId: first, latest: true, marker: false }]);
      await expect(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k', VersionId: second }))).rejects.toMatchObject({ name: 'NoSuchVersion' });
    });

    it('answers NoSuchVersion for an unknown version id and InvalidArgument for a malformed or empty one', async () => {
      const { s3, bucket } = await createBucket();
      const id = await put(s3, bucket, 'k', 'x');
      const unknown = `${id?.slice(0, 8) ?? ''}${'A'.repeat(24)}`;
      await expect(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k', VersionId: unknown }))).rejects.toMatchObject({
        name: 'NoSuchVersion',
        $metadata: { httpStatusCode: 404 },
      });
      await expect(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k', VersionId: 'abc' }))).rejects.toMatchObject({
        name: 'InvalidArgument',
        message: 'Invalid version id specified',
      });
      const empty = await sendSigned(env().credentials, { port: env().port, method: 'GET', path: `/${bucket}/k`, query: { versionId: '' } });
      expect(empty.status).toBe(400);
      expect(empty.text).toContain('Version id cannot be the empty string');
      await expect(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k', VersionId: 'not-a-version' }))).rejects.toMatchObject({ name: 'InvalidArgument' });
      expect(await bodyOf(s3, bucket, 'k')).toBe('x');
    });

    it('writes the null version while suspended: no version id on PUT, a null delete marker on DELETE, older versions kept', async () => {
      const { s3, bucket } = await createBucket();
      const enabled = await put(s3, bucket, 'k', 'enabled');
      await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
      expect(await put(s3, bucket, 'k', 'null one')).toBeUndefined();
      expect(await put(s3, bucket, 'k', 'null two')).toBeUndefined();
      expect((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }))).VersionId).toBe('null');
      expect((await listAllVersions(env(), bucket)).entries).toEqual([
        { key: 'k', versionId: 'null', latest: true, marker: false },
        { key: 'k', versionId: enabled, latest: false, marker: false },
      ]);
      const deleted = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k' }));
      expect(deleted).toMatchObject({ DeleteMarker: true, VersionId: 'null' });
      expect((await listAllVersions(env(), bucket)).entries).toEqual([
        { key: 'k', versionId: 'null', latest: true, marker: true },
        { key: 'k', versionId: enabled, latest: false, marker: false },
      ]);
      expect(await bodyOf(s3, bucket, 'k', enabled)).toBe('enabled');
    });

    it('lists versions and delete markers by key, newest first, the same in pages of 2 as in one page', async () => {
      const { s3, bucket } = await createBucket();
      for (const key of ['b', 'a', 'c/1', 'c/2', 'b']) await put(s3, bucket, key, key);
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'a' }));
      await put(s3, bucket, 'a', 'a again');
      const whole = await listAllVersions(env(), bucket);
      expect(whole.pages).toBe(1);
      expect(whole.entries.map((e) => `${e.key}${e.marker ? ' marker' : ''}${e.latest ? ' latest' : ''}`)).toEqual([
        'a latest',
        'a marker',
        'a',
        'b latest',
        'b',
        'c/1 latest',
        'c/2 latest',
      ]);
      const paged = await listAllVersions(env(), bucket, 2);
      expect(paged.pages).toBe(4);
      expect(paged.entries).toEqual(whole.entries);
      const prefixed = await listAllVersions(env(), bucket, 1, 'c/');
      expect(prefixed.entries.map((e) => e.key)).toEqual(['c/1', 'c/2']);
    });

    it('lists in the exact interleaved order S3 does, Version and DeleteMarker elements in one sequence', async () => {
      const { s3, bucket } = await createBucket();
      const first = await put(s3, bucket, 'k', '1');
      const marker = (await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k' }))).VersionId;
      const latest = await put(s3, bucket, 'k', '2');
      const raw = await sendSigned(env().credentials, { port: env().port, method: 'GET', path: `/${bucket}`, query: { versions: '' } });
      const ids = [...raw.text.matchAll(/<(Version|DeleteMarker)><Key>k<\/Key><VersionId>([^<]+)<\/VersionId>/g)].map((m) => `${m[1]} ${m[2]}`);
      expect(ids).toEqual([`Version ${latest}`, `DeleteMarker ${marker}`, `Version ${first}`]);
    });

    it('rolls keys up into common prefixes with a delimiter, and needs a key marker for a version-id marker', async () => {
      const { s3, bucket } = await createBucket();
      for (const key of ['dir/a', 'dir/b', 'top']) await put(s3, bucket, key, key);
      const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Delimiter: '/' }));
      expect(listed.CommonPrefixes).toEqual([{ Prefix: 'dir/' }]);
      expect(listed.Versions?.map((v) => v.Key)).toEqual(['top']);
      const firstPage = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Delimiter: '/', MaxKeys: 1 }));
      expect(firstPage).toMatchObject({ IsTruncated: true, NextKeyMarker: 'dir/', CommonPrefixes: [{ Prefix: 'dir/' }] });
      const secondPage = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Delimiter: '/', MaxKeys: 1, KeyMarker: 'dir/' }));
      expect(secondPage.Versions?.map((v) => v.Key)).toEqual(['top']);
      expect(secondPage.CommonPrefixes).toBeUndefined();
      const id = listed.Versions?.[0]?.VersionId ?? '';
      await expect(s3.send(new ListObjectVersionsCommand({ Bucket: bucket, VersionIdMarker: id }))).rejects.toMatchObject({ name: 'InvalidArgument' });
    });

    it('resumes a listing after a version that was deleted between pages', async () => {
      const { s3, bucket } = await createBucket();
      const ids = [await put(s3, bucket, 'k', '1'), await put(s3, bucket, 'k', '2'), await put(s3, bucket, 'k', '3')];
      const first = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1 }));
      expect(first.NextVersionIdMarker).toBe(ids[2]);
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k', VersionId: ids[2] }));
      const rest = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: first.NextKeyMarker, VersionIdMarker: first.NextVersionIdMarker }));
      expect(rest.Versions?.map((v) => v.VersionId)).toEqual([ids[1], ids[0]]);
    });

    it('copies a given version with CopyObject and returns both version ids', async () => {
      const { s3, bucket } = await createBucket();
      const first = await put(s3, bucket, 'src', 'first');
      await put(s3, bucket, 'src', 'second');
      const copied = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'src', CopySource: `${bucket}/src?versionId=${first}` }));
      expect(copied.CopySourceVersionId).toBe(first);
      expect(copied.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(await bodyOf(s3, bucket, 'src')).toBe('first');
      const marker = (await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'src' }))).VersionId;
      await expect(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'other', CopySource: `${bucket}/src?versionId=${marker}` }))).rejects.toMatchObject({
        name: 'InvalidRequest',
      });
    });

    it('returns a version id from CompleteMultipartUpload and keeps the version it replaced', async () => {
      const { s3, bucket } = await createBucket();
      const before = await put(s3, bucket, 'mp', 'before');
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp' }));
      const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp', UploadId, PartNumber: 1, Body: 'after' }));
      const done = await s3.send(
        new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'mp', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }),
      );
      expect(done.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(await bodyOf(s3, bucket, 'mp')).toBe('after');
      expect(await bodyOf(s3, bucket, 'mp', before)).toBe('before');
    });

    it('deletes keys and versions with DeleteObjects, reporting markers and unknown versions', async () => {
      const { s3, bucket } = await createBucket();
      const id = await put(s3, bucket, 'a', 'a');
      await put(s3, bucket, 'b', 'b');
      const result = await s3.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: [{ Key: 'a', VersionId: id }, { Key: 'b' }, { Key: 'c', VersionId: 'bogus' }] },
        }),
      );
      expect(result.Deleted).toEqual([
        { Key: 'a', VersionId: id },
        { Key: 'b', DeleteMarker: true, DeleteMarkerVersionId: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/) },
      ]);
      expect(result.Errors).toEqual([{ Key: 'c', VersionId: 'bogus', Code: 'NoSuchVersion', Message: 'The specified version does not exist.' }]);
      expect((await listAllVersions(env(), bucket)).entries.map((e) => `${e.key}${e.marker ? ' marker' : ''}`)).toEqual(['b marker', 'b']);
    });

    it('refuses to delete a bucket that still holds versions or delete markers', async () => {
      const { s3, bucket } = await createBucket();
      const id = await put(s3, bucket, 'k', 'x');
      const marker = (await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k' }))).VersionId;
      await expect(s3.send(new DeleteBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({ name: 'BucketNotEmpty' });
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k', VersionId: id }));
      await expect(s3.send(new DeleteBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({ name: 'BucketNotEmpty' });
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k', VersionId: marker }));
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    });

    it('reads and writes the tags of a given version', async () => {
      const { s3, bucket } = await createBucket();
      const first = (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 't', Body: '1', Tagging: 'v=1' }))).VersionId;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 't', Body: '2', Tagging: 'v=2' }));
      await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 't', VersionId: first, Tagging: { TagSet: [{ Key: 'v', Value: 'one' }] } }));
      const old = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 't', VersionId: first }));
      expect(old).toMatchObject({ VersionId: first, TagSet: [{ Key: 'v', Value: 'one' }] });
      expect((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 't' }))).TagSet).toEqual([{ Key: 'v', Value: '2' }]);
    });
  });
}
