import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO } from '../helpers/runtime.js';

interface AwsOnly {
  child: ChildProcess;
  url: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  output: string[];
}

/** Starts `node dist/cli/main.js serve --aws-only` on a free port and reads its endpoint and key from what it prints. */
async function startAwsOnly(dataDir: string): Promise<AwsOnly> {
  const child = spawn(process.execPath, [CLI, 'serve', '--aws-only', '--data-dir', dataDir, '--aws-port', '0'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  let url: string | undefined;
  let credentials: AwsOnly['credentials'] | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    output.push(line);
    url ??= /endpoint:\s+(http:\/\/\S+)/.exec(line)?.[1];
    const key = /AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+)/.exec(line);
    if (key) credentials = { accessKeyId: key[1]!, secretAccessKey: key[2]! };
    if (url !== undefined && credentials !== undefined) break;
  }
  child.stdout!.resume();
  if (url === undefined || credentials === undefined) throw new Error(`Expected serve --aws-only to print its endpoint and key, got:\n${output.join('\n')}`);
  return { child, url, credentials, output };
}

describe('aws-exec serve --aws-only', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-aws-only-'));
  let endpoint: AwsOnly;
  let common: { endpoint: string; region: string; credentials: AwsOnly['credentials']; maxAttempts: number };

  beforeAll(async () => {
    endpoint = await startAwsOnly(dataDir);
    common = { endpoint: endpoint.url, region: 'us-east-1', credentials: endpoint.credentials, maxAttempts: 1 };
  });

  afterAll(async () => {
    if (endpoint.child.exitCode === null) {
      const exited = once(endpoint.child, 'exit');
      endpoint.child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves S3, DynamoDB and SQS, each loaded on its first signed request', async () => {
    const s3 = new S3Client({ ...common, forcePathStyle: true });
    const ddb = new DynamoDBClient(common);
    const sqs = new SQSClient(common);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'alone' }));
      await s3.send(new PutObjectCommand({ Bucket: 'alone', Key: 'k', Body: 'kept' }));
      expect(await (await s3.send(new GetObjectCommand({ Bucket: 'alone', Key: 'k' }))).Body?.transformToString()).toBe('kept');

      await ddb.send(
        new CreateTableCommand({
          TableName: 'alone',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      await ddb.send(new PutItemCommand({ TableName: 'alone', Item: { id: { S: 'a' }, n: { N: '1' } } }));
      expect((await ddb.send(new GetItemCommand({ TableName: 'alone', Key: { id: { S: 'a' } } }))).Item).toEqual({ id: { S: 'a' }, n: { N: '1' } });

      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'alone' }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
      expect(received.Messages?.map((message) => message.Body)).toEqual(['hello']);
    } finally {
      for (const client of [s3, ddb, sqs]) client.destroy();
    }
  });

  it('refuses a request signed with a key it does not know, in the service’s own error shape', async () => {
    const stranger = new S3Client({ ...common, credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x'.repeat(40) }, forcePathStyle: true });
    try {
      await expect(stranger.send(new GetObjectCommand({ Bucket: 'alone', Key: 'k' }))).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
    } finally {
      stranger.destroy();
    }
  });

  it('refuses the gateway and function options, which it would ignore', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--aws-only', '--data-dir', dataDir, '--port', '0', '--aws-port', '0'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).not.toBe(0);
    expect(stderr).toContain('Expected no gateway or function options with --aws-only (it runs the AWS endpoint alone), got --port');
  });
});
