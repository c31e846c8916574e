import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareAwsCli, type AwsCli } from './s3/awscli.js';
import { startS3Endpoint, type S3TestEndpoint } from './s3/endpoint.js';

const BUCKET = 'cli-bucket';
const ListOutput = z.object({ Contents: z.array(z.object({ Key: z.string(), Size: z.number() })) });
const GetOutput = z.object({ ContentRange: z.string(), ContentLength: z.number() });
const HeadOutput = z.object({ ETag: z.string(), ContentLength: z.number() });

// The same behaviours as the SDK contract suite, with Debian's awscli as an independent client and signer.
// awscli starts a Python interpreter per call: slow on a busy 2-core machine, hence the long timeout.
describe('S3 with awscli as the client', { timeout: 120_000 }, () => {
  let endpoint: S3TestEndpoint;
  let aws: AwsCli;

  beforeAll(async () => {
    endpoint = await startS3Endpoint();
    aws = prepareAwsCli(endpoint);
    expect(await aws.run('s3', 'mb', `s3://${BUCKET}`)).toContain(`make_bucket: ${BUCKET}`);
  });
  afterAll(async () => {
    aws.cleanup();
    await endpoint.close();
  });

  it('copies a small file up and down byte-exact and lists it', async () => {
    const source = join(aws.workDir, 'small.txt');
    writeFileSync(source, 'hello from awscli\n');
    await aws.run('s3', 'cp', source, `s3://${BUCKET}/dir/small.txt`);
    const target = join(aws.workDir, 'small.down');
    await aws.run('s3', 'cp', `s3://${BUCKET}/dir/small.txt`, target);
    expect(readFileSync(target, 'utf8')).toBe('hello from awscli\n');
    expect(await aws.run('s3', 'ls', `s3://${BUCKET}/dir/`)).toMatch(/\s18 small\.txt/);
    expect(await aws.run('s3', 'ls', `s3://${BUCKET}/`)).toContain('PRE dir/');
    expect(await aws.run('s3', 'ls')).toContain(BUCKET);
  });

  it('uploads 21 MB as a multipart upload and downloads it byte-exact', async () => {
    const body = randomBytes(21 * 1024 * 1024);
    const source = join(aws.workDir, 'big.bin');
    writeFileSync(source, body);
    await aws.run('s3', 'cp', source, `s3://${BUCKET}/big.bin`);
    const head = HeadOutput.parse(JSON.parse(await aws.run('s3api', 'head-object', '--bucket', BUCKET, '--key', 'big.bin')));
    expect(head.ContentLength).toBe(body.length);
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}-3"$/);
    const target = join(aws.workDir, 'big.down');
    await aws.run('s3', 'cp', `s3://${BUCKET}/big.bin`, target);
    expect(readFileSync(target).equals(body)).toBe(true);
  });

  it('reads a byte range with s3api get-object --range', async () => {
    const source = join(aws.workDir, 'digits.txt');
    writeFileSync(source, '0123456789');
    await aws.run('s3', 'cp', source, `s3://${BUCKET}/digits.txt`);
    const target = join(aws.workDir, 'range.out');
    const output = GetOutput.parse(JSON.parse(await aws.run('s3api', 'get-object', '--bucket', BUCKET, '--key', 'digits.txt', '--range', 'bytes=3-6', target)));
    expect(output).toMatchObject({ ContentRange: 'bytes 3-6/10', ContentLength: 4 });
    expect(readFileSync(target, 'utf8')).toBe('3456');
  });

  it('returns every key with list-objects-v2 --page-size 1', async () => {
    const keys = ['page/a', 'page/b', 'page/c d', 'page/z+1', 'page/é'];
    const s3 = endpoint.client();
    for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    const listed = ListOutput.parse(JSON.parse(await aws.run('s3api', 'list-objects-v2', '--bucket', BUCKET, '--prefix', 'page/', '--page-size', '1')));
    expect(listed.Contents.map((c) => c.Key)).toEqual(keys);
  });

  it('presigns a GET that plain fetch can Range-read (206), and a tampered one is refused (403)', async () => {
    const source = join(aws.workDir, 'presign.txt');
    writeFileSync(source, 'presigned content');
    await aws.run('s3', 'cp', source, `s3://${BUCKET}/presign.txt`);
    const url = (await aws.run('s3', 'presign', `s3://${BUCKET}/presign.txt`, '--expires-in', '120')).trim();
    const partial = await fetch(url, { headers: { range: 'bytes=10-' } });
    expect(partial.status).toBe(206);
    expect(await partial.text()).toBe('content');
    const tampered = url.replace('presign.txt', 'presign.txT');
    const refused = await fetch(tampered);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('SignatureDoesNotMatch');
  });

  it('copies a multipart object to another key server-side, byte-exact', async () => {
    await aws.run('s3', 'cp', `s3://${BUCKET}/big.bin`, `s3://${BUCKET}/copies/big.bin`);
    const original = HeadOutput.parse(JSON.parse(await aws.run('s3api', 'head-object', '--bucket', BUCKET, '--key', 'big.bin')));
    const copy = HeadOutput.parse(JSON.parse(await aws.run('s3api', 'head-object', '--bucket', BUCKET, '--key', 'copies/big.bin')));
    expect(copy.ContentLength).toBe(original.ContentLength);
    const target = join(aws.workDir, 'copy.down');
    await aws.run('s3', 'cp', `s3://${BUCKET}/copies/big.bin`, target);
    expect(readFileSync(target).equals(readFileSync(join(aws.workDir, 'big.bin')))).toBe(true);
  });

  it('reports a missing key and a missing bucket as errors', async () => {
    const missingKey = await aws.attempt('s3api', 'head-object', '--bucket', BUCKET, '--key', 'nope');
    expect(missingKey.code).not.toBe(0);
    expect(missingKey.stderr).toContain('404');
    const missingBucket = await aws.attempt('s3', 'ls', 's3://no-such-bucket-here/');
    expect(missingBucket.code).not.toBe(0);
    expect(missingBucket.stderr).toContain('NoSuchBucket');
  });

  it('logged no unexpected failure', () => {
    expect(endpoint.loggedErrors).toEqual([]);
  });
});
