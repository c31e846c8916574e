import { BatchWriteCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createActiveTable, uniqueTableName } from '../requests.js';
import type { TargetRef } from './index.js';

const ITEMS = 60;
const sortKey = (n: number) => `item#${String(n).padStart(3, '0')}`;

/** Query: key conditions on hash and range keys, both directions, pages, filters, COUNT. */
export function defineQueryContract(target: TargetRef): void {
  describe('query', () => {
    const TableName = uniqueTableName('query');
    beforeAll(async () => {
      const { client, doc } = target();
      await createActiveTable(client, {
        TableName,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      });
      const items = [
        ...Array.from({ length: ITEMS }, (_, i) => ({ pk: 'user-1', sk: sortKey(i + 1), n: i + 1, even: (i + 1) % 2 === 0 })),
        ...Array.from({ length: 5 }, (_, i) => ({ pk: 'user-2', sk: sortKey(i + 1), n: 100 + i, even: false })),
      ];
      for (let start = 0; start < items.length; start += 25) {
        const chunk = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
        await doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: chunk } }));
      }
    });

    const query = (input: Omit<QueryCommandInput, 'TableName'>) => target().doc.send(new QueryCommand({ TableName, ...input }));
    const byUser = (user: string): Omit<QueryCommandInput, 'TableName'> => ({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': user },
    });
    const numbers = (items: Record<string, unknown>[] | undefined) => (items ?? []).map((item) => item.n);

    it('returns the items of one hash key in range-key order, forwards and backwards', async () => {
      const forwards = await query({ ...byUser('user-1'), ConsistentRead: true });
      expect(forwards.Count).toBe(ITEMS);
      expect(numbers(forwards.Items)).toEqual(Array.from({ length: ITEMS }, (_, i) => i + 1));
      const backwards = await query({ ...byUser('user-1'), ScanIndexForward: false });
      expect(numbers(backwards.Items)).toEqual(Array.from({ length: ITEMS }, (_, i) => ITEMS - i));
      expect(numbers((await query(byUser('user-2'))).Items)).toEqual([100, 101, 102, 103, 104]);
      expect((await query(byUser('nobody'))).Items).toEqual([]);
    });

    it.each([
      ['sk = :a', { ':a': sortKey(7) }, [7]],
      ['sk < :a', { ':a': sortKey(4) }, [1, 2, 3]],
      ['sk <= :a', { ':a': sortKey(3) }, [1, 2, 3]],
      ['sk > :a', { ':a': sortKey(57) }, [58, 59, 60]],
      ['sk >= :a', { ':a': sortKey(58) }, [58, 59, 60]],
      ['sk BETWEEN :a AND :b', { ':a': sortKey(10), ':b': sortKey(13) }, [10, 11, 12, 13]],
      ['begins_with(sk, :a)', { ':a': 'item#02' }, [20, 21, 22, 23, 24, 25, 26, 27, 28, 29]],
    ])('narrows the range key with `%s`', async (condition, values, expected) => {
      const answer = await query({
        KeyConditionExpression: `pk = :pk AND ${condition}`,
        ExpressionAttributeValues: { ':pk': 'user-1', ...values },
      });
      expect(numbers(answer.Items)).toEqual(expected);
    });

    it.each([true, false])('pages through all items with Limit and ExclusiveStartKey (forwards: %s)', async (forwards) => {
      const seen: unknown[] = [];
      let pages = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await query({ ...byUser('user-1'), Limit: 7, ScanIndexForward: forwards, ExclusiveStartKey: start });
        expect(page.Items!.length).toBeLessThanOrEqual(7);
        seen.push(...numbers(page.Items));
        start = page.LastEvaluatedKey;
        if (start) expect(Object.keys(start).sort()).toEqual(['pk', 'sk']);
        pages++;
      } while (start !== undefined);
      const expected = Array.from({ length: ITEMS }, (_, i) => i + 1);
      expect(seen).toEqual(forwards ? expected : expected.reverse());
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(ITEMS / 7));
    });

    it('applies Limit before FilterExpression, as DynamoDB does', async () => {
      const page = await query({
        ...byUser('user-1'),
        FilterExpression: 'even = :yes',
        ExpressionAttributeValues: { ':pk': 'user-1', ':yes': true },
        Limit: 10,
      });
      expect(page.ScannedCount).toBe(10);
      expect(page.Count).toBe(5);
      expect(numbers(page.Items)).toEqual([2, 4, 6, 8, 10]);
      expect(page.LastEvaluatedKey).toEqual({ pk: 'user-1', sk: sortKey(10) });
    });

    it('counts instead of returning items with Select COUNT', async () => {
      const all = await query({ ...byUser('user-1'), Select: 'COUNT' });
      expect(all.Count).toBe(ITEMS);
      expect(all.Items).toBeUndefined();
      const filtered = await query({
        ...byUser('user-1'),
        Select: 'COUNT',
        FilterExpression: 'n > :fifty',
        ExpressionAttributeValues: { ':pk': 'user-1', ':fifty': 50 },
      });
      expect(filtered).toMatchObject({ Count: 10, ScannedCount: ITEMS });
    });

    it('projects attributes with ProjectionExpression', async () => {
      const answer = await query({
        KeyConditionExpression: 'pk = :pk AND sk = :sk',
        ExpressionAttributeValues: { ':pk': 'user-1', ':sk': sortKey(1) },
        ProjectionExpression: 'n',
      });
      expect(answer.Items).toEqual([{ n: 1 }]);
    });

    it('refuses queries without an equality on the hash key or filtering on a key, with ValidationException', async () => {
      const invalid = { name: 'ValidationException', $metadata: { httpStatusCode: 400 } };
      await expect(query({ KeyConditionExpression: 'sk = :sk', ExpressionAttributeValues: { ':sk': 'x' } })).rejects.toMatchObject(invalid);
      await expect(query({ KeyConditionExpression: 'pk > :pk', ExpressionAttributeValues: { ':pk': 'x' } })).rejects.toMatchObject(invalid);
      await expect(
        query({ ...byUser('user-1'), FilterExpression: 'sk = :sk', ExpressionAttributeValues: { ':pk': 'user-1', ':sk': 'x' } }),
      ).rejects.toMatchObject(invalid);
      await expect(query({ ...byUser('user-1'), ExclusiveStartKey: { pk: 'user-2', sk: sortKey(1) } })).rejects.toMatchObject(invalid);
    });
  });
}
