import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetBucketCorsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketCorsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { createS3Service } from '../../../local/aws/s3/index.js';
import { SCHEMA_V0 } from '../../../local/aws/s3/store/schema.js';
import { startS3Endpoint, type S3TestEndpoint } from './s3/endpoint.js';

describe('S3 persistence across a restart', () => {
  const open: S3TestEndpoint[] = [];
  afterEach(async () => {
    while (open.length > 0) await open.pop()?.close();
  });

  it('keeps buckets, objects, metadata, CORS rules and an unfinished multipart upload', async () => {
    const first = await startS3Endpoint();
    const s3 = first.client();
    await s3.send(new CreateBucketCommand({ Bucket: 'kept' }));
    await s3.send(new PutObjectCommand({ Bucket: 'kept', Key: 'a/one.txt', Body: 'one', ContentType: 'text/plain', Metadata: { k: 'v' } }));
    await s3.send(new PutObjectCommand({ Bucket: 'kept', Key: 'a/one.txt', Body: 'one, rewritten', ContentType: 'text/plain', Metadata: { k: 'v2' } }));
    await s3.send(new PutObjectCommand({ Bucket: 'kept', Key: 'empty', Body: '' }));
    await s3.send(new PutBucketCorsCommand({ Bucket: 'kept', CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['GET'] }] } }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'kept', Key: 'later', ContentType: 'application/x-later' }));
    const part = await s3.send(new UploadPartCommand({ Bucket: 'kept', Key: 'later', UploadId, PartNumber: 1, Body: 'only part' }));
    await first.close(true);

    const second = await startS3Endpoint({ dataDir: first.dataDir, credentials: first.credentials });
    open.push(second);
    const again = second.client();
    const got = await again.send(new GetObjectCommand({ Bucket: 'kept', Key: 'a/one.txt' }));
    expect(await got.Body?.transformToString()).toBe('one, rewritten');
    expect(got).toMatchObject({ ContentType: 'text/plain', Metadata: { k: 'v2' } });
    const listed = await again.send(new ListObjectsV2Command({ Bucket: 'kept' }));
    expect(listed.Contents?.map((c) => [c.Key, c.Size])).toEqual([
      ['a/one.txt', 14],
      ['empty', 0],
    ]);
    const cors = await again.send(new GetBucketCorsCommand({ Bucket: 'kept' }));
    expect(cors.CORSRules?.[0]?.AllowedMethods).toEqual(['GET']);
    const parts = await again.send(new ListPartsCommand({ Bucket: 'kept', Key: 'later', UploadId }));
    expect(parts.Parts?.map((p) => p.ETag)).toEqual([part.ETag]);
    await again.send(new CompleteMultipartUploadCommand({ Bucket: 'kept', Key: 'later', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    const later = await again.send(new GetObjectCommand({ Bucket: 'kept', Key: 'later' }));
    expect(await later.Body?.transformToString()).toBe('only part');
    expect(later.ContentType).toBe('application/x-later');
  });

  it('sweeps temp files and unreferenced bodies on start and keeps every referenced body', async () => {
    const first = await startS3Endpoint();
    const s3 = first.client();
    await s3.send(new CreateBucketCommand({ Bucket: 'swept' }));
    await s3.send(new PutObjectCommand({ Bucket: 'swept', Key: 'k', Body: 'kept body' }));
    await first.close(true);
    writeFileSync(join(first.dataDir, 'tmp', 'half-written-upload'), 'partial');
    writeFileSync(join(first.dataDir, 'bodies', 'orphan-body'), 'never committed');

    const second = await startS3Endpoint({ dataDir: first.dataDir, credentials: first.credentials });
    open.push(second);
    expect(readdirSync(join(first.dataDir, 'tmp'))).toEqual([]);
    expect(existsSync(join(first.dataDir, 'bodies', 'orphan-body'))).toBe(false);
    expect(readdirSync(join(first.dataDir, 'bodies'))).toHaveLength(1);
    const got = await second.client().send(new GetObjectCommand({ Bucket: 'swept', Key: 'k' }));
    expect(await got.Body?.transformToString()).toBe('kept body');
  });

  it('refuses a second service on a data directory that is in use, and opens it once the first is closed', async () => {
    const first = await startS3Endpoint();
    await expect(createS3Service({ dataDir: first.dataDir, region: 'us-east-1' })).rejects.toThrow('is another process using this data directory?');
    await first.close(true);
    const second = await createS3Service({ dataDir: first.dataDir, region: 'us-east-1' });
    await second.close();
    rmSync(first.dataDir, { recursive: true, force: true });
  });

  it('names body files by generated ids, never by key', async () => {
    const endpoint = await startS3Endpoint();
    open.push(endpoint);
    const s3 = endpoint.client();
    await s3.send(new CreateBucketCommand({ Bucket: 'ids' }));
    await s3.send(new PutObjectCommand({ Bucket: 'ids', Key: '../../escape', Body: 'x' }));
    const names = readdirSync(join(endpoint.dataDir, 'bodies'));
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(readdirSync(endpoint.dataDir).every((name) => ['bodies', 'tmp'].includes(name) || name.startsWith('s3.sqlite'))).toBe(true);
  });
});

describe('S3 data written before versioning existed', () => {
  it('opens a data directory of the first schema in place: objects become null versions and versioning can be enabled', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-s3-v0-'));
    mkdirSync(join(dataDir, 'bodies'), { recursive: true });
    writeFileSync(join(dataDir, 'bodies', 'body-1'), 'written by an older endpoint');
    const old = new Database(join(dataDir, 's3.sqlite'));
    old.exec(SCHEMA_V0);
    old.prepare('INSERT INTO buckets (name, created_ms, region) VALUES (?, ?, ?)').run('legacy', 0, 'us-east-1');
    old
      .prepare(
        "INSERT INTO objects (bucket, key, body_id, size, etag, modified_ms, content_type, metadata, tags) VALUES ('legacy', 'k', 'body-1', 28, '\"e\"', 0, 'text/plain', '{}', '[]')",
      )
      .run();
    old.close();

    const endpoint = await startS3Endpoint({ dataDir });
    try {
      const s3 = endpoint.client();
      expect(await (await s3.send(new GetObjectCommand({ Bucket: 'legacy', Key: 'k' }))).Body?.transformToString()).toBe('written by an older endpoint');
      await s3.send(new PutBucketVersioningCommand({ Bucket: 'legacy', VersioningConfiguration: { Status: 'Enabled' } }));
      const next = await s3.send(new PutObjectCommand({ Bucket: 'legacy', Key: 'k', Body: 'new' }));
      const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: 'legacy' }));
      expect(listed.Versions?.map((v) => v.VersionId)).toEqual([next.VersionId, 'null']);
      expect(await (await s3.send(new GetObjectCommand({ Bucket: 'legacy', Key: 'k', VersionId: 'null' }))).Body?.transformToString()).toBe('written by an older endpoint');
    } finally {
      await endpoint.close();
    }
  });
});
