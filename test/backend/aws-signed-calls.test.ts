import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCallError } from '../../backend/aws/signed-calls.js';
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

  it('refuses to invoke a function that is not there, saying so', async () => {
    const invoker = createLambdaInvoker({ lambda: aws.clients.lambda, functionName: 'no-such-function' });
    const event = { 'event-type': 'exec' as const, 'auth-name': 'alice', uid: '1700000000.00000000-0000-4000-8000-000000000000', argv: ['true'] };
    await expect(invoker.invokeJob(event)).rejects.toThrow(/Lambda Invoke failed: ResourceNotFoundException/);
  });
});
