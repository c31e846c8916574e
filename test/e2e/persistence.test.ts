import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, DeleteObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalJson } from '../../local/local-json.js';
import { createGoClient } from '../helpers/go-client.js';
import { createLocalAwsClients, type LocalAwsClients } from '../helpers/local-aws-clients.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

// What `aws-exec serve` acknowledged survives a kill -9 and a clean stop: S3 objects with
// their metadata, DynamoDB items, finished jobs, the auth key and the credentials.
const dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-e2e-persist-'));
const runtimes: TestRuntime[] = [];
const bucket = `persist-${randomUUID()}`;
const table = `persist-${randomUUID()}`;
const big = randomBytes(3 * 1024 * 1024 + 17);
let first: LocalJson;
let jobUid: string;

afterAll(async () => {
  for (const runtime of runtimes) await runtime.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the runtime on the kept data directory; the caller gets SDK clients of it. */
async function startOnDataDir(): Promise<{ runtime: TestRuntime; aws: LocalAwsClients }> {
  const runtime = await startTestRuntime({ dataDir });
  runtimes.push(runtime);
  return { runtime, aws: createLocalAwsClients(runtime.config) };
}

/** Writes, through the SDK, everything the later checks expect to find. */
async function writeState(aws: LocalAwsClients): Promise<void> {
  await aws.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await aws.s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'docs/hello.txt',
      Body: 'héllo 😀\n',
      ContentType: 'text/plain; charset=utf-8',
      Metadata: { owner: 'e2e', colour: 'blue' },
    }),
  );
  await aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'empty', Body: new Uint8Array(0) }));
  await aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'bin/big.bin', Body: big }));
  await aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'overwritten', Body: 'version 1' }));
  await aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'overwritten', Body: 'version 2' }));
  await aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'deleted', Body: 'gone' }));
  await aws.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'deleted' }));

  await aws.ddbClient.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await aws.ddb.send(
    new PutCommand({
      TableName: table,
      Item: { pk: 'a', n: 1, nested: { list: [1, 'two', { three: true }], bin: new Uint8Array([0, 255]) }, tags: new Set(['x', 'y']) },
    }),
  );
  await aws.ddb.send(new PutCommand({ TableName: table, Item: { pk: 'b', n: 2 } }));
  await aws.ddb.send(new PutCommand({ TableName: table, Item: { pk: 'c', n: 3 } }));
  await aws.ddb.send(new UpdateCommand({ TableName: table, Key: { pk: 'a' }, UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': 10 } }));
  await aws.ddb.send(new DeleteCommand({ TableName: table, Key: { pk: 'c' } }));
}

/** Checks that everything `writeState` acknowledged is there, exactly. */
async function expectState(aws: LocalAwsClients): Promise<void> {
  expect((await aws.readObject('docs/hello.txt', bucket))?.toString()).toBe('héllo 😀\n');
  const head = await aws.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'docs/hello.txt' }));
  expect(head.Metadata).toEqual({ owner: 'e2e', colour: 'blue' });
  expect(head.ContentType).toBe('text/plain; charset=utf-8');
  expect(head.ContentLength).toBe(Buffer.byteLength('héllo 😀\n'));
  expect((await aws.readObject('empty', bucket))?.length).toBe(0);
  const bigBack = await aws.readObject('bin/big.bin', bucket);
  expect(createHash('sha256').update(bigBack ?? '').digest('hex')).toBe(createHash('sha256').update(big).digest('hex'));
  expect((await aws.readObject('overwritten', bucket))?.toString()).toBe('version 2');
  expect(await aws.readObject('deleted', bucket)).toBeUndefined();
  const listed = await aws.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  expect((listed.Contents ?? []).map((object) => object.Key)).toEqual(['bin/big.bin', 'docs/hello.txt', 'empty', 'overwritten']);

  const a = await aws.ddb.send(new GetCommand({ TableName: table, Key: { pk: 'a' }, ConsistentRead: true }));
  expect(a.Item).toEqual({ pk: 'a', n: 11, nested: { list: [1, 'two', { three: true }], bin: new Uint8Array([0, 255]) }, tags: new Set(['x', 'y']) });
  const scan = await aws.ddb.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  expect((scan.Items ?? []).map((item) => item.pk as string).sort()).toEqual(['a', 'b']);
}

describe('the local runtime keeps what it acknowledged', () => {
  beforeAll(async () => {
    const { runtime, aws } = await startOnDataDir();
    first = runtime.config;
    try {
      const go = createGoClient({ url: runtime.config.url, auth: runtime.config.auth });
      jobUid = await go.start({ argv: ['sh', '-c', 'echo persisted; exit 5'] });
      expect(await go.follow(jobUid)).toMatchObject({ exit: 5 });
      // The last write is acknowledged just before the kill: nothing gets time to settle.
      await writeState(aws);
      await runtime.kill9();
    } finally {
      aws.destroy();
    }
  }, 120_000);

  const expectSameIdentity = (config: LocalJson) => {
    expect({ auth: config.auth, accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, region: config.region }).toEqual({
      auth: first.auth,
      accessKeyId: first.accessKeyId,
      secretAccessKey: first.secretAccessKey,
      region: first.region,
    });
  };

  const expectJob = async (config: LocalJson) => {
    const job = await createGoClient({ url: config.url, auth: config.auth }).follow(jobUid);
    expect(job.exit).toBe(5);
    expect(job.log.toString()).toBe('persisted\n');
  };

  it('has every object, item, job, the auth key and the credentials after a kill -9', async () => {
    const { runtime, aws } = await startOnDataDir();
    try {
      expectSameIdentity(runtime.config);
      await expectState(aws);
      await expectJob(runtime.config);
    } finally {
      aws.destroy();
    }
  }, 60_000);

  it('has them all again after a clean SIGTERM stop and a restart', async () => {
    const previous = runtimes.at(-1);
    expect(await previous?.stop()).toBe(0);
    const { runtime, aws } = await startOnDataDir();
    try {
      expectSameIdentity(runtime.config);
      await expectState(aws);
      await expectJob(runtime.config);
    } finally {
      aws.destroy();
    }
  }, 60_000);
});
