import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createActiveTable, uniqueTableName } from '../requests.js';
import type { TargetRef } from './index.js';

const ITEM = {
  id: 'cond',
  state: 'running',
  size: 10,
  name: 'job-alpha',
  tags: new Set(['a', 'b']),
  steps: [1, 2, 3],
  nested: { x: 1, label: 'inner' },
  nothing: null,
};

const NAMES = {
  '#id': 'id',
  '#state': 'state',
  '#size': 'size',
  '#name': 'name',
  '#tags': 'tags',
  '#steps': 'steps',
  '#nested': 'nested',
  '#nothing': 'nothing',
  '#missing': 'missing',
};

// [expression, values, whether it holds for ITEM]
const CASES: [string, Record<string, NativeAttributeValue>, boolean][] = [
  ['attribute_exists(#state)', {}, true],
  ['attribute_exists(#missing)', {}, false],
  ['attribute_not_exists(#missing)', {}, true],
  ['attribute_not_exists(#id)', {}, false],
  ['attribute_type(#size, :n)', { ':n': 'N' }, true],
  ['attribute_type(#size, :s)', { ':s': 'S' }, false],
  ['attribute_type(#tags, :ss)', { ':ss': 'SS' }, true],
  ['attribute_type(#nothing, :null)', { ':null': 'NULL' }, true],
  ['#size = :ten', { ':ten': 10 }, true],
  ['#size <> :ten', { ':ten': 10 }, false],
  ['#size < :five', { ':five': 5 }, false],
  ['#size <= :ten', { ':ten': 10 }, true],
  ['#size > :five', { ':five': 5 }, true],
  ['#size >= :eleven', { ':eleven': 11 }, false],
  ['#size BETWEEN :five AND :ten', { ':five': 5, ':ten': 10 }, true],
  ['#size BETWEEN :eleven AND :twenty', { ':eleven': 11, ':twenty': 20 }, false],
  ['#state IN (:done, :running)', { ':done': 'done', ':running': 'running' }, true],
  ['#state IN (:done, :failed)', { ':done': 'done', ':failed': 'failed' }, false],
  ['begins_with(#name, :prefix)', { ':prefix': 'job-' }, true],
  ['begins_with(#name, :prefix)', { ':prefix': 'alpha' }, false],
  ['contains(#name, :part)', { ':part': 'alp' }, true],
  ['contains(#tags, :member)', { ':member': 'b' }, true],
  ['contains(#tags, :member)', { ':member': 'z' }, false],
  ['contains(#steps, :two)', { ':two': 2 }, true],
  ['size(#name) = :nine', { ':nine': 9 }, true],
  ['size(#tags) = :two', { ':two': 2 }, true],
  ['size(#steps) > :three', { ':three': 3 }, false],
  ['#nested.x = :one AND #nested.label = :inner', { ':one': 1, ':inner': 'inner' }, true],
  ['#steps[1] = :two', { ':two': 2 }, true],
  ['NOT #state = :running', { ':running': 'running' }, false],
  ['NOT (#state = :done)', { ':done': 'done' }, true],
  ['#size > :five AND #state = :done', { ':five': 5, ':done': 'done' }, false],
  ['#size > :five OR #state = :done', { ':five': 5, ':done': 'done' }, true],
  ['(#state = :done OR #size < :five) AND attribute_exists(#id)', { ':done': 'done', ':five': 5 }, false],
  ['#state = :done OR (#size < :eleven AND NOT attribute_exists(#missing))', { ':done': 'done', ':eleven': 11 }, true],
];

/** ConditionExpression on writes, and the claim-once pattern under concurrency. */
export function defineConditionContract(target: TargetRef): void {
  describe('conditional writes', () => {
    const TableName = uniqueTableName('cond');
    beforeAll(async () => {
      await createActiveTable(target().client, {
        TableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      });
      await target().doc.send(new PutCommand({ TableName, Item: ITEM }));
    });

    it.each(CASES)('evaluates `%s` %j as %s', async (expression, values, holds) => {
      const { doc } = target();
      const used = Object.fromEntries(Object.entries(NAMES).filter(([placeholder]) => expression.includes(placeholder)));
      const put = doc.send(
        new PutCommand({
          TableName,
          Item: ITEM,
          ConditionExpression: expression,
          ExpressionAttributeNames: used,
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      if (holds) await expect(put).resolves.toBeDefined();
      else {
        await expect(put).rejects.toMatchObject({
          name: 'ConditionalCheckFailedException',
          message: 'The conditional request failed',
          $metadata: { httpStatusCode: 400 },
        });
      }
    });

    it('lets exactly one of 20 concurrent claims of the same key succeed', async () => {
      const { client } = target();
      const uid = `claim-${Date.now()}`;
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, attempt) =>
          client.send(
            new PutItemCommand({
              TableName,
              Item: { id: { S: uid }, attempt: { N: String(attempt) } },
              ConditionExpression: 'attribute_not_exists(id)',
            }),
          ),
        ),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(19);
      for (const loss of lost) expect(loss.reason).toMatchObject({ name: 'ConditionalCheckFailedException' });
      const winner = results.findIndex((r) => r.status === 'fulfilled');
      const { Item } = await target().doc.send(new GetCommand({ TableName, Key: { id: uid }, ConsistentRead: true }));
      expect(Item).toEqual({ id: uid, attempt: winner });
    });

    it('refuses malformed expressions with ValidationException', async () => {
      const { doc } = target();
      const attempt = (input: { ConditionExpression: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, NativeAttributeValue> }) =>
        doc.send(new PutCommand({ TableName, Item: { id: 'malformed' }, ...input }));
      const invalid = { name: 'ValidationException', $metadata: { httpStatusCode: 400 } };
      await expect(attempt({ ConditionExpression: 'attribute_exists(' })).rejects.toMatchObject(invalid);
      await expect(attempt({ ConditionExpression: 'status = :s', ExpressionAttributeValues: { ':s': 'x' } })).rejects.toMatchObject({
        ...invalid,
        message: expect.stringContaining('reserved keyword'),
      });
      await expect(attempt({ ConditionExpression: 'v = :missing' })).rejects.toMatchObject(invalid);
      await expect(
        attempt({ ConditionExpression: 'attribute_exists(v)', ExpressionAttributeValues: { ':unused': 1 } }),
      ).rejects.toMatchObject(invalid);
      await expect(
        attempt({ ConditionExpression: 'attribute_exists(v)', ExpressionAttributeNames: { '#unused': 'x' } }),
      ).rejects.toMatchObject(invalid);
    });
  });
}
