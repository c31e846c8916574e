import { BatchGetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveTable, sendSigned, uniqueTableName } from './dynamodb/requests.js';
import { makeTempDir, startOurDynamoDb, type OurDynamoDbTarget } from './dynamodb/servers.js';

// Behaviour of DynamoDB that plain dynalite lacks, so it is not in the shared contract.
describe('DynamoDB fidelity beyond the engine, on our endpoint', () => {
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

  it('accepts values nested 31 lists deep and refuses deeper ones, however deep, with ValidationException', async () => {
    const TableName = uniqueTableName('nesting');
    await createActiveTable(ddb.client, {
      TableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    });
    const nested = (wrappers: number) => {
      let value = '{"S":"x"}';
      for (let i = 0; i < wrappers; i++) value = i % 2 ? `{"L":[${value}]}` : `{"M":{"k":${value}}}`;
      return `{"TableName":"${TableName}","Item":{"id":{"S":"n${wrappers}"},"v":${value}}}`;
    };
    expect((await sendSigned(ddb.url, ddb.credentials, { target: 'DynamoDB_20120810.PutItem', body: nested(31) })).status).toBe(200);
    for (const wrappers of [32, 5000, 100_000]) {
      const answer = await sendSigned(ddb.url, ddb.credentials, { target: 'DynamoDB_20120810.PutItem', body: nested(wrappers) });
      expect(answer).toMatchObject({
        status: 400,
        body: {
          __type: 'com.amazon.coral.validate#ValidationException',
          message: 'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit',
        },
      });
    }
  });
});
