import { ResourceNotFoundException as DynamoResourceNotFound } from '@aws-sdk/client-dynamodb';
import { ResourceNotFoundException as LambdaResourceNotFound } from '@aws-sdk/client-lambda';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_RETRY, isRetryableAwsError } from '../../backend/aws/retry.js';
import { createLambdaInvoker } from '../../backend/jobs/invoker.js';
import { createS3LogObjects } from '../../backend/jobs/objects.js';
import { retryDelayMs } from '../../protocol/index.js';
import type { LocalFaults } from '../../local/aws/index.js';
import { startTestAws, type TestAws } from './helpers/local-aws.js';

describe('the backend’s AWS path (SDK clients and presigned PUTs), against the local endpoint', () => {
  let aws: TestAws;
  let faults: LocalFaults;
  beforeAll(async () => {
    aws = await startTestAws();
    faults = await aws.aws.loadFaults();
  });
  afterAll(async () => aws.close());

  const stats = (operation: string) => faults.stats().byOperation[operation] ?? { matched: 0, throttles: 0, errors: 0 };

  it('throws DynamoDB errors as the SDK’s exception classes', async () => {
    const error = await aws.clients.ddb.send(new PutCommand({ TableName: 'no-such-table', Item: { id: 'x' } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DynamoResourceNotFound);
    expect(isRetryableAwsError(error)).toBe(false);
  });

  it('retries DynamoDB throttling until the write passes, and gives up after the policy’s eight attempts', async () => {
    try {
      faults.set({ seed: 3, rules: [{ match: 'dynamodb:PutItem', throttleRate: 0.5 }] });
      const throttledBefore = stats('dynamodb:PutItem').throttles;
      for (let i = 0; i < 20; i++) await aws.clients.ddb.send(new PutCommand({ TableName: aws.table, Item: { id: `throttled.${i}` } }));
      expect(stats('dynamodb:PutItem').throttles - throttledBefore).toBeGreaterThan(5);
      faults.set({ rules: [{ match: 'dynamodb:PutItem', throttleRate: 1 }] });
      const before = stats('dynamodb:PutItem').matched;
      const error = await aws.clients.ddb.send(new PutCommand({ TableName: aws.table, Item: { id: 'never' } })).catch((e: unknown) => e);
      expect((error as Error).name).toMatch(/^(ProvisionedThroughputExceededException|ThrottlingException)$/);
      expect(stats('dynamodb:PutItem').matched - before).toBe(AWS_RETRY.retries + 1);
    } finally {
      faults.clear();
    }
  });

  it('retries presigned PUTs that S3 answers 5xx, and throws an S3ServiceException with the status when they never pass', async () => {
    const objects = createS3LogObjects({ s3: aws.clients.s3, bucket: aws.bucket });
    try {
      faults.set({ seed: 5, rules: [{ match: 's3:PutObject', errorRate: 0.5 }] });
      const errorsBefore = stats('s3:PutObject').errors;
      for (let i = 0; i < 20; i++) await objects.putObject(`jobs/retried/${i}`, `body ${i}`);
      expect(stats('s3:PutObject').errors - errorsBefore).toBeGreaterThan(5);
      faults.set({ rules: [{ match: 's3:PutObject', errorRate: 1 }] });
      const before = stats('s3:PutObject').matched;
      const error = await objects.putObject('jobs/never', 'x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(S3ServiceException);
      expect((error as S3ServiceException).name).toBe('InternalError');
      expect((error as S3ServiceException).$metadata.httpStatusCode).toBe(500);
      expect(stats('s3:PutObject').matched - before).toBe(AWS_RETRY.retries + 1);
    } finally {
      faults.clear();
    }
    for (let i = 0; i < 20; i++) expect(new TextDecoder().decode(await objects.readObject(`jobs/retried/${i}`))).toBe(`body ${i}`);
  });

  it('waits a full-jitter pause under a ceiling that doubles from 50 ms to 2 s', () => {
    expect([1, 2, 3, 6, 7, 12].map((failures) => retryDelayMs(AWS_RETRY, failures, () => 1))).toEqual([50, 100, 200, 1600, 2000, 2000]);
  });

  it('refuses to invoke a function that is not there, with the SDK’s exception class', async () => {
    const invoker = createLambdaInvoker({ lambda: aws.clients.lambda, functionName: 'no-such-function' });
    const event = { 'event-type': 'exec' as const, 'auth-name': 'alice', uid: '1700000000.00000000-0000-4000-8000-000000000000', argv: ['true'] };
    await expect(invoker.invokeJob(event)).rejects.toBeInstanceOf(LambdaResourceNotFound);
  });
});
