import { PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createActiveTable, uniqueTableName, waitFor } from '../requests.js';
import type { TargetRef } from './index.js';

/** Secondary indexes: querying a global and a local index, as far as the engine offers them. */
export function defineIndexContract(target: TargetRef): void {
  describe('secondary indexes', () => {
    const TableName = uniqueTableName('idx');
    beforeAll(async () => {
      const { client, doc } = target();
      await createActiveTable(client, {
        TableName,
        AttributeDefinitions: [
          { AttributeName: 'owner', AttributeType: 'S' },
          { AttributeName: 'uid', AttributeType: 'S' },
          { AttributeName: 'state', AttributeType: 'S' },
          { AttributeName: 'started', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'owner', KeyType: 'HASH' },
          { AttributeName: 'uid', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'by-state',
            KeySchema: [
              { AttributeName: 'state', KeyType: 'HASH' },
              { AttributeName: 'started', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        LocalSecondaryIndexes: [
          {
            IndexName: 'by-started',
            KeySchema: [
              { AttributeName: 'owner', KeyType: 'HASH' },
              { AttributeName: 'started', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      });
      const jobs = [
        { owner: 'ada', uid: 'j1', state: 'done', started: 30 },
        { owner: 'ada', uid: 'j2', state: 'running', started: 10 },
        { owner: 'bob', uid: 'j3', state: 'done', started: 20 },
        { owner: 'ada', uid: 'j4', state: 'done', started: 5 },
        { owner: 'bob', uid: 'j5' },
      ];
      for (const Item of jobs) await doc.send(new PutCommand({ TableName, Item }));
    });

    it('queries a global secondary index by its own keys, eventually consistent', async () => {
      const { doc } = target();
      const query = () =>
        doc.send(
          new QueryCommand({
            TableName,
            IndexName: 'by-state',
            KeyConditionExpression: '#s = :done',
            ExpressionAttributeNames: { '#s': 'state' },
            ExpressionAttributeValues: { ':done': 'done' },
          }),
        );
      await waitFor(async () => (await query()).Count === 3, 'the index to show the three done jobs');
      expect((await query()).Items!.map((item) => item.uid)).toEqual(['j4', 'j3', 'j1']);
    });

    it('queries a local secondary index in its range-key order, with only the projected keys', async () => {
      const { doc } = target();
      const answer = await doc.send(
        new QueryCommand({
          TableName,
          IndexName: 'by-started',
          KeyConditionExpression: '#o = :ada AND started > :six',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: { ':ada': 'ada', ':six': 6 },
          ConsistentRead: true,
        }),
      );
      expect(answer.Items).toEqual([
        { owner: 'ada', uid: 'j2', started: 10 },
        { owner: 'ada', uid: 'j1', started: 30 },
      ]);
    });

    it('leaves items without the index key out of the index', async () => {
      const { doc } = target();
      const answer = await doc.send(new ScanCommand({ TableName, IndexName: 'by-state' }));
      expect(answer.Items!.map((item) => item.uid).sort()).toEqual(['j1', 'j2', 'j3', 'j4']);
    });

    it('refuses a query on an index the table does not have with ValidationException', async () => {
      const { doc } = target();
      await expect(
        doc.send(
          new QueryCommand({
            TableName,
            IndexName: 'nope',
            KeyConditionExpression: '#o = :ada',
            ExpressionAttributeNames: { '#o': 'owner' },
            ExpressionAttributeValues: { ':ada': 'ada' },
          }),
        ),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    });
  });
}
