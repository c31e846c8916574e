import { BatchGetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createActiveTable, uniqueTableName } from './dynamodb/requests.js';
import { connectClients, makeTempDir } from './dynamodb/servers.js';
import { spawnEndpoint } from './dynamodb/spawn.js';

describe('DynamoDB durability of our endpoint', () => {
  it('loses no acknowledged write when its process is killed with SIGKILL mid-traffic', { timeout: 120_000 }, async () => {
    const tmp = makeTempDir('ddb-kill-');
    const TableName = uniqueTableName('kill');
    try {
      const first = await spawnEndpoint('ours', tmp.dir);
      const before = connectClients(first.url, first.credentials);
      await createActiveTable(before.client, {
        TableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      });

      // Eight writers put items and bump a counter until 400 writes have been acknowledged,
      // then the process is killed while their next requests are still in flight.
      const acknowledged = new Map<string, number>();
      let increments = 0;
      let attempted = 0;
      let killed = false;
      const writer = async (worker: number) => {
        for (let i = 0; !killed; i++) {
          const id = `w${worker}-${i}`;
          attempted++;
          try {
            await before.doc.send(new PutCommand({ TableName, Item: { id, worker, i, payload: 'p'.repeat(100 + i) } }));
            acknowledged.set(id, i);
            await before.doc.send(
              new UpdateCommand({ TableName, Key: { id: 'counter' }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } }),
            );
            increments++;
          } catch {
            return; // the connection died with the process
          }
          if (acknowledged.size >= 400 && !killed) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, (_, worker) => writer(worker)));
      await first.stop();
      before.client.destroy();
      expect(first.child.signalCode).toBe('SIGKILL');
      expect(acknowledged.size).toBeGreaterThanOrEqual(400);

      const second = await spawnEndpoint('ours', tmp.dir);
      const after = connectClients(second.url, second.credentials);
      try {
        const ids = [...acknowledged.keys()];
        const found = new Map<string, Record<string, unknown>>();
        for (let start = 0; start < ids.length; start += 100) {
          const keys = ids.slice(start, start + 100).map((id) => ({ id }));
          const answer = await after.doc.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: keys, ConsistentRead: true } } }));
          expect(answer.UnprocessedKeys).toEqual({});
          for (const item of answer.Responses?.[TableName] ?? []) found.set(String(item.id), item);
        }
        const missing = ids.filter((id) => !found.has(id));
        expect(missing).toEqual([]);
        for (const [id, i] of acknowledged) expect(found.get(id)).toMatchObject({ i, payload: 'p'.repeat(100 + i) });

        const counter = await after.doc.send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: [{ id: 'counter' }] } } }));
        const n = Number(counter.Responses?.[TableName]?.[0]?.n);
        expect(n).toBeGreaterThanOrEqual(increments);
        expect(n).toBeLessThanOrEqual(attempted);

        await after.doc.send(new PutCommand({ TableName, Item: { id: 'after-restart' } }));
      } finally {
        after.client.destroy();
        await second.stop();
      }
    } finally {
      tmp.remove();
    }
  });
});
