import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { S3TestEndpoint } from '../endpoint.js';

const BUCKET = 'tagging';

/** Object tags (kept because awscli copies them) and the versioning status. */
export function describeTagging(env: () => S3TestEndpoint): void {
  describe('tags and versioning status', () => {
    beforeAll(async () => {
      await env().client().send(new CreateBucketCommand({ Bucket: BUCKET }));
    });

    it('stores tags given on PutObject, replaces and deletes them, and counts them on HEAD', async () => {
      const s3 = env().client();
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 't', Body: 'x', Tagging: 'team=core&note=a%20b' }));
      const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: 't' }));
      expect(tags.TagSet).toEqual([
        { Key: 'team', Value: 'core' },
        { Key: 'note', Value: 'a b' },
      ]);
      expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 't' }))).TagCount).toBe(2);
      await s3.send(new PutObjectTaggingCommand({ Bucket: BUCKET, Key: 't', Tagging: { TagSet: [{ Key: 'only', Value: 'one' }] } }));
      expect((await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: 't' }))).TagSet).toEqual([{ Key: 'only', Value: 'one' }]);
      await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 't-copy', CopySource: `${BUCKET}/t` }));
      expect((await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: 't-copy' }))).TagSet).toEqual([{ Key: 'only', Value: 'one' }]);
      await s3.send(new DeleteObjectTaggingCommand({ Bucket: BUCKET, Key: 't' }));
      expect((await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: 't' }))).TagSet ?? []).toEqual([]);
    });

    it('refuses more than ten tags or a duplicate key with 400 InvalidTag, and tags of a missing key with 404', async () => {
      const s3 = env().client();
      const eleven = Array.from({ length: 11 }, (_, i) => `k${i}=v`).join('&');
      await expect(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'many', Body: 'x', Tagging: eleven }))).rejects.toMatchObject({ Code: 'InvalidTag' });
      await expect(
        s3.send(new PutObjectTaggingCommand({ Bucket: BUCKET, Key: 't', Tagging: { TagSet: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] } })),
      ).rejects.toMatchObject({ Code: 'InvalidTag' });
      await expect(s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: 'missing' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    });

    it('reports no versioning status for a bucket whose versioning was never set', async () => {
      const versioning = await env().client().send(new GetBucketVersioningCommand({ Bucket: BUCKET }));
      expect(versioning.Status).toBeUndefined();
    });
  });
}
