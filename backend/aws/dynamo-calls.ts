import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall, type NativeAttributeValue } from '@aws-sdk/util-dynamodb';
import { createSignedSender, throwIfFailed } from './signed-calls.js';

/** The DynamoDB operations a job makes on its path, with native JavaScript values as lib-dynamodb takes them. */
export type DynamoOperation = 'PutItem' | 'UpdateItem';

/** DynamoDB calls outside the SDK's stack (see signed-calls.ts for why). */
export interface DynamoCalls {
  /**
   * Sends `operation` with `input` as the document client would: Item, Key and
   * ExpressionAttributeValues in native values; the answer's Attributes come back native.
   * Service errors are thrown named as the SDK names them.
   */
  call(operation: DynamoOperation, input: Record<string, unknown>): Promise<{ Attributes?: Record<string, unknown> }>;
}

const NATIVE_FIELDS = ['Item', 'Key', 'ExpressionAttributeValues'] as const;

/** DynamoDB calls signed like `client`'s own, to the endpoint it resolves. */
export function createDynamoCalls(client: DynamoDBClient): DynamoCalls {
  const probe = new GetItemCommand({ TableName: 'probe', Key: { id: { S: 'probe' } } });
  const sender = createSignedSender(client, probe, 'dynamodb');
  return {
    async call(operation, input) {
      const wire: Record<string, unknown> = { ...input };
      for (const field of NATIVE_FIELDS) {
        const value = input[field];
        if (value !== undefined) wire[field] = marshall(value as Record<string, NativeAttributeValue>, { removeUndefinedValues: true });
      }
      const answer = await sender.send({ headers: { 'x-amz-target': `DynamoDB_20120810.${operation}` }, body: JSON.stringify(wire) });
      throwIfFailed(answer, `DynamoDB ${operation}`);
      const output = answer.text === '' ? {} : (JSON.parse(answer.text) as { Attributes?: Parameters<typeof unmarshall>[0] });
      return output.Attributes ? { Attributes: unmarshall(output.Attributes) } : {};
    },
  };
}
