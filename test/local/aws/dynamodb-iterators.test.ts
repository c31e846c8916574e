import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, runEngineOperation, type Store } from '../../../local/aws/dynamodb/engine.js';
import { waitForTable } from '../../../local/aws/dynamodb/tables.js';
import { makeTempDir } from './dynamodb/servers.js';

// Every LevelDB iterator a request opens is closed when the request is answered. dynalite's
// own streams never closed theirs: each Query and Scan left one open for the life of the
// process (the runtime's memory grew by one per GET /api/jobs).
describe('LevelDB iterators of the DynamoDB engine', () => {
  const tmp = makeTempDir('ddb-iterators-');
  let store: Store;
  const open = new Set<object>();

  beforeAll(async () => {
    store = await openStore(`${tmp.dir}/leveldb`, 'us-east-1');
    // Count the iterators the store's streams open and close, through the handle they use.
    const level = store.db as unknown as Record<'keys' | 'values', (options?: unknown) => { close(): Promise<void> }>;
    for (const method of ['keys', 'values'] as const) {
      const original = level[method].bind(level);
      level[method] = (options) => {
        const iterator = original(options);
        open.add(iterator);
        const close = iterator.close.bind(iterator);
        iterator.close = async () => {
          open.delete(iterator);
          return close();
        };
        return iterator;
      };
    }
    const run = (operation: Parameters<typeof runEngineOperation>[1], body: Record<string, unknown>) => runEngineOperation(store, operation, body);
    await run('CreateTable', {
      TableName: 'jobs',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'id', AttributeType: 'S' },
        { AttributeName: 'owner', AttributeType: 'S' },
        { AttributeName: 'at', AttributeType: 'N' },
      ],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'by-owner',
          KeySchema: [
            { AttributeName: 'owner', KeyType: 'HASH' },
            { AttributeName: 'at', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
    await waitForTable(store, 'jobs', (table) => table?.TableStatus === 'ACTIVE');
    for (let i = 0; i < 30; i++) await run('PutItem', { TableName: 'jobs', Item: { id: { S: `j${i}` }, owner: { S: i % 3 ? 'a' : 'b' }, at: { N: String(i) } } });
  });
  afterAll(async () => {
    await store.db.close();
    tmp.remove();
  });

  it('are all closed once Query, Scan and ListTables have answered, whether they read to the end or stopped at their Limit', async () => {
    const requests: [Parameters<typeof runEngineOperation>[1], Record<string, unknown>][] = [
      ['Query', { TableName: 'jobs', IndexName: 'by-owner', KeyConditionExpression: '#o = :o', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': { S: 'a' } }, ScanIndexForward: false, Limit: 5 }],
      ['Query', { TableName: 'jobs', IndexName: 'by-owner', KeyConditionExpression: '#o = :o', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': { S: 'b' } } }],
      ['Query', { TableName: 'jobs', KeyConditionExpression: 'id = :id', ExpressionAttributeValues: { ':id': { S: 'j1' } } }],
      ['Scan', { TableName: 'jobs', Limit: 7 }],
      ['Scan', { TableName: 'jobs', FilterExpression: '#o = :o', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': { S: 'b' } } }],
      ['ListTables', {}],
    ];
    let opened = 0;
    for (let round = 0; round < 20; round++) {
      const answers = await Promise.all(requests.map(([operation, body]) => runEngineOperation(store, operation, body)));
      expect(answers[0]?.Count).toBe(5);
      opened += requests.length;
    }
    expect(opened).toBe(120);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(open.size).toBe(0);
  });
});
