import { BatchWriteCommand, ScanCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createActiveTable, uniqueTableName } from '../requests.js';
import type { TargetRef } from './index.js';

const ITEMS = 60;

/** Scan: filters, projections, Limit and pagination with ExclusiveStartKey, COUNT. */
export function defineScanContract(target: TargetRef): void {
  describe('scan', () => {
    const TableName = uniqueTableName('scan');
    beforeAll(async () => {
      const { client, doc } = target();
      await createActiveTable(client, {
        TableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      });
      const items = Array.from({ length: ITEMS }, (_, i) => ({ id: `job-${i + 1}`, n: i + 1, state: i % 3 === 0 ? 'failed' : 'done', log: 'x' }));
      for (let start = 0; start < items.length; start += 25) {
        const chunk = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
        await doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: chunk } }));
      }
    });
    const scan = (input: Omit<ScanCommandInput, 'TableName'> = {}) => target().doc.send(new ScanCommand({ TableName, ...input }));

    it('returns every item of the table', async () => {
      const answer = await scan({ ConsistentRead: true });
      expect(answer.Count).toBe(ITEMS);
      expect(answer.ScannedCount).toBe(ITEMS);
      expect(new Set(answer.Items!.map((item) => item.n))).toEqual(new Set(Array.from({ length: ITEMS }, (_, i) => i + 1)));
      expect(answer.LastEvaluatedKey).toBeUndefined();
    });

    it('pages through a filtered scan with Limit and ExclusiveStartKey, seeing each match once', async () => {
      const matches: number[] = [];
      let scanned = 0;
      let start: Record<string, unknown> | undefined;
      let pages = 0;
      do {
        const page = await scan({
          FilterExpression: 'n >= :thirty AND #s = :done',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':thirty': 30, ':done': 'done' },
          Limit: 8,
          ExclusiveStartKey: start,
        });
        expect(page.ScannedCount).toBeLessThanOrEqual(8);
        expect(page.Count).toBe(page.Items!.length);
        matches.push(...page.Items!.map((item) => Number(item.n)));
        scanned += page.ScannedCount ?? 0;
        start = page.LastEvaluatedKey;
        if (start) expect(Object.keys(start)).toEqual(['id']);
        pages++;
      } while (start !== undefined);
      const expected = Array.from({ length: ITEMS }, (_, i) => i + 1).filter((n) => n >= 30 && (n - 1) % 3 !== 0);
      expect(matches.sort((a, b) => a - b)).toEqual(expected);
      expect(scanned).toBe(ITEMS);
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(ITEMS / 8));
    });

    it('returns only the projected attributes with ProjectionExpression', async () => {
      const answer = await scan({ ProjectionExpression: 'id, #s', ExpressionAttributeNames: { '#s': 'state' }, Limit: 5 });
      expect(answer.Items).toHaveLength(5);
      for (const item of answer.Items!) expect(Object.keys(item).sort()).toEqual(['id', 'state']);
    });

    it('counts the matches with Select COUNT', async () => {
      const answer = await scan({
        Select: 'COUNT',
        FilterExpression: '#s = :failed',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':failed': 'failed' },
      });
      expect(answer).toMatchObject({ Count: ITEMS / 3, ScannedCount: ITEMS });
      expect(answer.Items).toBeUndefined();
    });

    it('refuses a FilterExpression with a syntax error with ValidationException', async () => {
      await expect(scan({ FilterExpression: 'n >>= :x', ExpressionAttributeValues: { ':x': 1 } })).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringContaining('Invalid FilterExpression'),
      });
    });
  });
}
