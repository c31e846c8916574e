import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { S3TestEndpoint } from '../endpoint.js';
import { sendSigned } from '../raw.js';

/** Virtual-hosted-style addressing (`bucket.localhost`, `bucket.s3.localhost`) next to path-style. */
export function describeAddressing(env: () => S3TestEndpoint): void {
  describe('addressing', () => {
    it('serves virtual-hosted-style requests from the SDK (bucket.localhost:PORT)', async () => {
      const s3 = env().virtualHostClient();
      await s3.send(new CreateBucketCommand({ Bucket: 'virtual' }));
      await s3.send(new PutObjectCommand({ Bucket: 'virtual', Key: 'dir/file.txt', Body: 'via host' }));
      const got = await env().client().send(new GetObjectCommand({ Bucket: 'virtual', Key: 'dir/file.txt' }));
      expect(await got.Body?.transformToString()).toBe('via host');
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'virtual' }));
      expect(listed.Contents?.map((c) => c.Key)).toEqual(['dir/file.txt']);
    });

    it('reads the bucket from a bucket.s3.localhost Host header', async () => {
      const response = await sendSigned(env().credentials, {
        port: env().port,
        host: `virtual.s3.localhost:${env().port}`,
        method: 'GET',
        path: '/dir/file.txt',
      });
      expect(response.status).toBe(200);
      expect(response.text).toBe('via host');
    });
  });
}
