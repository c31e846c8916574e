import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Credentials } from '../../../../local/aws/sigv4.js';
import { REGION } from './servers.js';

/** A table name no other test uses. */
export function uniqueTableName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Polls until `check` resolves true (DynamoDB's table and index states change asynchronously). */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`Expected ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Creates a table and waits until it is ACTIVE, as a client of real DynamoDB must. */
export async function createActiveTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  await client.send(new CreateTableCommand({ BillingMode: 'PAY_PER_REQUEST', ...input }));
  await waitFor(async () => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    return Table?.TableStatus === 'ACTIVE' && (Table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
  }, `table ${input.TableName} to be ACTIVE`);
}

/** Deletes a table and waits until DescribeTable says it is gone. */
export async function deleteTableAndWait(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  await waitFor(
    () =>
      client.send(new DescribeTableCommand({ TableName: tableName })).then(
        () => false,
        (error: unknown) => error instanceof Error && error.name === 'ResourceNotFoundException',
      ),
    `table ${tableName} to be deleted`,
  );
}

/** The answer to a hand-made request: status and parsed JSON body (or the raw text). */
export interface RawAnswer {
  status: number;
  body: unknown;
  text: string;
}

/**
 * Sends a hand-made, correctly signed DynamoDB request (any body, any target), for what
 * the SDK cannot send: malformed JSON, unknown operations.
 */
export async function sendSigned(
  url: string,
  credentials: Credentials,
  request: { target: string; body: string; contentType?: string },
): Promise<RawAnswer> {
  const { hostname, port, host } = new URL(url);
  const signer = new SignatureV4({ service: 'dynamodb', region: REGION, credentials, sha256: Hash.bind(null, 'sha256') });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname,
    port: Number(port),
    path: '/',
    query: {},
    headers: {
      host,
      'content-type': request.contentType ?? 'application/x-amz-json-1.0',
      'x-amz-target': request.target,
    },
    body: request.body,
  });
  const response = await fetch(url, { method: 'POST', headers: signed.headers, body: request.body });
  const text = await response.text();
  return { status: response.status, body: parseJsonOrUndefined(text), text };
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
