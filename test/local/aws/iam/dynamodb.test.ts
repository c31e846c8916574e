import {
  BatchGetItemCommand,
  CreateTableCommand,
  DynamoDBServiceException,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_OPERATIONS } from '../../../../local/aws/dynamodb/engine.js';
import { requiredPermissions } from '../../../../local/aws/dynamodb/authorize.js';
import { failureOf, startIamHarness, type ClientCredentials, type IamHarness } from './harness.js';

const TABLE = 'jobs';
const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/jobs';

let h: IamHarness;
let role: ClientCredentials;

beforeAll(async () => {
  h = await startIamHarness();
  const root = h.dynamodb(h.root);
  for (const name of [TABLE, 'other']) {
    await root.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await root.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'a' } } }));
  }
  // The allow lines of aws-exec's infra.yaml, as libaws writes them.
  role = h.session(
    'backend',
    ['GetItem', 'PutItem', 'UpdateItem', 'Scan'].map((op) => ({ Effect: 'Allow' as const, Action: `dynamodb:${op}`, Resource: 'arn:aws:dynamodb:*:*:table/jobs' })),
    'backend',
  );
});

afterAll(async () => {
  await h?.close();
});

describe('DynamoDB with role credentials', () => {
  it('allows the operations the role allows on its table', async () => {
    const got = await h.dynamodb(role).send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: 'a' } } }));
    expect(got.Item).toEqual({ id: { S: 'a' } });
    await h.dynamodb(role).send(new PutItemCommand({ TableName: TABLE, Item: { id: { S: 'b' } } }));
  });

  it('refuses another table with 400 AccessDeniedException, parsed by the SDK, with the message DynamoDB sends', async () => {
    const error = await failureOf(() => h.dynamodb(role).send(new GetItemCommand({ TableName: 'other', Key: { id: { S: 'a' } } })));
    expect(error).toBeInstanceOf(DynamoDBServiceException);
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toBe(
      'User: arn:aws:sts::000000000000:assumed-role/backend/backend is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/other because no identity-based policy allows the dynamodb:GetItem action',
    );
  });

  it('refuses an operation the role lacks, a missing table alike (authorization comes first)', async () => {
    const query = await failureOf(() =>
      h.dynamodb(role).send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'id = :a', ExpressionAttributeValues: { ':a': { S: 'a' } } })),
    );
    expect(query.message).toContain(`not authorized to perform: dynamodb:Query on resource: ${TABLE_ARN} because`);
    const missing = await failureOf(() => h.dynamodb(role).send(new PutItemCommand({ TableName: 'nope', Item: { id: { S: 'x' } } })));
    expect(missing.name).toBe('AccessDeniedException');
    const list = await failureOf(() => h.dynamodb(role).send(new ListTablesCommand({})));
    expect(list.message).toContain('dynamodb:ListTables on resource: arn:aws:dynamodb:us-east-1:000000000000:table/* because');
  });

  it('needs the batch action on every table a batch names', async () => {
    const batch = h.session('batch-role', [{ Effect: 'Allow', Action: 'dynamodb:BatchGetItem', Resource: TABLE_ARN }]);
    const one = await h.dynamodb(batch).send(new BatchGetItemCommand({ RequestItems: { [TABLE]: { Keys: [{ id: { S: 'a' } }] } } }));
    expect(one.Responses?.[TABLE]).toHaveLength(1);
    const two = await failureOf(() =>
      h.dynamodb(batch).send(new BatchGetItemCommand({ RequestItems: { [TABLE]: { Keys: [{ id: { S: 'a' } }] }, other: { Keys: [{ id: { S: 'a' } }] } } })),
    );
    expect(two.message).toContain('dynamodb:BatchGetItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/other');
  });

  it('shows awscli AccessDeniedException for a denied call', async () => {
    const denied = await h.awscli(role, 'dynamodb', 'get-item', '--table-name', 'other', '--key', '{"id":{"S":"a"}}');
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('An error occurred (AccessDeniedException) when calling the GetItem operation: User: arn:aws:sts::000000000000:assumed-role/backend/backend');
    const allowed = await h.awscli(role, 'dynamodb', 'get-item', '--table-name', TABLE, '--key', '{"id":{"S":"a"}}');
    expect(allowed.code).toBe(0);
  });

  it('knows the permissions of every operation the local DynamoDB serves', () => {
    const body = { TableName: 't', RequestItems: { t: {} }, ResourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/t' };
    for (const operation of [...ENGINE_OPERATIONS, 'UpdateTimeToLive', 'DescribeTimeToLive']) {
      expect(requiredPermissions(operation, body, 'us-east-1'), operation).toEqual([[`dynamodb:${operation}`, expect.stringContaining('table/')]]);
    }
    expect(requiredPermissions('Query', { TableName: 't', IndexName: 'by-state' }, 'us-east-1')).toEqual([
      ['dynamodb:Query', 'arn:aws:dynamodb:us-east-1:000000000000:table/t/index/by-state'],
    ]);
  });
});
