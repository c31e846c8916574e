import { DescribeTimeToLiveCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveTable, uniqueTableName, waitFor } from './dynamodb/requests.js';
import { makeTempDir, startOurDynamoDb, type OurDynamoDbTarget } from './dynamodb/servers.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const SIX_YEARS = 6 * 365 * 24 * 3600;

describe('DynamoDB TTL on our endpoint', () => {
  const tmp = makeTempDir('ddb-ttl-');
  let ddb: OurDynamoDbTarget;
  beforeAll(async () => {
    // A sweep interval long enough that only the tests' own sweeps delete anything.
    ddb = await startOurDynamoDb(tmp.dir, { ttlSweepIntervalMs: 3_600_000 });
  });
  afterAll(async () => {
    await ddb.close();
    tmp.remove();
  });

  async function createJobsTable(options: { withIndexes?: boolean } = {}): Promise<string> {
    const TableName = uniqueTableName('ttl');
    await createActiveTable(ddb.client, {
      TableName,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
        ...(options.withIndexes ? [{ AttributeName: 'state', AttributeType: 'S' as const }] : []),
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      ...(options.withIndexes
        ? {
            GlobalSecondaryIndexes: [
              {
                IndexName: 'by-state',
                KeySchema: [{ AttributeName: 'state', KeyType: 'HASH' }],
                Projection: { ProjectionType: 'KEYS_ONLY' },
              },
            ],
            LocalSecondaryIndexes: [
              {
                IndexName: 'by-state-local',
                KeySchema: [
                  { AttributeName: 'pk', KeyType: 'HASH' },
                  { AttributeName: 'state', KeyType: 'RANGE' },
                ],
                Projection: { ProjectionType: 'KEYS_ONLY' },
              },
            ],
          }
        : {}),
    });
    return TableName;
  }
  const setTtl = (TableName: string, Enabled: boolean, AttributeName = 'expires') =>
    ddb.client.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName, Enabled } }));
  const describeTtl = async (TableName: string) =>
    (await ddb.client.send(new DescribeTimeToLiveCommand({ TableName }))).TimeToLiveDescription;

  it('describes TTL as DISABLED until it is enabled on an attribute, and again once disabled', async () => {
    const table = await createJobsTable();
    expect(await describeTtl(table)).toEqual({ TimeToLiveStatus: 'DISABLED' });
    expect((await setTtl(table, true)).TimeToLiveSpecification).toEqual({ AttributeName: 'expires', Enabled: true });
    expect(await describeTtl(table)).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expires' });
    expect((await setTtl(table, false)).TimeToLiveSpecification).toEqual({ AttributeName: 'expires', Enabled: false });
    expect(await describeTtl(table)).toEqual({ TimeToLiveStatus: 'DISABLED' });
  });

  it('refuses redundant or conflicting TTL changes and unknown tables with DynamoDB error types', async () => {
    const table = await createJobsTable();
    const invalid = { name: 'ValidationException', $metadata: { httpStatusCode: 400 } };
    await expect(setTtl(table, false)).rejects.toMatchObject({ ...invalid, message: 'TimeToLive is already disabled' });
    await setTtl(table, true);
    await expect(setTtl(table, true)).rejects.toMatchObject({ ...invalid, message: 'TimeToLive is already enabled' });
    await expect(setTtl(table, true, 'other')).rejects.toMatchObject(invalid);
    await expect(setTtl(uniqueTableName('none'), true)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(describeTtl(uniqueTableName('none'))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(setTtl('../bad', true)).rejects.toMatchObject(invalid);
    await expect(
      ddb.client.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: '', Enabled: true } })),
    ).rejects.toMatchObject(invalid);
  });

  it('stops returning items past their TTL from GetItem, Query, Scan and BatchGetItem', async () => {
    const table = await createJobsTable();
    const items = [
      { pk: 'job', sk: 1, expires: nowSeconds() - 60, what: 'expired' },
      { pk: 'job', sk: 2, expires: nowSeconds() + 3600, what: 'live' },
      { pk: 'job', sk: 3, what: 'no TTL attribute' },
      { pk: 'job', sk: 4, expires: String(nowSeconds() - 60), what: 'TTL is a string, so never expires' },
      { pk: 'job', sk: 5, expires: nowSeconds() - SIX_YEARS, what: 'more than five years past, ignored like DynamoDB' },
    ];
    for (const Item of items) await ddb.doc.send(new PutCommand({ TableName: table, Item }));
    const visible = [2, 3, 4, 5];
    const get = async (sk: number) => (await ddb.doc.send(new GetCommand({ TableName: table, Key: { pk: 'job', sk } }))).Item;
    expect(await get(1)).toBeDefined(); // TTL not enabled yet

    await setTtl(table, true);
    expect(await get(1)).toBeUndefined();
    expect(await get(2)).toMatchObject({ what: 'live' });
    const query = await ddb.doc.send(
      new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'job' } }),
    );
    expect(query.Items!.map((item) => item.sk)).toEqual(visible);
    const counted = await ddb.doc.send(
      new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'job' }, Select: 'COUNT' }),
    );
    expect(counted.Count).toBe(visible.length);
    const scan = await ddb.doc.send(new ScanCommand({ TableName: table, ProjectionExpression: 'sk' }));
    expect(scan.Items!.map((item) => item.sk).sort()).toEqual(visible);
    const batch = await ddb.doc.send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: items.map(({ pk, sk }) => ({ pk, sk })) } } }),
    );
    expect(batch.Responses![table]!.map((item) => item.sk).sort()).toEqual(visible);
  });

  it('fills each Query page with live items so that paging skips expired ones without ending early', async () => {
    const table = await createJobsTable();
    for (let sk = 1; sk <= 20; sk++) {
      const expires = sk % 2 === 0 ? nowSeconds() + 3600 : nowSeconds() - 60;
      await ddb.doc.send(new PutCommand({ TableName: table, Item: { pk: 'p', sk, expires } }));
    }
    await setTtl(table, true);
    const seen: number[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await ddb.doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'p' },
          Limit: 3,
          ScanIndexForward: false,
          ExclusiveStartKey: start,
        }),
      );
      expect(page.Items!.length).toBeLessThanOrEqual(3);
      seen.push(...page.Items!.map((item) => Number(item.sk)));
      start = page.LastEvaluatedKey;
    } while (start);
    expect(seen).toEqual([20, 18, 16, 14, 12, 10, 8, 6, 4, 2]);
  });

  it('treats an item past its TTL as absent for conditions and updates', async () => {
    const table = await createJobsTable();
    await setTtl(table, true);
    await ddb.doc.send(new PutCommand({ TableName: table, Item: { pk: 'claim', sk: 1, hits: 41, expires: nowSeconds() - 60 } }));
    await ddb.doc.send(
      new PutCommand({ TableName: table, Item: { pk: 'claim', sk: 1, owner: 'new' }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    await ddb.doc.send(new PutCommand({ TableName: table, Item: { pk: 'claim', sk: 2, hits: 41, expires: nowSeconds() - 60 } }));
    const updated = await ddb.doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: 'claim', sk: 2 },
        UpdateExpression: 'ADD hits :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(updated.Attributes).toEqual({ pk: 'claim', sk: 2, hits: 1 });
  });

  it('hides expired items in indexes that do not project the TTL attribute, and leaves no stale entry when one is overwritten', async () => {
    const table = await createJobsTable({ withIndexes: true });
    await setTtl(table, true);
    await ddb.doc.send(new PutCommand({ TableName: table, Item: { pk: 'i', sk: 1, state: 'old', expires: nowSeconds() - 60 } }));
    await ddb.doc.send(new PutCommand({ TableName: table, Item: { pk: 'i', sk: 2, state: 'old', expires: nowSeconds() + 3600 } }));
    const byState = async (state: string) =>
      (
        await ddb.doc.send(
          new QueryCommand({
            TableName: table,
            IndexName: 'by-state',
            KeyConditionExpression: '#s = :s',
            ExpressionAttributeNames: { '#s': 'state' },
            ExpressionAttributeValues: { ':s': state },
          }),
        )
      ).Items!.map((item) => item.sk);
    expect(await byState('old')).toEqual([2]);
    const local = await ddb.doc.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'by-state-local',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'i' },
        Select: 'ALL_ATTRIBUTES',
      }),
    );
    expect(local.Items!.map((item) => item.sk)).toEqual([2]);

    // Overwrite the hidden item with another index key, then show everything TTL hides:
    // the old index entry must be gone, not merely hidden.
    await ddb.doc.send(new PutCommand({ TableName: table, Item: { pk: 'i', sk: 1, state: 'new' } }));
    await setTtl(table, false);
    expect(await byState('old')).toEqual([2]);
    expect(await byState('new')).toEqual([1]);
  });

  it('deletes expired items for good in the sweep, while disabling TTL before it brings them back', async () => {
    const swept = await createJobsTable({ withIndexes: true });
    const kept = await createJobsTable();
    for (const table of [swept, kept]) {
      await ddb.doc.send(new PutCommand({ TableName: table, Item: { pk: 's', sk: 1, state: 'x', expires: nowSeconds() - 60 } }));
      await ddb.doc.send(new PutCommand({ TableName: table, Item: { pk: 's', sk: 2, state: 'x', expires: nowSeconds() + 3600 } }));
      await setTtl(table, true);
    }
    await setTtl(kept, false);
    expect(await ddb.service.sweepExpiredItems()).toBeGreaterThanOrEqual(1);
    await setTtl(swept, false);
    const scanKeys = async (TableName: string, IndexName?: string) =>
      (await ddb.doc.send(new ScanCommand({ TableName, ...(IndexName ? { IndexName } : {}) }))).Items!.map((i) => i.sk).sort();
    expect(await scanKeys(swept)).toEqual([2]);
    expect(await scanKeys(swept, 'by-state')).toEqual([2]);
    expect(await scanKeys(swept, 'by-state-local')).toEqual([2]);
    expect(await scanKeys(kept)).toEqual([1, 2]);
  });

  it('sweeps on its own timer', async () => {
    const dir = makeTempDir('ddb-ttl-timer-');
    const fast = await startOurDynamoDb(dir.dir, { ttlSweepIntervalMs: 50 });
    try {
      const table = uniqueTableName('timer');
      await createActiveTable(fast.client, {
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      });
      await fast.client.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } }));
      await fast.doc.send(new PutCommand({ TableName: table, Item: { id: 'soon', ttl: nowSeconds() + 1 } }));
      expect((await fast.doc.send(new GetCommand({ TableName: table, Key: { id: 'soon' } }))).Item).toBeDefined();
      await waitFor(isGone, 'the timer to delete the item', 10_000);
      async function isGone(): Promise<boolean> {
        // Gone from storage, not merely hidden: with TTL disabled, a hidden item would reappear.
        await fast.client.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: false } }));
        const item = (await fast.doc.send(new GetCommand({ TableName: table, Key: { id: 'soon' } }))).Item;
        await fast.client.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } }));
        return item === undefined;
      }
    } finally {
      await fast.close();
      dir.remove();
    }
  });
});
