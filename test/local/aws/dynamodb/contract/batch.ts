import { BatchGetItemCommand, BatchWriteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createActiveTable, uniqueTableName } from '../requests.js';
import type { TargetRef } from './index.js';

/** BatchWriteItem and BatchGetItem, including the shape of their Unprocessed* answers. */
export function defineBatchContract(target: TargetRef): void {
  describe('batch operations', () => {
    const TableName = uniqueTableName('batch');
    const Other = uniqueTableName('batch2');
    beforeAll(async () => {
      for (const name of [TableName, Other]) {
        await createActiveTable(target().client, {
          TableName: name,
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        });
      }
    });

    it('writes 25 items in one BatchWriteItem and reads them back with BatchGetItem across two tables', async () => {
      const { doc } = target();
      const written = await doc.send(
        new BatchWriteCommand({
          RequestItems: {
            [TableName]: Array.from({ length: 20 }, (_, i) => ({ PutRequest: { Item: { id: `k${i}`, n: i } } })),
            [Other]: Array.from({ length: 5 }, (_, i) => ({ PutRequest: { Item: { id: `o${i}`, n: -i } } })),
          },
        }),
      );
      expect(written.UnprocessedItems).toEqual({});

      const read = await doc.send(
        new BatchGetCommand({
          RequestItems: {
            [TableName]: { Keys: [...Array.from({ length: 20 }, (_, i) => ({ id: `k${i}` })), { id: 'absent' }], ConsistentRead: true },
            [Other]: { Keys: [{ id: 'o1' }, { id: 'o4' }], ProjectionExpression: 'n' },
          },
        }),
      );
      expect(read.UnprocessedKeys).toEqual({});
      const got = read.Responses![TableName]!.map((item) => item.n as number).sort((a, b) => a - b);
      expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(read.Responses![Other]!.map((item) => item.n).sort()).toEqual([-1, -4].sort());
      for (const item of read.Responses![Other]!) expect(Object.keys(item)).toEqual(['n']);
    });

    it('mixes puts and deletes in one BatchWriteItem', async () => {
      const { doc } = target();
      await doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: [{ PutRequest: { Item: { id: 'mix-a' } } }, { PutRequest: { Item: { id: 'mix-b' } } }] } }));
      const answer = await doc.send(
        new BatchWriteCommand({
          RequestItems: { [TableName]: [{ DeleteRequest: { Key: { id: 'mix-a' } } }, { PutRequest: { Item: { id: 'mix-c', v: 1 } } }] },
        }),
      );
      expect(answer.UnprocessedItems).toEqual({});
      expect((await doc.send(new GetCommand({ TableName, Key: { id: 'mix-a' } }))).Item).toBeUndefined();
      expect((await doc.send(new GetCommand({ TableName, Key: { id: 'mix-b' } }))).Item).toEqual({ id: 'mix-b' });
      expect((await doc.send(new GetCommand({ TableName, Key: { id: 'mix-c' } }))).Item).toEqual({ id: 'mix-c', v: 1 });
    });

    it('refuses oversized and duplicate batches with ValidationException', async () => {
      const { client } = target();
      const invalid = { name: 'ValidationException', $metadata: { httpStatusCode: 400 } };
      await expect(
        client.send(
          new BatchWriteItemCommand({
            RequestItems: { [TableName]: Array.from({ length: 26 }, (_, i) => ({ PutRequest: { Item: { id: { S: `x${i}` } } } })) },
          }),
        ),
      ).rejects.toMatchObject(invalid);
      await expect(
        client.send(
          new BatchGetItemCommand({ RequestItems: { [TableName]: { Keys: Array.from({ length: 101 }, (_, i) => ({ id: { S: `x${i}` } })) } } }),
        ),
      ).rejects.toMatchObject(invalid);
      await expect(
        client.send(new BatchGetItemCommand({ RequestItems: { [TableName]: { Keys: [{ id: { S: 'same' } }, { id: { S: 'same' } }] } } })),
      ).rejects.toMatchObject({ ...invalid, message: expect.stringContaining('duplicates') });
      await expect(
        client.send(
          new BatchWriteItemCommand({
            RequestItems: { [TableName]: [{ PutRequest: { Item: { id: { S: 'twice' } } } }, { DeleteRequest: { Key: { id: { S: 'twice' } } } }] },
          }),
        ),
      ).rejects.toMatchObject({ ...invalid, message: expect.stringContaining('duplicates') });
    });

    it('returns what does not fit in one answer as UnprocessedKeys, to be asked for again', { timeout: 60_000 }, async () => {
      const { client } = target();
      const big = 'b'.repeat(350 * 1024);
      const ids = Array.from({ length: 50 }, (_, i) => `big-${i}`);
      for (const id of ids) await client.send(new PutItemCommand({ TableName: Other, Item: { id: { S: id }, big: { S: big } } }));

      const first = await client.send(
        new BatchGetItemCommand({ RequestItems: { [Other]: { Keys: ids.map((id) => ({ id: { S: id } })), ConsistentRead: true } } }),
      );
      const unprocessed = first.UnprocessedKeys?.[Other];
      expect(unprocessed?.Keys?.length).toBeGreaterThan(0);
      expect(unprocessed).toMatchObject({ ConsistentRead: true });
      const received = new Set((first.Responses?.[Other] ?? []).map((item) => item.id?.S));
      for (const key of unprocessed!.Keys!) expect(received.has(key.id?.S)).toBe(false);

      let pending = first.UnprocessedKeys;
      for (let round = 0; pending && Object.keys(pending).length > 0; round++) {
        expect(round).toBeLessThan(100);
        const next = await client.send(new BatchGetItemCommand({ RequestItems: pending }));
        for (const item of next.Responses?.[Other] ?? []) received.add(item.id?.S);
        pending = next.UnprocessedKeys;
      }
      expect([...received].sort()).toEqual([...ids].sort());
    });

    it('answers a batch naming a missing table with ResourceNotFoundException', async () => {
      const { client } = target();
      await expect(
        client.send(new BatchGetItemCommand({ RequestItems: { [uniqueTableName('nope')]: { Keys: [{ id: { S: 'a' } }] } } })),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });
  });
}
