import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Endpoint, type S3TestEndpoint } from './s3/endpoint.js';
import { sendSigned, signHeaders } from './s3/raw.js';

const BUCKET = 'bad-input';

function codeOf(text: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
}

/** Sends a signed request head and only part of its body, then half-closes; resolves with the raw answer (or '' when the server just closed). */
async function sendTruncated(endpoint: S3TestEndpoint, key: string, declared: number, sent: Buffer, extraHeaders: Record<string, string> = {}, payloadHash = 'UNSIGNED-PAYLOAD'): Promise<string> {
  const path = `/${BUCKET}/${key}`;
  const headers = await signHeaders(endpoint.credentials, { port: endpoint.port, method: 'PUT', path, payloadHash, headers: { 'content-length': String(declared), ...extraHeaders } });
  return new Promise((resolve) => {
    const socket = connect(endpoint.port, '127.0.0.1', () => {
      const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      socket.write(`PUT ${path} HTTP/1.1\r\n${head}\r\n`);
      socket.end(sent);
    });
    let answer = '';
    socket.on('data', (data: Buffer) => (answer += data.toString()));
    socket.on('error', () => resolve(answer));
    socket.on('close', () => resolve(answer));
  });
}

describe('S3 with bad input', () => {
  let endpoint: S3TestEndpoint;

  beforeAll(async () => {
    endpoint = await startS3Endpoint({ service: { bodyIdleTimeoutMs: 500 } });
    await endpoint.client().send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  afterAll(async () => endpoint.close());

  const expectAbsent = async (key: string) =>
    expect(endpoint.client().send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });

  it('answers malformed XML bodies with 400 MalformedXML saying what was wrong', async () => {
    const { UploadId } = await endpoint.client().send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'mpu' }));
    await endpoint.client().send(new UploadPartCommand({ Bucket: BUCKET, Key: 'mpu', UploadId, PartNumber: 1, Body: 'x' }));
    const cases: [string, Record<string, string>, string, string][] = [
      ['POST', { uploadId: UploadId ?? '' }, '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>', 'closing tags of &lt;CompleteMultipartUpload&gt;, &lt;Part&gt;'],
      ['POST', { uploadId: UploadId ?? '' }, '<CompleteMultipartUpload></CompleteMultipartUpload>', 'CompleteMultipartUpload'],
      ['POST', { uploadId: UploadId ?? '' }, '<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>', 'PartNumber'],
      ['POST', { delete: '' }, '<Delete><Object><Key>a</Key></Object>', 'Unclosed tag'],
      ['POST', { delete: '' }, '<Delete><Quiet>true</Quiet></Delete>', 'Object'],
      ['POST', { delete: '' }, '<!DOCTYPE d [<!ENTITY e "boom">]><Delete><Object><Key>&e;</Key></Object></Delete>', 'DOCTYPE'],
      ['PUT', { cors: '' }, '<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>', 'AllowedOrigin'],
      ['PUT', { cors: '' }, 'not xml at all', 'MalformedXML'],
    ];
    for (const [method, query, body, hint] of cases) {
      const path = method === 'POST' && query.uploadId !== undefined ? `/${BUCKET}/mpu` : `/${BUCKET}`;
      const response = await sendSigned(endpoint.credentials, { port: endpoint.port, method, path, query, body, headers: { 'content-md5': createHash('md5').update(body).digest('base64') } });
      expect(response.status, body).toBe(400);
      expect(codeOf(response.text), body).toBe('MalformedXML');
      expect(response.text).toContain(hint);
    }
  });

  it('answers unknown operations with 501 NotImplemented and unknown methods with 405, never 500', async () => {
    const acl = await sendSigned(endpoint.credentials, { port: endpoint.port, method: 'GET', path: `/${BUCKET}/k`, query: { acl: '' } });
    expect(acl.status).toBe(501);
    expect(codeOf(acl.text)).toBe('NotImplemented');
    expect(acl.text).toContain('?acl');
    const bucketTagging = await sendSigned(endpoint.credentials, { port: endpoint.port, method: 'GET', path: `/${BUCKET}`, query: { tagging: '' } });
    expect(bucketTagging.status).toBe(501);
    const objectLock = await sendSigned(endpoint.credentials, { port: endpoint.port, method: 'PUT', path: `/${BUCKET}`, query: { 'object-lock': '' }, body: '<ObjectLockConfiguration/>' });
    expect(objectLock.status).toBe(501);
    const patch = await sendSigned(endpoint.credentials, { port: endpoint.port, method: 'PATCH', path: `/${BUCKET}/k` });
    expect(patch.status).toBe(405);
    expect(codeOf(patch.text)).toBe('MethodNotAllowed');
  });

  it('answers bad parameters with 400: percent-encoding, max-keys, part numbers, an oversize key', async () => {
    const badPath = await sendSigned(endpoint.credentials, { port: endpoint.port, method: 'GET', path: `/${BUCKET}/%E0%A4%A` });
    expect(badPath.status).toBe(400);
    const maxKeys = await sendSigned(endpoint.credentials, { port: endpoint.port, method: 'GET', path: `/${BUCKET}`, query: { 'list-type': '2', 'max-keys': '-1' } });
    expect(codeOf(maxKeys.text)).toBe('InvalidArgument');
    const part = await sendSigned(endpoint.credentials, { port: endpoint.port, method: 'PUT', path: `/${BUCKET}/k`, query: { partNumber: '10001', uploadId: 'x' }, body: 'x' });
    expect(codeOf(part.text)).toBe('InvalidArgument');
    const longKey = await sendSigned(endpoint.credentials, { port: endpoint.port, method: 'PUT', path: `/${BUCKET}/${'k'.repeat(1100)}`, body: 'x' });
    expect(longKey.status).toBe(400);
    expect(codeOf(longKey.text)).toBe('KeyTooLongError');
  });

  it('writes nothing when the client sends less than Content-Length and goes away', async () => {
    const answer = await sendTruncated(endpoint, 'short', 1000, Buffer.alloc(400, 's'));
    expect(answer).not.toContain('200 OK');
    await expectAbsent('short');
  });

  it('answers a stalled body with 400 RequestTimeout and writes nothing', async () => {
    const path = `/${BUCKET}/stalled`;
    const headers = await signHeaders(endpoint.credentials, { port: endpoint.port, method: 'PUT', path, payloadHash: 'UNSIGNED-PAYLOAD', headers: { 'content-length': '100' } });
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(endpoint.port, '127.0.0.1', () => {
        const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
        socket.write(`PUT ${path} HTTP/1.1\r\n${head}\r\n0123456789`);
      });
      let text = '';
      socket.on('data', (data: Buffer) => (text += data.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    expect(answer).toContain('400 Bad Request');
    expect(answer).toContain('<Code>RequestTimeout</Code>');
    await expectAbsent('stalled');
  });

  it.each([
    ['a chunk size that is not hex', 'zz\r\ndata\r\n0\r\n\r\n', 4],
    ['data longer than its chunk size', '2\r\ndata\r\n0\r\n\r\n', 4],
    ['a body that ends before the final chunk', '4\r\ndata\r\n', 4],
    ['chunks that add up to less than the decoded length', '4\r\ndata\r\n0\r\n\r\n', 10],
    ['bytes after the final chunk', '4\r\ndata\r\n0\r\n\r\nextra', 4],
  ])('refuses aws-chunked framing with %s and writes nothing', async (_name, framed, decoded) => {
    const key = `framing-${decoded}-${framed.length}`;
    const response = await sendSigned(endpoint.credentials, {
      port: endpoint.port,
      method: 'PUT',
      path: `/${BUCKET}/${key}`,
      payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(decoded) },
      body: framed,
    });
    expect(response.status).toBe(400);
    expect(['InvalidRequest', 'IncompleteBody']).toContain(codeOf(response.text));
    await expectAbsent(key);
  });

  it('keeps serving after all of the above', async () => {
    const s3 = endpoint.client();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'after', Body: 'still up' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'after' }));
    expect(await got.Body?.transformToString()).toBe('still up');
    const unexpected = endpoint.loggedErrors.filter((error) => !(error instanceof Error && error.name === 'S3Error' && /NotImplemented|not implemented/.test(error.message)));
    expect(unexpected).toEqual([]);
  });
});
