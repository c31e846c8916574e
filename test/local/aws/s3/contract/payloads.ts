import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { S3TestEndpoint } from '../endpoint.js';
import { deriveTestSigningKey, frameSignedChunks, sendRaw, sendSigned, signHeaders } from '../raw.js';

const BUCKET = 'payloads';

function crc32Base64(data: Buffer): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data));
  return out.toString('base64');
}

async function putSignedChunks(env: S3TestEndpoint, key: string, chunks: Buffer[], options: { trailer?: boolean; tamper?: boolean } = {}) {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const trailer: [string, string] | undefined = options.trailer ? ['x-amz-checksum-crc32', crc32Base64(Buffer.concat(chunks))] : undefined;
  const dummy = { signingKey: Buffer.alloc(32), amzDate: '', scope: '', seedSignature: '0'.repeat(64), chunks, ...(trailer ? { trailer } : {}) };
  const framedLength = frameSignedChunks(dummy).length;
  const headers = await signHeaders(env.credentials, {
    port: env.port,
    method: 'PUT',
    path: `/${BUCKET}/${key}`,
    payloadHash: options.trailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    headers: {
      'content-encoding': 'aws-chunked',
      'content-length': String(framedLength),
      'x-amz-decoded-content-length': String(total),
      ...(trailer ? { 'x-amz-trailer': trailer[0] } : {}),
    },
  });
  const amzDate = headers['x-amz-date'] ?? '';
  const seedSignature = /Signature=([0-9a-f]{64})/.exec(headers.authorization ?? '')?.[1] ?? '';
  const body = frameSignedChunks({
    signingKey: deriveTestSigningKey(env.credentials.secretAccessKey, amzDate.slice(0, 8)),
    amzDate,
    scope: `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`,
    seedSignature,
    chunks,
    ...(trailer ? { trailer } : {}),
  });
  if (options.tamper) {
    const at = body.indexOf('chunk-signature=') + 20;
    body[at] = (body[at] ?? 0) === 0x30 ? 0x31 : 0x30;
  }
  return sendRaw({ port: env.port, method: 'PUT', path: `/${BUCKET}/${key}`, headers, body });
}

/** Body framings: signed aws-chunked (with and without trailer), signed SHA-256 mismatches, unsigned trailers. */
export function describePayloads(env: () => S3TestEndpoint): void {
  describe('payload framing', () => {
    beforeAll(async () => {
      await env().client().send(new CreateBucketCommand({ Bucket: BUCKET }));
    });

    it('stores a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body after checking every chunk signature', async () => {
      const chunks = [Buffer.alloc(65_536, 'x'), Buffer.alloc(100, 'y')];
      const response = await putSignedChunks(env(), 'signed-chunks', chunks);
      expect(response.status).toBe(200);
      const got = await env().client().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'signed-chunks' }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(chunks))).toBe(true);
    });

    it('stores a signed aws-chunked body with a signed CRC32 trailer', async () => {
      const chunks = [Buffer.from('hello '), Buffer.from('trailer')];
      const response = await putSignedChunks(env(), 'signed-trailer', chunks, { trailer: true });
      expect(response.status).toBe(200);
      expect(response.headers['x-amz-checksum-crc32']).toBe(crc32Base64(Buffer.concat(chunks)));
    });

    it('refuses a tampered chunk signature with 403 and writes nothing', async () => {
      const response = await putSignedChunks(env(), 'tampered', [Buffer.from('data')], { tamper: true });
      expect(response.status).toBe(403);
      expect(response.text).toContain('SignatureDoesNotMatch');
      await expect(env().client().send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'tampered' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    });

    it('refuses a body whose SHA-256 differs from the signed x-amz-content-sha256 and writes nothing', async () => {
      const response = await sendSigned(env().credentials, {
        port: env().port,
        method: 'PUT',
        path: `/${BUCKET}/sha-mismatch`,
        payloadHash: createHash('sha256').update('what was signed').digest('hex'),
        body: 'what was sent',
      });
      expect(response.status).toBe(400);
      expect(response.text).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
      await expect(env().client().send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'sha-mismatch' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    });

    it('refuses an unsigned aws-chunked body whose trailing CRC32 does not match', async () => {
      const body = Buffer.from('4\r\ndata\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n');
      const response = await sendSigned(env().credentials, {
        port: env().port,
        method: 'PUT',
        path: `/${BUCKET}/bad-trailer`,
        payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '4', 'x-amz-trailer': 'x-amz-checksum-crc32' },
        body,
      });
      expect(response.status).toBe(400);
      expect(response.text).toContain('<Code>BadDigest</Code>');
      await expect(env().client().send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'bad-trailer' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    });
  });
}
