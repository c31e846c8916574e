import { S3ServiceException } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3LogObjects, type LogObjects } from '../../../backend/jobs/objects.js';
import { startTestAws, type TestAws } from '../helpers/local-aws.js';

describe('job objects in the local S3', () => {
  let aws: TestAws;
  let objects: LogObjects;
  beforeAll(async () => {
    aws = await startTestAws();
    objects = createS3LogObjects({ s3: aws.clients.s3, bucket: aws.bucket });
  });
  afterAll(async () => aws.close());

  it('replaces an object whole on each write through a writer, byte-exact, as putObject does', async () => {
    const write = await objects.openWriter('jobs/alice/1/log.txt', 600);
    await write('first\n');
    const bytes = new Uint8Array([0xff, 0x00, 0xc3, 0x0a]);
    await write(bytes);
    expect(await objects.readObject('jobs/alice/1/log.txt')).toEqual(bytes);
    await write('');
    expect(await objects.readObject('jobs/alice/1/log.txt')).toEqual(new Uint8Array());
  });

  it('tells whether an object exists without reading it, an empty one included', async () => {
    await objects.putObject('jobs/alice/4/log.txt', '');
    expect(await objects.hasObject('jobs/alice/4/log.txt')).toBe(true);
    expect(await objects.hasObject('jobs/alice/4/size')).toBe(false);
  });

  it("writes, reads and presigns keys under a Go deployment's auth-name, whatever its name holds", async () => {
    const key = "jobs/ops/team a+b (prod) é's!*~:0123456789abcdef/1700000000.0a1b2c3d-0000-4000-8000-000000000000/log.txt";
    const write = await objects.openWriter(key, 600);
    await write('odd\n');
    expect(Buffer.from((await objects.readObject(key)) ?? []).toString()).toBe('odd\n');
    expect(await objects.hasObject(key)).toBe(true);
    const read = await fetch(await objects.presignGet(key, 600), { headers: { range: 'bytes=1-' } });
    expect(read.status).toBe(206);
    expect(await read.text()).toBe('dd\n');
  });

  it('writes an object whole with putObject, empty or not, and reads it back', async () => {
    await objects.putObject('jobs/alice/3/log.txt', '');
    expect(await objects.readObject('jobs/alice/3/log.txt')).toEqual(new Uint8Array());
    await objects.putObject('jobs/alice/3/log.txt', new Uint8Array([1, 2, 3]));
    expect(await objects.readObject('jobs/alice/3/log.txt')).toEqual(new Uint8Array([1, 2, 3]));
    expect(await objects.readObject('jobs/alice/3/missing')).toBeUndefined();
  });

  it('keeps writing over reused connections, and from many writers at once', async () => {
    const writers = await Promise.all(Array.from({ length: 8 }, (_, i) => objects.openWriter(`jobs/alice/many/${i}`, 600)));
    for (let round = 0; round < 3; round++) await Promise.all(writers.map((write, i) => write(`${i}:${round}`)));
    const read = await Promise.all(writers.map((_, i) => objects.readObject(`jobs/alice/many/${i}`)));
    expect(read.map((body) => Buffer.from(body ?? []).toString())).toEqual(writers.map((_, i) => `${i}:2`));
  });

  it('rejects a write the store refuses, saying what came', async () => {
    const other = createS3LogObjects({ s3: aws.clients.s3, bucket: 'no-such-bucket' });
    const write = await other.openWriter('x', 600);
    const error = await write('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3ServiceException);
    expect((error as S3ServiceException).$metadata.httpStatusCode).toBe(404);
    expect((error as Error).message).toMatch(/^Expected 2xx from a presigned PUT of \/no-such-bucket\/x, got 404 NoSuchBucket: /);
  });

  it('presigns GET URLs that read the object, a Range of it, and answer 404 for a key not written yet', async () => {
    const write = await objects.openWriter('jobs/alice/2/log.txt', 600);
    await write('hello world');
    const url = await objects.presignGet('jobs/alice/2/log.txt', 600);
    expect(url).toMatch(/X-Amz-Signature=/);
    expect(await (await fetch(url)).text()).toBe('hello world');
    const ranged = await fetch(url, { headers: { Range: 'bytes=6-' } });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe('world');
    expect((await fetch(await objects.presignGet('jobs/alice/2/size', 600))).status).toBe(404);
  });

  it('presigns URLs that stop working once they expire', async () => {
    const url = await objects.presignGet('jobs/alice/2/log.txt', 1);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await fetch(url)).status).toBe(403);
  });
});
