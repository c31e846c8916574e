import { GetCommand, PutCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createActiveTable, uniqueTableName } from '../requests.js';
import type { TargetRef } from './index.js';

type UpdateInput = Omit<UpdateCommandInput, 'TableName' | 'Key'>;

/** UpdateItem: SET (functions, arithmetic), REMOVE, ADD, DELETE, ReturnValues, atomic counters. */
export function defineUpdateContract(target: TargetRef): void {
  describe('updates', () => {
    const TableName = uniqueTableName('upd');
    beforeAll(async () => {
      await createActiveTable(target().client, {
        TableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      });
    });
    const update = (id: string, input: UpdateInput) => target().doc.send(new UpdateCommand({ TableName, Key: { id }, ...input }));
    const read = async (id: string) => (await target().doc.send(new GetCommand({ TableName, Key: { id }, ConsistentRead: true }))).Item;

    it('creates the item when it does not exist and counts with if_not_exists', async () => {
      const counter: UpdateInput = {
        UpdateExpression: 'SET #c = if_not_exists(#c, :zero) + :one',
        ExpressionAttributeNames: { '#c': 'count' },
        ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      };
      expect((await update('counter', counter)).Attributes).toEqual({ count: 1 });
      expect((await update('counter', counter)).Attributes).toEqual({ count: 2 });
      expect(await read('counter')).toEqual({ id: 'counter', count: 2 });
    });

    it('appends to lists at either end with list_append and does arithmetic between attributes', async () => {
      await target().doc.send(new PutCommand({ TableName, Item: { id: 'lists', log: ['b'], total: 10, spent: 3 } }));
      await update('lists', {
        UpdateExpression: 'SET #log = list_append(#log, :tail), #left = #total - #spent',
        ExpressionAttributeNames: { '#log': 'log', '#left': 'left', '#total': 'total', '#spent': 'spent' },
        ExpressionAttributeValues: { ':tail': ['c', 'd'] },
      });
      await update('lists', {
        UpdateExpression: 'SET #log = list_append(:head, #log), #total = #total + :five',
        ExpressionAttributeNames: { '#log': 'log', '#total': 'total' },
        ExpressionAttributeValues: { ':head': ['a'], ':five': 5 },
      });
      expect(await read('lists')).toEqual({ id: 'lists', log: ['a', 'b', 'c', 'd'], total: 15, spent: 3, left: 7 });
    });

    it('removes attributes and list elements with REMOVE', async () => {
      await target().doc.send(new PutCommand({ TableName, Item: { id: 'rm', a: 1, b: 2, l: ['x', 'y', 'z'], m: { k: 'v', w: 'u' } } }));
      await update('rm', { UpdateExpression: 'REMOVE a, l[1], m.k' });
      expect(await read('rm')).toEqual({ id: 'rm', b: 2, l: ['x', 'z'], m: { w: 'u' } });
    });

    it('adds to numbers and sets with ADD and takes from sets with DELETE', async () => {
      await update('sets', {
        UpdateExpression: 'ADD n :three, tags :ab',
        ExpressionAttributeValues: { ':three': 3, ':ab': new Set(['a', 'b']) },
      });
      await update('sets', {
        UpdateExpression: 'ADD n :minus, tags :bc',
        ExpressionAttributeValues: { ':minus': -1, ':bc': new Set(['b', 'c']) },
      });
      expect(await read('sets')).toEqual({ id: 'sets', n: 2, tags: new Set(['a', 'b', 'c']) });
      await update('sets', { UpdateExpression: 'DELETE tags :ac', ExpressionAttributeValues: { ':ac': new Set(['a', 'c']) } });
      expect(await read('sets')).toEqual({ id: 'sets', n: 2, tags: new Set(['b']) });
    });

    it.each([
      ['ALL_OLD', { id: 'rv', a: 1, b: 'keep' }],
      ['ALL_NEW', { id: 'rv', a: 2, b: 'keep', c: true }],
      ['UPDATED_OLD', { a: 1 }],
      ['UPDATED_NEW', { a: 2, c: true }],
      ['NONE', undefined],
    ] as const)('returns %s attributes', async (ReturnValues, expected) => {
      await target().doc.send(new PutCommand({ TableName, Item: { id: 'rv', a: 1, b: 'keep' } }));
      const answer = await update('rv', {
        UpdateExpression: 'SET a = :two, c = :yes',
        ExpressionAttributeValues: { ':two': 2, ':yes': true },
        ReturnValues,
      });
      expect(answer.Attributes).toEqual(expected);
    });

    it('refuses an update whose condition fails and leaves the item unchanged', async () => {
      await target().doc.send(new PutCommand({ TableName, Item: { id: 'guarded', state: 'done' } }));
      await expect(
        update('guarded', {
          UpdateExpression: 'SET #s = :running',
          ConditionExpression: '#s = :queued',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':running': 'running', ':queued': 'queued' },
        }),
      ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
      await expect(
        update('never-written', {
          UpdateExpression: 'SET v = :one',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
      expect(await read('guarded')).toEqual({ id: 'guarded', state: 'done' });
      expect(await read('never-written')).toBeUndefined();
    });

    it('increments a counter atomically under 50 concurrent ADDs', async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          update('atomic', { UpdateExpression: 'ADD hits :one', ExpressionAttributeValues: { ':one': 1 }, ReturnValues: 'UPDATED_NEW' }),
        ),
      );
      const seen = results.map((r) => Number(r.Attributes?.hits)).sort((a, b) => a - b);
      expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(await read('atomic')).toEqual({ id: 'atomic', hits: 50 });
    });

    it('refuses updates of key attributes and conflicting paths with ValidationException', async () => {
      const invalid = { name: 'ValidationException', $metadata: { httpStatusCode: 400 } };
      await expect(update('bad', { UpdateExpression: 'SET id = :x', ExpressionAttributeValues: { ':x': 'y' } })).rejects.toMatchObject(invalid);
      await expect(
        update('bad', { UpdateExpression: 'SET a = :x REMOVE a', ExpressionAttributeValues: { ':x': 'y' } }),
      ).rejects.toMatchObject(invalid);
      await expect(update('bad', { UpdateExpression: 'SET a = ' })).rejects.toMatchObject(invalid);
    });
  });
}
