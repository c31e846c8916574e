import { CreateBucketCommand, DeleteBucketCorsCommand, GetBucketCorsCommand, GetObjectCommand, PutBucketCorsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { beforeAll, describe, expect, it } from 'vitest';
import type { S3TestEndpoint } from '../endpoint.js';
import { sendRaw } from '../raw.js';

const BUCKET = 'cors';
const PAGE = 'https://app.example.com';

/** CORS: configuration round trip, preflights, and Access-Control-* headers on answers including errors. */
export function describeCors(env: () => S3TestEndpoint): void {
  describe('CORS', () => {
    beforeAll(async () => {
      const s3 = env().client();
      await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'log.txt', Body: '0123456789' }));
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'empty', Body: '' }));
      await s3.send(
        new PutBucketCorsCommand({
          Bucket: BUCKET,
          CORSConfiguration: {
            CORSRules: [
              { ID: 'page', AllowedOrigins: ['https://*.example.com'], AllowedMethods: ['GET', 'HEAD'], AllowedHeaders: ['range', 'x-amz-*'], ExposeHeaders: ['ETag', 'Content-Range'], MaxAgeSeconds: 600 },
              { AllowedOrigins: ['*'], AllowedMethods: ['PUT'], AllowedHeaders: ['*'] },
            ],
          },
        }),
      );
    });

    it('stores, returns and deletes the configuration (then 404 NoSuchCORSConfiguration)', async () => {
      const s3 = env().client();
      const got = await s3.send(new GetBucketCorsCommand({ Bucket: BUCKET }));
      expect(got.CORSRules?.[0]).toMatchObject({ ID: 'page', AllowedOrigins: ['https://*.example.com'], AllowedMethods: ['GET', 'HEAD'], ExposeHeaders: ['ETag', 'Content-Range'], MaxAgeSeconds: 600 });
      await s3.send(new CreateBucketCommand({ Bucket: 'cors-deleted' }));
      await s3.send(new PutBucketCorsCommand({ Bucket: 'cors-deleted', CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['GET'] }] } }));
      await s3.send(new DeleteBucketCorsCommand({ Bucket: 'cors-deleted' }));
      await expect(s3.send(new GetBucketCorsCommand({ Bucket: 'cors-deleted' }))).rejects.toMatchObject({
        Code: 'NoSuchCORSConfiguration',
        $metadata: { httpStatusCode: 404 },
      });
    });

    it('answers a matching preflight anonymously with the Access-Control-* headers', async () => {
      const response = await sendRaw({
        port: env().port,
        method: 'OPTIONS',
        path: `/${BUCKET}/log.txt`,
        headers: { origin: PAGE, 'access-control-request-method': 'GET', 'access-control-request-headers': 'Range, X-Amz-Date' },
      });
      expect(response.status).toBe(200);
      expect(response.headers).toMatchObject({
        'access-control-allow-origin': PAGE,
        'access-control-allow-methods': 'GET, HEAD',
        'access-control-allow-headers': 'range, x-amz-date',
        'access-control-expose-headers': 'ETag, Content-Range',
        'access-control-max-age': '600',
      });
      expect(response.headers.vary).toContain('Origin');
    });

    it('refuses preflights for another origin, method or header with 403', async () => {
      const base = { port: env().port, method: 'OPTIONS', path: `/${BUCKET}/log.txt` };
      const wrongOrigin = await sendRaw({ ...base, headers: { origin: 'https://evil.test', 'access-control-request-method': 'GET' } });
      expect(wrongOrigin.status).toBe(403);
      expect(wrongOrigin.headers['access-control-allow-origin']).toBeUndefined();
      const wrongMethod = await sendRaw({ ...base, headers: { origin: PAGE, 'access-control-request-method': 'DELETE' } });
      expect(wrongMethod.status).toBe(403);
      const wrongHeader = await sendRaw({ ...base, headers: { origin: PAGE, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-custom' } });
      expect(wrongHeader.status).toBe(403);
      const anyOrigin = await sendRaw({ ...base, headers: { origin: 'https://other.test', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' } });
      expect(anyOrigin.status).toBe(200);
      expect(anyOrigin.headers['access-control-allow-origin']).toBe('*');
      const noCors = await sendRaw({ ...base, path: '/multipart-none/x', headers: { origin: PAGE, 'access-control-request-method': 'GET' } });
      expect(noCors.status).toBe(404);
    });

    it('adds CORS headers to presigned answers: 200, 206, 404, 416 and a 403 for a tampered signature', async () => {
      const s3 = env().client();
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'log.txt' }), { expiresIn: 60 });
      const missingUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'not-yet' }), { expiresIn: 60 });
      const emptyUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'empty' }), { expiresIn: 60 });
      const tampered = url.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
      const cases: [string, Record<string, string>, number][] = [
        [url, {}, 200],
        [url, { range: 'bytes=4-' }, 206],
        [missingUrl, { range: 'bytes=0-' }, 404],
        [emptyUrl, { range: 'bytes=0-' }, 416],
        [url, { range: 'bytes=10-' }, 416],
        [tampered, { range: 'bytes=0-' }, 403],
      ];
      for (const [target, headers, status] of cases) {
        const response = await fetch(target, { headers: { ...headers, origin: PAGE } });
        await response.arrayBuffer();
        expect(response.status).toBe(status);
        expect(response.headers.get('access-control-allow-origin')).toBe(PAGE);
        expect(response.headers.get('access-control-expose-headers')).toBe('ETag, Content-Range');
        expect(response.headers.get('vary')).toContain('Origin');
      }
      const otherOrigin = await fetch(url, { headers: { origin: 'https://evil.test' } });
      await otherOrigin.arrayBuffer();
      expect(otherOrigin.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('refuses a configuration with an unsupported method or two wildcards in an origin', async () => {
      const s3 = env().client();
      await expect(
        s3.send(new PutBucketCorsCommand({ Bucket: BUCKET, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['PATCH'] }] } })),
      ).rejects.toMatchObject({ Code: 'InvalidRequest', message: expect.stringContaining('PATCH') });
      await expect(
        s3.send(new PutBucketCorsCommand({ Bucket: BUCKET, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['https://*.*.com'], AllowedMethods: ['GET'] }] } })),
      ).rejects.toMatchObject({ Code: 'InvalidRequest' });
    });
  });
}
