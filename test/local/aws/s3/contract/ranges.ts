import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { beforeAll, describe, expect, it } from 'vitest';
import type { S3TestEndpoint } from '../endpoint.js';
import { sendSigned } from '../raw.js';

const BUCKET = 'ranges';

/** Range reads as aws-exec's clients do them: `bytes=N-`, `bytes=N-M`, suffixes, and 416 past the end (empty objects too). */
export function describeRanges(env: () => S3TestEndpoint): void {
  describe('ranges', () => {
    beforeAll(async () => {
      const s3 = env().client();
      await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'ten', Body: '0123456789' }));
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'empty', Body: '' }));
    });

    it.each([
      ['bytes=4-', '456789', 'bytes 4-9/10'],
      ['bytes=2-5', '2345', 'bytes 2-5/10'],
      ['bytes=8-100', '89', 'bytes 8-9/10'],
      ['bytes=-3', '789', 'bytes 7-9/10'],
      ['bytes=-50', '0123456789', 'bytes 0-9/10'],
      ['bytes=9-', '9', 'bytes 9-9/10'],
    ])('answers %s with 206 and the slice', async (range, body, contentRange) => {
      const got = await env().client().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ten', Range: range }));
      expect(got.$metadata.httpStatusCode).toBe(206);
      expect(got.ContentRange).toBe(contentRange);
      expect(got.ContentLength).toBe(body.length);
      expect(await got.Body?.transformToString()).toBe(body);
    });

    it('answers a range starting at the end with 416 InvalidRange and Content-Range: bytes */SIZE', async () => {
      const response = await sendSigned(env().credentials, { port: env().port, method: 'GET', path: `/${BUCKET}/ten`, headers: { range: 'bytes=10-' } });
      expect(response.status).toBe(416);
      expect(response.headers['content-range']).toBe('bytes */10');
      expect(response.text).toContain('<Code>InvalidRange</Code>');
      expect(response.text).toContain('<ActualObjectSize>10</ActualObjectSize>');
    });

    it('answers every range of an empty object with 416, and a plain GET with 200 and no bytes', async () => {
      for (const range of ['bytes=0-', 'bytes=0-0', 'bytes=-1']) {
        const response = await sendSigned(env().credentials, { port: env().port, method: 'GET', path: `/${BUCKET}/empty`, headers: { range } });
        expect(response.status).toBe(416);
        expect(response.headers['content-range']).toBe('bytes */0');
      }
      const whole = await env().client().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'empty' }));
      expect(whole.$metadata.httpStatusCode).toBe(200);
      expect(await whole.Body?.transformToString()).toBe('');
    });

    it('serves a presigned GET with Range: bytes=N- as the aws-exec clients poll a log', async () => {
      const url = await getSignedUrl(env().client(), new GetObjectCommand({ Bucket: BUCKET, Key: 'ten' }), { expiresIn: 60 });
      const partial = await fetch(url, { headers: { range: 'bytes=6-' } });
      expect(partial.status).toBe(206);
      expect(await partial.text()).toBe('6789');
      const nothingNew = await fetch(url, { headers: { range: 'bytes=10-' } });
      expect(nothingNew.status).toBe(416);
      await nothingNew.arrayBuffer();
    });

    it('answers HEAD with a Range as 206 without a body, and ignores a malformed Range', async () => {
      const head = await env().client().send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'ten', Range: 'bytes=0-1' }));
      expect(head.$metadata.httpStatusCode).toBe(206);
      expect(head.ContentLength).toBe(2);
      const response = await sendSigned(env().credentials, { port: env().port, method: 'GET', path: `/${BUCKET}/ten`, headers: { range: 'pages=1-2' } });
      expect(response.status).toBe(200);
      expect(response.text).toBe('0123456789');
    });
  });
}
