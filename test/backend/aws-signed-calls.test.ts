import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCallError, retryDelayMs } from '../../backend/aws/signed-calls.js';
import { createLambdaInvoker } from '../../backend/jobs/invoker.js';
import { startTestAws, type TestAws } from './helpers/local-aws.js';

describe('signed calls outside the SDK, against the local endpoint', () => {
  let aws: TestAws;
  beforeAll(async () => {
    aws = await startTestAws();
  });
  afterAll(async () => aws.close());

  it('names a DynamoDB error as the SDK does, with its message', async () => {
    const error = await aws.clients.dynamoCalls?.call('PutItem', { TableName: 'no-such-table', Item: { id: 'x' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as AwsCallError).name).toBe('ResourceNotFoundException');
    expect((error as AwsCallError).message).toMatch(/^DynamoDB PutItem failed: ResourceNotFoundException: /);
  });

  it('writes and updates items with native values, and returns the new attributes', async () => {
    const calls = aws.clients.dynamoCalls;
    await calls?.call('PutItem', { TableName: aws.table, Item: { id: 'signed.1', argv: ['echo', 'é'], n: 3, flag: true, nested: { a: 'b' } } });
    const updated = await calls?.call('UpdateItem', {
      TableName: aws.table,
      Key: { id: 'signed.1' },
      UpdateExpression: 'SET n = :n',
      ConditionExpression: 'n = :old',
      ExpressionAttributeValues: { ':n': 4, ':old': 3 },
      ReturnValues: 'ALL_NEW',
    });
    expect(updated?.Attributes).toEqual({ id: 'signed.1', argv: ['echo', 'é'], n: 4, flag: true, nested: { a: 'b' } });
    const refused = await calls
      ?.call('UpdateItem', { TableName: aws.table, Key: { id: 'signed.1' }, UpdateExpression: 'SET n = :n', ConditionExpression: 'n = :old', ExpressionAttributeValues: { ':n': 5, ':old': 3 } })
      .catch((e: unknown) => e);
    expect((refused as Error).name).toBe('ConditionalCheckFailedException');
  });

  it('retries DynamoDB throttling until the write passes, and gives up after eight attempts', async () => {
    const calls = aws.clients.dynamoCalls;
    const faults = await aws.aws.loadFaults();
    const matched = () => faults.stats().byOperation['dynamodb:PutItem']?.matched ?? 0;
    const throttled = () => faults.stats().byOperation['dynamodb:PutItem']?.throttles ?? 0;
    try {
      faults.set({ seed: 3, rules: [{ match: 'dynamodb:PutItem', throttleRate: 0.5 }] });
      const throttledBefore = throttled();
      for (let i = 0; i < 20; i++) await calls?.call('PutItem', { TableName: aws.table, Item: { id: `throttled.${i}` } });
      expect(throttled() - throttledBefore).toBeGreaterThan(5);
      faults.set({ rules: [{ match: 'dynamodb:PutItem', throttleRate: 1 }] });
      const before = matched();
      const error = await calls?.call('PutItem', { TableName: aws.table, Item: { id: 'never' } }).catch((e: unknown) => e);
      expect((error as AwsCallError).name).toBe('ProvisionedThroughputExceededException');
      expect(matched() - before).toBe(8);
    } finally {
      faults.clear();
    }
  });

  it('waits a full-jitter pause under a ceiling that doubles from 50 ms to 2 s', () => {
    expect([1, 2, 3, 6, 7, 12].map((attempt) => retryDelayMs(attempt, () => 1))).toEqual([50, 100, 200, 1600, 2000, 2000]);
    expect(retryDelayMs(3, () => 0.5)).toBe(100);
  });

  it('refuses to invoke a function that is not there, saying so', async () => {
    const invoker = createLambdaInvoker({ lambda: aws.clients.lambda, functionName: 'no-such-function' });
    const event = { 'event-type': 'exec' as const, 'auth-name': 'alice', uid: '1700000000.00000000-0000-4000-8000-000000000000', argv: ['true'] };
    await expect(invoker.invokeJob(event)).rejects.toThrow(/Lambda Invoke failed: ResourceNotFoundException/);
  });
});
