import { DeleteItemCommand, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createActiveTable, uniqueTableName } from '../requests.js';
import type { TargetRef } from './index.js';

/** Sorts the members of string/number/binary sets, whose order DynamoDB does not keep. */
function normalizeSets(value: AttributeValue): unknown {
  if (value.SS) return { SS: [...value.SS].sort() };
  if (value.NS) return { NS: [...value.NS].sort() };
  if (value.BS) return { BS: value.BS.map((b) => Buffer.from(b).toString('hex')).sort() };
  if (value.B) return { B: Buffer.from(value.B).toString('hex') };
  if (value.L) return { L: value.L.map(normalizeSets) };
  if (value.M) return { M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, normalizeSets(v)])) };
  return value;
}

/** PutItem, GetItem and DeleteItem: types, projections, return values, key validation. */
export function defineItemContract(target: TargetRef): void {
  describe('items', () => {
    const TableName = uniqueTableName('items');
    beforeAll(async () => {
      await createActiveTable(target().client, {
        TableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      });
    });

    it('stores and returns every attribute type unchanged', async () => {
      const { client } = target();
      const item: Record<string, AttributeValue> = {
        id: { S: 'types' },
        text: { S: 'héllo wörld ✓' },
        int: { N: '42' },
        negative: { N: '-7.25' },
        big: { N: '12345678901234567890123456789012345678' },
        bytes: { B: Uint8Array.from([0, 1, 2, 254, 255]) },
        yes: { BOOL: true },
        nothing: { NULL: true },
        list: { L: [{ S: 'a' }, { N: '1' }, { L: [{ BOOL: false }] }] },
        map: { M: { nested: { M: { deep: { S: 'x' } } }, n: { N: '3' } } },
        strings: { SS: ['b', 'a', 'c'] },
        numbers: { NS: ['3', '1', '2.5'] },
        blobs: { BS: [Uint8Array.from([1]), Uint8Array.from([2, 3])] },
      };
      await client.send(new PutItemCommand({ TableName, Item: item }));
      const { Item } = await client.send(new GetItemCommand({ TableName, Key: { id: { S: 'types' } }, ConsistentRead: true }));
      expect(Item).toBeDefined();
      const normalize = (record: Record<string, AttributeValue>) =>
        Object.fromEntries(Object.entries(record).map(([k, v]) => [k, normalizeSets(v)]));
      expect(normalize(Item!)).toEqual(normalize(item));
    });

    it('returns no Item for a key that does not exist', async () => {
      const { client } = target();
      const answer = await client.send(new GetItemCommand({ TableName, Key: { id: { S: 'nobody' } } }));
      expect(answer.Item).toBeUndefined();
    });

    it('projects top-level and nested attributes with ProjectionExpression', async () => {
      const { doc } = target();
      await doc.send(
        new PutCommand({
          TableName,
          Item: { id: 'projected', name: 'job', info: { tags: ['x', 'y', 'z'], owner: { login: 'ada' } }, extra: 1 },
        }),
      );
      const { Item } = await doc.send(
        new GetCommand({
          TableName,
          Key: { id: 'projected' },
          ProjectionExpression: '#n, info.tags[1], info.#o.login',
          ExpressionAttributeNames: { '#n': 'name', '#o': 'owner' },
        }),
      );
      expect(Item).toEqual({ name: 'job', info: { tags: ['y'], owner: { login: 'ada' } } });
    });

    it('returns the replaced item with ReturnValues ALL_OLD, and nothing for a new one', async () => {
      const { doc } = target();
      const first = await doc.send(new PutCommand({ TableName, Item: { id: 'old', v: 1 }, ReturnValues: 'ALL_OLD' }));
      expect(first.Attributes).toBeUndefined();
      const second = await doc.send(new PutCommand({ TableName, Item: { id: 'old', v: 2 }, ReturnValues: 'ALL_OLD' }));
      expect(second.Attributes).toEqual({ id: 'old', v: 1 });
      const { Item } = await doc.send(new GetCommand({ TableName, Key: { id: 'old' } }));
      expect(Item).toEqual({ id: 'old', v: 2 });
    });

    it('deletes an item, returning it with ReturnValues ALL_OLD', async () => {
      const { doc } = target();
      await doc.send(new PutCommand({ TableName, Item: { id: 'gone', v: 'x' } }));
      const deleted = await doc.send(new DeleteCommand({ TableName, Key: { id: 'gone' }, ReturnValues: 'ALL_OLD' }));
      expect(deleted.Attributes).toEqual({ id: 'gone', v: 'x' });
      expect((await doc.send(new GetCommand({ TableName, Key: { id: 'gone' } }))).Item).toBeUndefined();
      const again = await doc.send(new DeleteCommand({ TableName, Key: { id: 'gone' }, ReturnValues: 'ALL_OLD' }));
      expect(again.Attributes).toBeUndefined();
    });

    it('refuses keys that do not match the schema with ValidationException', async () => {
      const { client } = target();
      const invalid = { name: 'ValidationException', $metadata: { httpStatusCode: 400 } };
      await expect(client.send(new GetItemCommand({ TableName, Key: { id: { N: '1' } } }))).rejects.toMatchObject(invalid);
      await expect(client.send(new GetItemCommand({ TableName, Key: { other: { S: 'a' } } }))).rejects.toMatchObject(invalid);
      await expect(client.send(new PutItemCommand({ TableName, Item: { v: { S: 'no key' } } }))).rejects.toMatchObject(invalid);
      await expect(client.send(new DeleteItemCommand({ TableName, Key: { id: { S: 'a' }, extra: { S: 'b' } } }))).rejects.toMatchObject(invalid);
      await expect(client.send(new PutItemCommand({ TableName, Item: { id: { S: '' } } }))).rejects.toMatchObject(invalid);
    });

    it('refuses an item over 400 KB with ValidationException', async () => {
      const { client } = target();
      await expect(
        client.send(new PutItemCommand({ TableName, Item: { id: { S: 'huge' }, blob: { S: 'x'.repeat(410 * 1024) } } })),
      ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('Item size has exceeded') });
    });
  });
}
