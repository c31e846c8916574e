import {
  CreateBucketCommand,
  DeleteBucketCommand,
  GetBucketLocationCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutObjectCommand,
  DeleteObjectCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { S3TestEndpoint } from '../endpoint.js';
import { sendSigned } from '../raw.js';

/** Bucket operations: create, list, head, delete, location, naming rules. */
export function describeBuckets(env: () => S3TestEndpoint): void {
  describe('buckets', () => {
    it('creates, lists, heads and deletes a bucket', async () => {
      const s3 = env().client();
      await s3.send(new CreateBucketCommand({ Bucket: 'life-cycle' }));
      const listed = await s3.send(new ListBucketsCommand({}));
      expect(listed.Buckets?.map((b) => b.Name)).toContain('life-cycle');
      expect(listed.Buckets?.find((b) => b.Name === 'life-cycle')?.CreationDate).toBeInstanceOf(Date);
      const head = await s3.send(new HeadBucketCommand({ Bucket: 'life-cycle' }));
      expect(head.BucketRegion).toBe('us-east-1');
      await s3.send(new DeleteBucketCommand({ Bucket: 'life-cycle' }));
      await expect(s3.send(new HeadBucketCommand({ Bucket: 'life-cycle' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    });

    it('answers 409 BucketAlreadyOwnedByYou when the bucket exists', async () => {
      const s3 = env().client();
      await s3.send(new CreateBucketCommand({ Bucket: 'twice' }));
      await expect(s3.send(new CreateBucketCommand({ Bucket: 'twice' }))).rejects.toMatchObject({
        name: 'BucketAlreadyOwnedByYou',
        $metadata: { httpStatusCode: 409 },
      });
    });

    it('refuses to delete a bucket that holds objects with 409 BucketNotEmpty', async () => {
      const s3 = env().client();
      await s3.send(new CreateBucketCommand({ Bucket: 'not-empty' }));
      await s3.send(new PutObjectCommand({ Bucket: 'not-empty', Key: 'k', Body: 'x' }));
      await expect(s3.send(new DeleteBucketCommand({ Bucket: 'not-empty' }))).rejects.toMatchObject({
        Code: 'BucketNotEmpty',
        $metadata: { httpStatusCode: 409 },
      });
      await s3.send(new DeleteObjectCommand({ Bucket: 'not-empty', Key: 'k' }));
      await s3.send(new DeleteBucketCommand({ Bucket: 'not-empty' }));
    });

    it('answers 404 NoSuchBucket for a missing bucket', async () => {
      const s3 = env().client();
      await expect(s3.send(new DeleteBucketCommand({ Bucket: 'never-made' }))).rejects.toMatchObject({
        name: 'NoSuchBucket',
        BucketName: 'never-made',
      });
    });

    it('reports the location of a us-east-1 bucket as empty and accepts a matching LocationConstraint', async () => {
      const s3 = env().client();
      await s3.send(new CreateBucketCommand({ Bucket: 'located' }));
      const location = await s3.send(new GetBucketLocationCommand({ Bucket: 'located' }));
      expect(location.LocationConstraint ?? '').toBe('');
      const other = await sendSigned(env().credentials, {
        port: env().port,
        method: 'PUT',
        path: '/elsewhere',
        body: '<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>',
      });
      expect(other.status).toBe(400);
      expect(other.text).toContain('IllegalLocationConstraintException');
      const same = await sendSigned(env().credentials, {
        port: env().port,
        method: 'PUT',
        path: '/here-too',
        body: '<CreateBucketConfiguration><LocationConstraint>us-east-1</LocationConstraint></CreateBucketConfiguration>',
      });
      expect(same.status).toBe(200);
    });

    it.each([
      ['ab', 'too short'],
      ['a'.repeat(64), 'too long'],
      ['Upper-Case', 'upper case'],
      ['under_score', 'underscore'],
      ['-leading', 'leading hyphen'],
      ['trailing.', 'trailing dot'],
      ['two..dots', 'adjacent dots'],
      ['192.168.1.1', 'IP-like'],
      ['xn--reserved', 'reserved prefix'],
    ])('refuses the bucket name %s (%s) with 400 InvalidBucketName', async (name) => {
      const response = await sendSigned(env().credentials, { port: env().port, method: 'PUT', path: `/${name}` });
      expect(response.status).toBe(400);
      expect(response.text).toContain('<Code>InvalidBucketName</Code>');
      expect(response.text).toContain('expected the name to');
    });
  });
}
