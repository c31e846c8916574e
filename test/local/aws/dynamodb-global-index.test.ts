import { DescribeTableCommand, UpdateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable } from '../../../local/provision.js';
import { createActiveTable, uniqueTableName } from './dynamodb/requests.js';
import { makeTempDir, startOurDynamoDb, type OurDynamoDbTarget } from './dynamodb/servers.js';

// UpdateTable creating and deleting a global secondary index on a table with items in it: what
// `libaws infra-ensure` (and the runtime's provisioning) does when infra.yaml gains a `global-index`.

const BY_OWNER = {
  IndexName: 'by-owner',
  KeySchema: [
    { AttributeName: 'owner', KeyType: 'HASH' as const },
    { AttributeName: 'at', KeyType: 'RANGE' as const },
  ],
  Projection: { ProjectionType: 'ALL' as const },
};
const OWNER_DEFINITIONS = [
  { AttributeName: 'id', AttributeType: 'S' as const },
  { AttributeName: 'owner', AttributeType: 'S' as const },
  { AttributeName: 'at', AttributeType: 'N' as const },
];

async function createTableWithItems(client: DynamoDBClient, doc: DynamoDBDocumentClient, count: number): Promise<string> {
  const TableName = uniqueTableName('gsi');
  await createActiveTable(client, {
    TableName,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  });
  for (let i = 0; i < count; i++) await doc.send(new PutCommand({ TableName, Item: { id: `item-${i}`, owner: i % 2 ? 'odd' : 'even', at: i, v: 0 } }));
  return TableName;
}

async function queryOwner(doc: DynamoDBDocumentClient, TableName: string, owner: string, IndexName = 'by-owner') {
  const answer = await doc.send(
    new QueryCommand({
      TableName,
      IndexName,
      KeyConditionExpression: '#o = :o',
      ExpressionAttributeNames: { '#o': 'owner' },
      ExpressionAttributeValues: { ':o': owner },
      ScanIndexForward: false,
    }),
  );
  return answer.Items ?? [];
}

