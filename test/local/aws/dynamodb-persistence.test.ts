import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDynamoDbService } from '../../../local/aws/dynamodb/index.js';
import { openStore } from '../../../local/aws/dynamodb/engine.js';
import { createActiveTable, uniqueTableName } from './dynamodb/requests.js';
import { makeTempDir, startOurDynamoDb, REGION } from './dynamodb/servers.js';

const jobsTable = (TableName: string) => ({
  TableName,
  AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' as const }],
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }],
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** Rewrites a stored table record as a killed process could have left it. */
async function setStoredTableStatus(dataDir: string, tableName: string, status: 'CREATING' | 'DELETING'): Promise<void> {
  const store = await openStore(join(dataDir, 'leveldb'), REGION);
  const table = z.record(z.string(), z.unknown()).parse(await store.db.get(`table~${tableName}`));
  await store.db.put(`table~${tableName}`, { ...table, TableStatus: status });
  await store.db.close();
}

describe('DynamoDB persistence on our endpoint', () => {
  it('keeps tables, items and TTL settings across a clean restart', async () => {
    const tmp = makeTempDir('ddb-restart-');
    const credentials = { accessKeyId: 'AKIARESTARTRESTART12', secretAccessKey: 'r'.repeat(40) };
    const TableName = uniqueTableName('restart');
    try {
      const first = await startOurDynamoDb(tmp.dir, { credentials });
      await createActiveTable(first.client, jobsTable(TableName));
      for (let i = 0; i < 30; i++) await first.doc.send(new PutCommand({ TableName, Item: { id: `job-${i}`, n: i } }));
      await first.doc.send(new UpdateCommand({ TableName, Key: { id: 'job-0' }, UpdateExpression: 'SET done = :t', ExpressionAttributeValues: { ':t': true } }));
      await first.client.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } }));
      await first.doc.send(new PutCommand({ TableName, Item: { id: 'expired', ttl: Math.floor(Date.now() / 1000) - 60 } }));
      await first.close();

      const second = await startOurDynamoDb(tmp.dir, { credentials });
      try {
        const { Items } = await second.doc.send(new ScanCommand({ TableName }));
        expect(Items).toHaveLength(30);
        expect((await second.doc.send(new GetCommand({ TableName, Key: { id: 'job-0' } }))).Item).toEqual({ id: 'job-0', n: 0, done: true });
        expect((await second.doc.send(new GetCommand({ TableName, Key: { id: 'expired' } }))).Item).toBeUndefined();
      } finally {
        await second.close();
      }
    } finally {
      tmp.remove();
    }
  });

  it('finishes table changes a killed process left half done', async () => {
    const tmp = makeTempDir('ddb-recover-');
    const creating = uniqueTableName('creating');
    const deleting = uniqueTableName('deleting');
    try {
      const first = await startOurDynamoDb(tmp.dir);
      for (const name of [creating, deleting]) {
        await createActiveTable(first.client, jobsTable(name));
        await first.doc.send(new PutCommand({ TableName: name, Item: { id: 'kept?' } }));
      }
      await first.close();
      await setStoredTableStatus(tmp.dir, creating, 'CREATING');
      await setStoredTableStatus(tmp.dir, deleting, 'DELETING');

      const second = await startOurDynamoDb(tmp.dir);
      try {
        expect((await second.client.send(new DescribeTableCommand({ TableName: creating }))).Table?.TableStatus).toBe('ACTIVE');
        expect((await second.doc.send(new GetCommand({ TableName: creating, Key: { id: 'kept?' } }))).Item).toEqual({ id: 'kept?' });
        await expect(second.client.send(new DescribeTableCommand({ TableName: deleting }))).rejects.toMatchObject({
          name: 'ResourceNotFoundException',
        });
        await createActiveTable(second.client, jobsTable(deleting));
        expect((await second.doc.send(new ScanCommand({ TableName: deleting }))).Items).toEqual([]);
      } finally {
        await second.close();
      }
    } finally {
      tmp.remove();
    }
  });

  it('writes nothing outside its data directory, whatever the table name', async () => {
    const parent = makeTempDir('ddb-confined-');
    const dataDir = join(parent.dir, 'data');
    try {
      const ddb = await startOurDynamoDb(dataDir);
      try {
        for (const TableName of ['../escape', '..', '/tmp/abs', 'nul\u0000byte', '%2e%2e%2fescape', 'x'.repeat(300)]) {
          await expect(ddb.client.send(new CreateTableCommand({ ...jobsTable(TableName), BillingMode: 'PAY_PER_REQUEST' }))).rejects.toMatchObject({
            name: 'ValidationException',
          });
        }
        await createActiveTable(ddb.client, jobsTable('..dots..are.fine'));
        await ddb.doc.send(new PutCommand({ TableName: '..dots..are.fine', Item: { id: '../../x' } }));
      } finally {
        await ddb.close();
      }
      expect(readdirSync(parent.dir)).toEqual(['data']);
      for (const file of listFiles(dataDir)) expect(relative(dataDir, file)).toMatch(/^leveldb\/[A-Za-z0-9._-]+$/);
    } finally {
      parent.remove();
    }
  });

  it('refuses to open a data directory that another service holds, saying so', async () => {
    const tmp = makeTempDir('ddb-locked-');
    try {
      const holder = await createDynamoDbService({ dataDir: tmp.dir, region: REGION });
      try {
        await expect(createDynamoDbService({ dataDir: tmp.dir, region: REGION })).rejects.toThrow(/another process/);
      } finally {
        await holder.close();
      }
    } finally {
      tmp.remove();
    }
  });
});
