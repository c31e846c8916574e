import { S3ServiceException } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3LogObjects, type LogObjects } from '../../../backend/jobs/objects.js';
import { startTestAws, type TestAws } from '../helpers/local-aws.js';

// What every LogObjects does (whole writes, missing vs refused, presigned ranges, expiry) is in
// test/backend/contract/log-objects.ts, run against the fake and the local S3; these are the S3 store's own cases.
describe('job objects in the local S3', () => {
  let aws: TestAws;
  let objects: LogObjects;
  beforeAll(async () => {
    aws = await startTestAws();
    objects = createS3LogObjects({ s3: aws.clients.s3, bucket: aws.bucket });
  });
  afterAll(async () => aws.close());

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

  it('presigns GET URLs signed with SigV4', async () => {
    expect(await objects.presignGet('jobs/alice/2/log.txt', 600)).toMatch(/X-Amz-Signature=/);
  });
});
