import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCredentials } from '../../../../../local/aws/credentials.js';
import type { S3TestEndpoint } from '../endpoint.js';
import { sendRaw, sendSigned } from '../raw.js';

const BUCKET = 'auth';

function codeOf(text: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
}

/** Signatures: each failure gets S3's own status and code; presigned GET and PUT work with plain fetch. */
export function describeAuth(env: () => S3TestEndpoint): void {
  describe('authentication', () => {
    beforeAll(async () => {
      await env().client().send(new CreateBucketCommand({ Bucket: BUCKET }));
      await env().client().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'secret' }));
    });

    it('refuses an unsigned request with 403 AccessDenied and a request id', async () => {
      const response = await sendRaw({ port: env().port, method: 'GET', path: `/${BUCKET}/k` });
      expect(response.status).toBe(403);
      expect(codeOf(response.text)).toBe('AccessDenied');
      expect(response.text).toMatch(/<RequestId>[0-9A-F]+<\/RequestId>/);
      expect(response.headers['x-amz-request-id']).toMatch(/^[0-9A-F]+$/);
      expect(response.text).toContain(`<Resource>/${BUCKET}/k</Resource>`);
    });

    it('answers InvalidAccessKeyId, SignatureDoesNotMatch and RequestTimeTooSkewed with 403', async () => {
      const unknown = env().client({ credentials: generateCredentials() });
      await expect(unknown.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } });
      const wrongSecret = env().client({ credentials: { ...env().credentials, secretAccessKey: 'x'.repeat(40) } });
      await expect(wrongSecret.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
      const skewed = await sendSigned(env().credentials, { port: env().port, method: 'GET', path: '/', signingDate: new Date(Date.now() - 3600_000) });
      expect(skewed.status).toBe(403);
      expect(codeOf(skewed.text)).toBe('RequestTimeTooSkewed');
    });

    it('answers an expired presigned URL with 403 AccessDenied "Request has expired"', async () => {
      const url = await getSignedUrl(env().client(), new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }), { expiresIn: 60, signingDate: new Date(Date.now() - 3600_000) });
      const response = await fetch(url);
      expect(response.status).toBe(403);
      const text = await response.text();
      expect(codeOf(text)).toBe('AccessDenied');
      expect(text).toContain('Request has expired');
    });

    it('answers malformed signatures with 400 AuthorizationHeaderMalformed or AuthorizationQueryParametersError', async () => {
      const header = await sendRaw({ port: env().port, method: 'GET', path: '/', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=broken', 'x-amz-date': '20240101T000000Z' } });
      expect(header.status).toBe(400);
      expect(codeOf(header.text)).toBe('AuthorizationHeaderMalformed');
      const url = await getSignedUrl(env().client(), new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }), { expiresIn: 60 });
      const query = await fetch(url.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=99999999'));
      expect(query.status).toBe(400);
      expect(codeOf(await query.text())).toBe('AuthorizationQueryParametersError');
    });

    it('sends HEAD errors without a body', async () => {
      const response = await sendRaw({ port: env().port, method: 'HEAD', path: `/${BUCKET}/k` });
      expect(response.status).toBe(403);
      expect(response.body.length).toBe(0);
      expect(response.headers['x-amz-request-id']).toBeDefined();
    });

    it('accepts a presigned PUT from plain fetch and serves the object back', async () => {
      const url = await getSignedUrl(env().client(), new PutObjectCommand({ Bucket: BUCKET, Key: 'pushed/log.txt' }), { expiresIn: 60 });
      const put = await fetch(url, { method: 'PUT', body: 'pushed log line\n' });
      expect(put.status).toBe(200);
      expect(put.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
      const got = await env().client().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'pushed/log.txt' }));
      expect(await got.Body?.transformToString()).toBe('pushed log line\n');
    });

    it('refuses a presigned URL used for another key or method', async () => {
      const url = await getSignedUrl(env().client(), new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }), { expiresIn: 60 });
      const otherKey = await fetch(url.replace(`/${BUCKET}/k?`, `/${BUCKET}/other?`));
      expect(otherKey.status).toBe(403);
      expect(codeOf(await otherKey.text())).toBe('SignatureDoesNotMatch');
      const put = await fetch(url, { method: 'PUT', body: 'overwrite' });
      expect(put.status).toBe(403);
      await put.arrayBuffer();
      const got = await env().client().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }));
      expect(await got.Body?.transformToString()).toBe('secret');
    });
  });
}
