import { CreateBucketCommand, ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { S3TestEndpoint } from '../endpoint.js';
import { sendSigned } from '../raw.js';

const BUCKET = 'listing';
const KEYS = ['a.txt', 'b/1', 'b/2', 'b/3/deep', 'c d/x', 'c d/y', 'd+e', 'logs/2024/01', 'logs/2024/02', 'logs/2025/01', 'z', 'é', '😀'];

async function listAllV2(s3: S3Client, input: { Prefix?: string; Delimiter?: string; MaxKeys?: number; StartAfter?: string }) {
  const keys: string[] = [];
  const prefixes: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ...input, ContinuationToken: token }));
    pages++;
    keys.push(...(page.Contents ?? []).map((c) => c.Key ?? ''));
    prefixes.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''));
    expect(page.KeyCount).toBe((page.Contents?.length ?? 0) + (page.CommonPrefixes?.length ?? 0));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
    if (page.IsTruncated) expect(token).toBeTruthy();
  } while (token !== undefined && pages < 100);
  return { keys, prefixes, pages };
}

/** ListObjectsV2 and v1: prefix, delimiter, pages, tokens, start-after, encoding-type=url, byte order. */
export function describeListing(env: () => S3TestEndpoint): void {
  describe('listing', () => {
    beforeAll(async () => {
      const s3 = env().client();
      await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      for (const key of KEYS) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    });

    it('lists every key in UTF-8 byte order with sizes and ETags', async () => {
      const page = await env().client().send(new ListObjectsV2Command({ Bucket: BUCKET }));
      expect(page.Contents?.map((c) => c.Key)).toEqual([...KEYS].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
      expect(page.Contents?.[0]).toMatchObject({ Key: 'a.txt', Size: 5, StorageClass: 'STANDARD' });
      expect(page.Contents?.[0]?.ETag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(page.IsTruncated).toBe(false);
    });

    it('returns every key exactly once over pages of one, two and five', async () => {
      for (const size of [1, 2, 5]) {
        const { keys, pages } = await listAllV2(env().client(), { MaxKeys: size });
        expect(keys).toHaveLength(KEYS.length);
        expect(new Set(keys)).toEqual(new Set(KEYS));
        expect(pages).toBe(Math.ceil(KEYS.length / size));
      }
    });

    it('rolls keys into CommonPrefixes with a delimiter, also across pages', async () => {
      const whole = await listAllV2(env().client(), { Delimiter: '/' });
      expect(whole.keys).toEqual(['a.txt', 'd+e', 'z', 'é', '😀']);
      expect(whole.prefixes).toEqual(['b/', 'c d/', 'logs/']);
      const paged = await listAllV2(env().client(), { Delimiter: '/', MaxKeys: 1 });
      expect(paged.keys).toEqual(whole.keys);
      expect(paged.prefixes).toEqual(whole.prefixes);
      const nested = await listAllV2(env().client(), { Prefix: 'logs/', Delimiter: '/', MaxKeys: 1 });
      expect(nested.prefixes).toEqual(['logs/2024/', 'logs/2025/']);
      expect(nested.keys).toEqual([]);
    });

    it('filters by prefix and starts after a key', async () => {
      const prefixed = await listAllV2(env().client(), { Prefix: 'b/' });
      expect(prefixed.keys).toEqual(['b/1', 'b/2', 'b/3/deep']);
      const after = await listAllV2(env().client(), { StartAfter: 'logs/2024/02' });
      expect(after.keys).toEqual(['logs/2025/01', 'z', 'é', '😀']);
    });

    it('answers max-keys=0 with nothing and caps max-keys at 1000', async () => {
      const none = await env().client().send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 0 }));
      expect(none.Contents ?? []).toEqual([]);
      expect(none.KeyCount).toBe(0);
      const capped = await env().client().send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 5000 }));
      expect(capped.MaxKeys).toBe(1000);
    });

    it('URL-encodes keys and prefixes with encoding-type=url', async () => {
      const page = await env().client().send(new ListObjectsV2Command({ Bucket: BUCKET, EncodingType: 'url', Prefix: 'c d/' }));
      expect(page.EncodingType).toBe('url');
      expect(page.Prefix).toBe('c%20d/');
      expect(page.Contents?.map((c) => c.Key)).toEqual(['c%20d/x', 'c%20d/y']);
      const plus = await env().client().send(new ListObjectsV2Command({ Bucket: BUCKET, EncodingType: 'url', Prefix: 'd' }));
      expect(plus.Contents?.map((c) => decodeURIComponent(c.Key ?? ''))).toEqual(['d+e']);
    });

    it('includes the owner only with fetch-owner', async () => {
      const without = await env().client().send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 1 }));
      expect(without.Contents?.[0]?.Owner).toBeUndefined();
      const withOwner = await env().client().send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 1, FetchOwner: true }));
      expect(withOwner.Contents?.[0]?.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    });

    it('refuses a continuation token it did not issue', async () => {
      await expect(env().client().send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: 'not a token!' }))).rejects.toMatchObject({
        Code: 'InvalidArgument',
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('pages ListObjects v1 with marker and NextMarker', async () => {
      const keys: string[] = [];
      let marker: string | undefined;
      for (let i = 0; i < 50; i++) {
        const page = await env().client().send(new ListObjectsCommand({ Bucket: BUCKET, MaxKeys: 3, Marker: marker, Delimiter: '/' }));
        keys.push(...(page.Contents ?? []).map((c) => c.Key ?? ''), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''));
        if (!page.IsTruncated) break;
        marker = page.NextMarker;
      }
      expect(keys.sort()).toEqual(['a.txt', 'b/', 'c d/', 'd+e', 'logs/', 'z', 'é', '😀'].sort());
    });

    it('answers 404 NoSuchBucket when listing a missing bucket', async () => {
      const response = await sendSigned(env().credentials, { port: env().port, method: 'GET', path: '/no-such-listing', query: { 'list-type': '2' } });
      expect(response.status).toBe(404);
      expect(response.text).toContain('<BucketName>no-such-listing</BucketName>');
    });
  });
}
