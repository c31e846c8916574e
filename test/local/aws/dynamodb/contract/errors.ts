import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { sendSigned } from '../requests.js';
import type { TargetRef } from './index.js';

/** What DynamoDB's request layer refuses before any operation runs; the server stays up. */
export function defineErrorContract(target: TargetRef): void {
  describe('request errors', () => {
    const send = (target_: string, body: string) => sendSigned(target().url, target().credentials, { target: target_, body });

    it.each([
      ['truncated JSON', '{"TableName": "x"'],
      ['not JSON at all', 'hello'],
      ['an empty body', ''],
    ])('answers %s with SerializationException', async (_what, body) => {
      const answer = await send('DynamoDB_20120810.ListTables', body);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ __type: expect.stringMatching(/#SerializationException$/) });
    });

    it.each([
      ['an unknown operation', 'DynamoDB_20120810.ExplodeTable'],
      ['an unknown API version', 'DynamoDB_19990101.ListTables'],
      ['no operation', 'DynamoDB_20120810'],
    ])('answers %s with UnknownOperationException', async (_what, target_) => {
      const answer = await send(target_, '{}');
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ __type: expect.stringMatching(/#UnknownOperationException$/) });
    });

    it('answers a wrongly typed parameter with SerializationException', async () => {
      const answer = await send('DynamoDB_20120810.ListTables', '{"Limit": "many"}');
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ __type: expect.stringMatching(/#SerializationException$/) });
    });

    it('keeps serving after refusing malformed requests', async () => {
      await send('DynamoDB_20120810.PutItem', '{{{');
      await expect(target().client.send(new ListTablesCommand({}))).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    });
  });
}
