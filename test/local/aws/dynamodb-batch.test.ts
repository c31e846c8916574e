import { BatchGetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveTable, uniqueTableName } from './dynamodb/requests.js';
import { makeTempDir, startOurDynamoDb, type OurDynamoDbTarget } from './dynamodb/servers.js';

describe('DynamoDB BatchGetItem on our endpoint', () => {
  const tmp = makeTempDir('ddb-batch-');
  let ddb: OurDynamoDbTarget;
  beforeAll(async () => {
    ddb = await startOurDynamoDb(tmp.dir);
  });
  afterAll(async () => {
    await ddb.close();
    tmp.remove();
  });

  // dynalite alone drops these two from UnprocessedKeys, so a retry would return whole items.
  it('repeats the projection and its attribute names in UnprocessedKeys, as DynamoDB does', async () => {
    const TableName = uniqueTableName('unprocessed');
    await createActiveTable(ddb.client, {
      TableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    });
    const ids = Array.from({ length: 8 }, (_, i) => `big-${i}`);
    for (const id of ids) {
      await ddb.client.send(new PutItemCommand({ TableName, Item: { id: { S: id }, big: { S: 'b'.repeat(350 * 1024) }, n: { N: '1' } } }));
    }
    const answer = await ddb.client.send(
      new BatchGetItemCommand({
        RequestItems: {
          [TableName]: { Keys: ids.map((id) => ({ id: { S: id } })), ProjectionExpression: '#i, #b', ExpressionAttributeNames: { '#i': 'id', '#b': 'big' } },
        },
      }),
    );
    expect(answer.UnprocessedKeys?.[TableName]).toMatchObject({
      ProjectionExpression: '#i, #b',
      ExpressionAttributeNames: { '#i': 'id', '#b': 'big' },
    });
    const retry = await ddb.client.send(new BatchGetItemCommand({ RequestItems: answer.UnprocessedKeys }));
    for (const item of retry.Responses?.[TableName] ?? []) expect(Object.keys(item).sort()).toEqual(['big', 'id']);
  });
});