describe('global indexes added to and removed from an existing table, on our endpoint', () => {
  const tmp = makeTempDir('ddb-gsi-');
  let ddb: OurDynamoDbTarget;
  beforeAll(async () => {
    ddb = await startOurDynamoDb(tmp.dir);
  });
  afterAll(async () => {
    await ddb.close();
    tmp.remove();
  });

  it('backfills a new index with the items already there, leaves out items without its keys or of another type, and keeps it up to date', async () => {
    const TableName = await createTableWithItems(ddb.client, ddb.doc, 10);
    await ddb.doc.send(new PutCommand({ TableName, Item: { id: 'no-owner', at: 3 } }));
    await ddb.doc.send(new PutCommand({ TableName, Item: { id: 'text-at', owner: 'odd', at: 'three' } }));
    const answer = await ddb.client.send(new UpdateTableCommand({ TableName, AttributeDefinitions: OWNER_DEFINITIONS, GlobalSecondaryIndexUpdates: [{ Create: BY_OWNER }] }));
    expect(answer.TableDescription?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.IndexStatus])).toEqual([['by-owner', 'ACTIVE']]);
    expect((await queryOwner(ddb.doc, TableName, 'odd')).map((item) => item.id)).toEqual(['item-9', 'item-7', 'item-5', 'item-3', 'item-1']);
    const { Table } = await ddb.client.send(new DescribeTableCommand({ TableName }));
    expect(Table?.AttributeDefinitions?.map((definition) => definition.AttributeName).sort()).toEqual(['at', 'id', 'owner']);
    expect(Table?.GlobalSecondaryIndexes?.[0]).toMatchObject({ IndexName: 'by-owner', IndexStatus: 'ACTIVE', ItemCount: 10, IndexArn: `${Table?.TableArn}/index/by-owner` });
    await ddb.doc.send(new PutCommand({ TableName, Item: { id: 'item-10', owner: 'odd', at: 10 } }));
    await ddb.doc.send(new UpdateCommand({ TableName, Key: { id: 'item-9' }, UpdateExpression: 'SET #o = :e', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':e': 'even' } }));
    expect((await queryOwner(ddb.doc, TableName, 'odd')).map((item) => item.id)).toEqual(['item-10', 'item-7', 'item-5', 'item-3', 'item-1']);
    await expect(ddb.doc.send(new PutCommand({ TableName, Item: { id: 'bad', owner: 'odd', at: 'x' } }))).rejects.toThrow(/Type mismatch for Index Key at/);
  });

  it('indexes every item as it finally is when writes run while the index is created', async () => {
    const TableName = await createTableWithItems(ddb.client, ddb.doc, 150);
    let writing = true;
    const writer = (async () => {
      let round = 0;
      while (writing) {
        round += 1;
        await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            ddb.doc.send(new UpdateCommand({ TableName, Key: { id: `item-${(round * 10 + i) % 150}` }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': round } })),
          ),
        );
      }
    })();
    await ddb.client.send(new UpdateTableCommand({ TableName, AttributeDefinitions: OWNER_DEFINITIONS, GlobalSecondaryIndexUpdates: [{ Create: BY_OWNER }] }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    writing = false;
    await writer;
    const indexed = [...(await queryOwner(ddb.doc, TableName, 'odd')), ...(await queryOwner(ddb.doc, TableName, 'even'))];
    expect(indexed).toHaveLength(150);
    for (const entry of indexed) {
      const item = (await ddb.doc.send(new GetCommand({ TableName, Key: { id: entry.id }, ConsistentRead: true }))).Item;
      expect(entry).toEqual(item);
    }
  });

  it('refuses what DynamoDB refuses: a name taken, a key without a definition, a changed type, two index changes at once', async () => {
    const TableName = await createTableWithItems(ddb.client, ddb.doc, 1);
    const create = (input: Partial<ConstructorParameters<typeof UpdateTableCommand>[0]>) =>
      ddb.client.send(new UpdateTableCommand({ TableName, AttributeDefinitions: OWNER_DEFINITIONS, GlobalSecondaryIndexUpdates: [{ Create: BY_OWNER }], ...input }));
    await expect(create({ AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] })).rejects.toThrow(
      /Some index key attributes are not defined in AttributeDefinitions\. Keys: \[owner, at\]/,
    );
    await expect(create({ AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }] })).rejects.toThrow(/Cannot change the type of attribute id from S to N/);
    await expect(
      create({ GlobalSecondaryIndexUpdates: [{ Create: BY_OWNER }, { Create: { ...BY_OWNER, IndexName: 'second' } }] }),
    ).rejects.toMatchObject({ name: 'LimitExceededException' });
    await expect(create({ GlobalSecondaryIndexUpdates: [{ Create: { ...BY_OWNER, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } } }] })).rejects.toThrow(
      /ProvisionedThroughput should not be specified for index: by-owner when BillingMode is PAY_PER_REQUEST/,
    );
    await create({});
    await expect(create({})).rejects.toThrow(/Index with name by-owner already exists/);
  });

  it('deletes an index with its entries, so that one created again under its name starts clean', async () => {
    const TableName = await createTableWithItems(ddb.client, ddb.doc, 4);
    await ddb.client.send(new UpdateTableCommand({ TableName, AttributeDefinitions: OWNER_DEFINITIONS, GlobalSecondaryIndexUpdates: [{ Create: BY_OWNER }] }));
    await ddb.client.send(new UpdateTableCommand({ TableName, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'by-owner' } }] }));
    await expect(queryOwner(ddb.doc, TableName, 'odd')).rejects.toThrow(/The table does not have the specified index: by-owner/);
    await expect(ddb.client.send(new UpdateTableCommand({ TableName, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'by-owner' } }] }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await ddb.doc.send(new UpdateCommand({ TableName, Key: { id: 'item-1' }, UpdateExpression: 'SET #o = :e', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':e': 'even' } }));
    await ddb.client.send(new UpdateTableCommand({ TableName, AttributeDefinitions: OWNER_DEFINITIONS, GlobalSecondaryIndexUpdates: [{ Create: BY_OWNER }] }));
    expect((await queryOwner(ddb.doc, TableName, 'odd')).map((item) => item.id)).toEqual(['item-3']);
  });

  it('gets an index declared after the table was created from the runtime’s provisioning, and keeps it across a restart', async () => {
    const TableName = await createTableWithItems(ddb.client, ddb.doc, 6);
    const spec = {
      name: TableName,
      keySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }],
      attributeDefinitions: OWNER_DEFINITIONS,
      globalIndexes: [BY_OWNER],
      localIndexes: [],
    };
    const log: string[] = [];
    expect(await ensureTable(ddb.client, spec, (line) => log.push(line))).toBe('existed');
    expect(log).toContain(`created global index: ${TableName} by-owner`);
    await ddb.close();
    ddb = await startOurDynamoDb(tmp.dir);
    expect((await queryOwner(ddb.doc, TableName, 'even')).map((item) => item.id)).toEqual(['item-4', 'item-2', 'item-0']);
    log.length = 0;
    await ensureTable(ddb.client, spec, (line) => log.push(line));
    expect(log.filter((line) => line.includes('global index'))).toEqual([]);
  });
});
