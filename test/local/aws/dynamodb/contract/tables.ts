import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createActiveTable, deleteTableAndWait, uniqueTableName } from '../requests.js';
import type { TargetRef } from './index.js';

const hashKeyOnly = (TableName: string) => ({
  TableName,
  AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' as const }],
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }],
});

/** Table lifecycle: create, describe, list, delete, and the errors around them. */
export function defineTableContract(target: TargetRef): void {
  describe('tables', () => {
    it('creates, describes, lists and deletes a table', async () => {
      const { client } = target();
      const name = uniqueTableName('life');
      await createActiveTable(client, {
        TableName: name,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      });
      const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
      expect(Table).toMatchObject({
        TableName: name,
        TableStatus: 'ACTIVE',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      });
      expect(Table?.TableArn).toMatch(new RegExp(`^arn:aws:dynamodb:[a-z0-9-]+:\\d{12}:table/${name}$`));
      const { TableNames } = await client.send(new ListTablesCommand({}));
      expect(TableNames).toContain(name);

      await deleteTableAndWait(client, name);
      const after = await client.send(new ListTablesCommand({}));
      expect(after.TableNames).not.toContain(name);
    });

    it('lists tables in name order, a page at a time', async () => {
      const { client } = target();
      const prefix = uniqueTableName('list');
      const names = [`${prefix}-c`, `${prefix}-a`, `${prefix}-b`];
      for (const name of names) await createActiveTable(client, hashKeyOnly(name));
      const seen: string[] = [];
      let start: string | undefined;
      do {
        const page = await client.send(new ListTablesCommand({ Limit: 2, ExclusiveStartTableName: start }));
        expect(page.TableNames?.length).toBeLessThanOrEqual(2);
        seen.push(...(page.TableNames ?? []));
        start = page.LastEvaluatedTableName;
      } while (start !== undefined);
      expect(seen).toEqual([...seen].sort());
      expect(seen.filter((name) => name.startsWith(prefix))).toEqual([...names].sort());
    });

    it('refuses to create a table that already exists with ResourceInUseException', async () => {
      const { client } = target();
      const name = uniqueTableName('twice');
      await createActiveTable(client, hashKeyOnly(name));
      await expect(client.send(new CreateTableCommand({ ...hashKeyOnly(name), BillingMode: 'PAY_PER_REQUEST' }))).rejects.toMatchObject({
        name: 'ResourceInUseException',
        $metadata: { httpStatusCode: 400 },
      });
    });

    it('answers operations on a missing table with ResourceNotFoundException', async () => {
      const { client } = target();
      const TableName = uniqueTableName('missing');
      const notFound = { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } };
      await expect(client.send(new DescribeTableCommand({ TableName }))).rejects.toMatchObject(notFound);
      await expect(client.send(new DeleteTableCommand({ TableName }))).rejects.toMatchObject(notFound);
      await expect(client.send(new GetItemCommand({ TableName, Key: { id: { S: 'a' } } }))).rejects.toMatchObject(notFound);
      await expect(client.send(new PutItemCommand({ TableName, Item: { id: { S: 'a' } } }))).rejects.toMatchObject(notFound);
      await expect(client.send(new ScanCommand({ TableName }))).rejects.toMatchObject(notFound);
      await expect(
        client.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'id = :id',
            ExpressionAttributeValues: { ':id': { S: 'a' } },
          }),
        ),
      ).rejects.toMatchObject(notFound);
    });

    it.each([
      ['a path', '../outside'],
      ['a NUL character', 'bad\u0000name'],
      ['300 characters', 'x'.repeat(300)],
      ['2 characters', 'ab'],
      ['a slash', 'a/b'],
      ['a space', 'a b'],
    ])('refuses a table name with %s with ValidationException', async (_what, name) => {
      const { client } = target();
      const invalid = { name: 'ValidationException', $metadata: { httpStatusCode: 400 } };
      await expect(client.send(new CreateTableCommand({ ...hashKeyOnly(name), BillingMode: 'PAY_PER_REQUEST' }))).rejects.toMatchObject(invalid);
      await expect(client.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'a' } } }))).rejects.toMatchObject(invalid);
      await expect(client.send(new DescribeTableCommand({ TableName: name }))).rejects.toMatchObject(invalid);
    });
  });
}
