import { mkdtempSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCredentials } from '../../../local/aws/credentials.js';
import { startChildServer } from './s3/child.js';
import { REGION, startS3Endpoint, type S3TestEndpoint } from './s3/endpoint.js';
import { signHeaders } from './s3/raw.js';

describe('S3 after the process is killed with SIGKILL', () => {
  const open: S3TestEndpoint[] = [];
  afterAll(async () => {
    for (const endpoint of open) await endpoint.close();
  });

  it('keeps every acknowledged write and nothing of an upload cut off by the kill', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-s3-crash-'));
    const credentials = generateCredentials();
    const { child, port, exited } = await startChildServer(dataDir, credentials);
    const s3 = new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: REGION, credentials, forcePathStyle: true, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: 'crash' }));
    for (let i = 0; i < 20; i++) await s3.send(new PutObjectCommand({ Bucket: 'crash', Key: `k${i % 5}`, Body: `version ${i}`, Metadata: { i: String(i) } }));

    // Start an upload that never finishes: headers and half of the declared body.
    const headers = await signHeaders(credentials, { port, method: 'PUT', path: '/crash/cut-off', payloadHash: 'UNSIGNED-PAYLOAD', headers: { 'content-length': '1000000' } });
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.write(`PUT /crash/cut-off HTTP/1.1\r\n${head}\r\n`);
    socket.write(Buffer.alloc(500_000, 'p'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.on('error', () => undefined);

    child.kill('SIGKILL');
    await exited;
    socket.destroy();
    s3.destroy();

    const restarted = await startS3Endpoint({ dataDir, credentials });
    open.push(restarted);
    const again = restarted.client();
    for (let k = 0; k < 5; k++) {
      const got = await again.send(new GetObjectCommand({ Bucket: 'crash', Key: `k${k}` }));
      expect(await got.Body?.transformToString()).toBe(`version ${15 + k}`);
      expect(got.Metadata).toEqual({ i: String(15 + k) });
    }
    await expect(again.send(new HeadObjectCommand({ Bucket: 'crash', Key: 'cut-off' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    const listed = await again.send(new ListObjectsV2Command({ Bucket: 'crash' }));
    expect(listed.KeyCount).toBe(5);
    expect(readdirSync(join(dataDir, 'tmp'))).toEqual([]);
    expect(readdirSync(join(dataDir, 'bodies'))).toHaveLength(5);
  });
});

describe('versioned S3 after the process is killed with SIGKILL', () => {
  const open: S3TestEndpoint[] = [];
  afterAll(async () => {
    for (const endpoint of open) await endpoint.close();
  });

  it('keeps every acknowledged version, delete marker and body', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-s3-crash-versions-'));
    const credentials = generateCredentials();
    const { child, port, exited } = await startChildServer(dataDir, credentials);
    const s3 = new S3Client({ endpoint: `http://127.0.0.1:${port}`, region: REGION, credentials, forcePathStyle: true, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: 'crash' }));
    await s3.send(new PutObjectCommand({ Bucket: 'crash', Key: 'k', Body: 'null version' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'crash', VersioningConfiguration: { Status: 'Enabled' } }));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await s3.send(new PutObjectCommand({ Bucket: 'crash', Key: 'k', Body: `version ${i}` }))).VersionId ?? '');
    const marker = (await s3.send(new DeleteObjectCommand({ Bucket: 'crash', Key: 'k' }))).VersionId;
    await s3.send(new DeleteObjectCommand({ Bucket: 'crash', Key: 'k', VersionId: ids[2] }));

    child.kill('SIGKILL');
    await exited;
    s3.destroy();

    const restarted = await startS3Endpoint({ dataDir, credentials });
    open.push(restarted);
    const again = restarted.client();
    const listed = await again.send(new ListObjectVersionsCommand({ Bucket: 'crash' }));
    expect(listed.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest])).toEqual([[marker, true]]);
    expect(listed.Versions?.map((v) => v.VersionId)).toEqual([ids[4], ids[3], ids[1], ids[0], 'null']);
    for (const [i, id] of ids.entries()) {
      if (i === 2) continue;
      const got = await again.send(new GetObjectCommand({ Bucket: 'crash', Key: 'k', VersionId: id }));
      expect(await got.Body?.transformToString()).toBe(`version ${i}`);
    }
    expect(await (await again.send(new GetObjectCommand({ Bucket: 'crash', Key: 'k', VersionId: 'null' }))).Body?.transformToString()).toBe('null version');
    expect((await again.send(new GetBucketVersioningCommand({ Bucket: 'crash' }))).Status).toBe('Enabled');
    expect(readdirSync(join(dataDir, 'bodies'))).toHaveLength(5);
  });
});
