import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFaultClient, FaultConfigError, loadFaultConfigFile, parseFaultConfig, type FaultConfig } from '../../../local/aws/faults/index.js';
import { startLocalAws, type LocalAws, type LocalFaults } from '../../../local/aws/index.js';

const run = promisify(execFile);
const REGION = 'us-east-1';

/** What one attempt of an SDK call came to: ok, or the error's name and status. */
async function outcomeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number }; code?: string };
    const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
    return `${name}${$metadata?.httpStatusCode === undefined ? '' : ` ${$metadata.httpStatusCode}`}${code === undefined ? '' : ` ${code}`}`;
  }
}

describe('the fault layer of the local AWS endpoint', () => {
  let dataDir: string;
  let aws: LocalAws;
  let faults: LocalFaults;
  let s3: S3Client;
  let ddb: DynamoDBClient;
  let lambda: LambdaClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-faults-'));
    aws = await startLocalAws({ dataDir, port: 0, logError: () => {} });
    faults = await aws.loadFaults();
    // One attempt per call: the tests see every injected fault, not the SDK's retries.
    const common = { endpoint: aws.endpoint, region: REGION, credentials: aws.credentials, maxAttempts: 1 };
    s3 = new S3Client({ ...common, forcePathStyle: true });
    ddb = new DynamoDBClient(common);
    lambda = new LambdaClient(common);
    await s3.send(new CreateBucketCommand({ Bucket: 'faults' }));
    await ddb.send(
      new CreateTableCommand({
        TableName: 'faults',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  });
  beforeEach(() => faults.clear());
  afterAll(async () => {
    s3.destroy();
    ddb.destroy();
    lambda.destroy();
    await aws.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('injects nothing by default', async () => {
    expect(faults.get()).toEqual({ rules: [] });
    for (let i = 0; i < 20; i++) expect(await outcomeOf(s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'k', Body: 'x' })))).toBe('ok');
  });

  it("answers with each service's own 5xx and throttling errors", async () => {
    faults.set({ rules: [{ match: ['s3:PutObject', 'dynamodb:PutItem', 'dynamodb:CreateTable', 'lambda:Invoke'], throttleRate: 1 }] });
    expect(await outcomeOf(s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'k', Body: 'x' })))).toBe('SlowDown 503');
    expect(await outcomeOf(ddb.send(new PutItemCommand({ TableName: 'faults', Item: { id: { S: 'a' } } })))).toBe(
      'ProvisionedThroughputExceededException 400',
    );
    const createTable = new CreateTableCommand({
      TableName: 'other',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    expect(await outcomeOf(ddb.send(createTable))).toBe('ThrottlingException 400');
    const throttled = await lambda.send(new InvokeCommand({ FunctionName: 'any', Payload: '{}' })).catch((error: unknown) => error);
    expect(throttled).toMatchObject({ name: 'TooManyRequestsException', Reason: 'CallerRateLimitExceeded', $metadata: { httpStatusCode: 429 } });

    faults.set({ rules: [{ match: ['s3:PutObject', 'dynamodb:PutItem', 'lambda:Invoke'], errorRate: 1 }] });
    expect(await outcomeOf(s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'k', Body: 'x' })))).toBe('InternalError 500');
    expect(await outcomeOf(ddb.send(new PutItemCommand({ TableName: 'faults', Item: { id: { S: 'a' } } })))).toBe('InternalServerError 500');
    expect(await outcomeOf(lambda.send(new InvokeCommand({ FunctionName: 'any', Payload: '{}' })))).toBe('ServiceException 500');
    // Other operations are not matched.
    expect(await outcomeOf(s3.send(new HeadObjectCommand({ Bucket: 'faults', Key: 'k' })))).toBe('ok');
  });

  it('keeps the connection usable after an injected error on a PUT whose body it did not read', async () => {
    faults.set({ rules: [{ match: 's3:PutObject', throttleRate: 1 }] });
    const big = Buffer.alloc(3 * 1024 * 1024, 'b');
    expect(await outcomeOf(s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'big', Body: big })))).toBe('SlowDown 503');
    faults.clear();
    expect(await outcomeOf(s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'big', Body: big })))).toBe('ok');
  });

  it('draws the same faults from the same seed, whatever other operations do in between', async () => {
    const config: FaultConfig = { seed: 42, rules: [{ match: 's3:*', errorRate: 0.3, throttleRate: 0.2 }] };
    const sequence = async (interleave: boolean, seed = 42) => {
      faults.set({ ...config, seed });
      const outcomes: string[] = [];
      for (let i = 0; i < 40; i++) {
        if (interleave) await outcomeOf(s3.send(new HeadObjectCommand({ Bucket: 'faults', Key: 'k' })));
        outcomes.push(await outcomeOf(s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'seeded', Body: 'x' }))));
      }
      return outcomes;
    };
    const first = await sequence(false);
    expect(await sequence(true)).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['ok', 'InternalError 500', 'SlowDown 503']));
    expect(await sequence(false, 43)).not.toEqual(first);
  });

  it('resets the connection before the service sees the request: nothing is written', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'reset', Body: 'before' }));
    faults.set({ rules: [{ match: 's3:PutObject', resetBeforeRate: 1 }] });
    expect(await outcomeOf(s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'reset', Body: 'after' })))).toMatch(/ECONNRESET/);
    faults.clear();
    const got = await s3.send(new GetObjectCommand({ Bucket: 'faults', Key: 'reset' }));
    expect(await got.Body?.transformToString()).toBe('before');
  });

  it('resets the connection after serving the request: the write is committed, the answer lost', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'reset-after', Body: 'before' }));
    faults.set({ rules: [{ match: ['s3:PutObject', 's3:GetObject', 'dynamodb:PutItem'], resetAfterRate: 1 }] });
    expect(await outcomeOf(s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'reset-after', Body: 'after' })))).toMatch(/ECONNRESET/);
    expect(await outcomeOf(s3.send(new GetObjectCommand({ Bucket: 'faults', Key: 'reset-after' })))).toMatch(/ECONNRESET/);
    expect(await outcomeOf(ddb.send(new PutItemCommand({ TableName: 'faults', Item: { id: { S: 'after' } } })))).toMatch(/ECONNRESET/);
    faults.clear();
    const got = await s3.send(new GetObjectCommand({ Bucket: 'faults', Key: 'reset-after' }));
    expect(await got.Body?.transformToString()).toBe('after');
    expect((await ddb.send(new GetItemCommand({ TableName: 'faults', Key: { id: { S: 'after' } } }))).Item).toEqual({ id: { S: 'after' } });
  });

  it('adds latency, fixed or drawn from a distribution, and counts it', async () => {
    faults.set({ rules: [{ match: 's3:HeadObject', latencyMs: 150 }] });
    const started = Date.now();
    await outcomeOf(s3.send(new HeadObjectCommand({ Bucket: 'faults', Key: 'k' })));
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    const before = faults.stats().byOperation['s3:HeadObject'];
    faults.set({ seed: 7, rules: [{ match: 's3:HeadObject', latencyMs: { min: 10, max: 30 } }] });
    for (let i = 0; i < 10; i++) await outcomeOf(s3.send(new HeadObjectCommand({ Bucket: 'faults', Key: 'k' })));
    const after = faults.stats().byOperation['s3:HeadObject'];
    expect(after!.delayed - before!.delayed).toBe(10);
    const added = after!.latencyMs - before!.latencyMs;
    expect(added).toBeGreaterThanOrEqual(100);
    expect(added).toBeLessThanOrEqual(300);
  });

  it('fails S3 writes as on a full disk (500 InternalError, the object unchanged, no temp file left) until turned off', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'disk', Body: 'kept' }));
    faults.set({ rules: [{ match: 's3:*', diskFull: true }] });
    expect(await outcomeOf(s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'disk', Body: 'lost' })))).toBe('InternalError 500');
    expect(await outcomeOf(s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'disk-empty', Body: new Uint8Array(0), ContentLength: 0 })))).toBe('InternalError 500');
    // Reads go on.
    const kept = await s3.send(new GetObjectCommand({ Bucket: 'faults', Key: 'disk' }));
    expect(await kept.Body?.transformToString()).toBe('kept');
    expect(readdirSync(join(dataDir, 's3', 'tmp'))).toEqual([]);
    expect(faults.stats().byOperation['s3:PutObject']?.diskFull).toBe(2);
    faults.clear();
    expect(await outcomeOf(s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'disk', Body: 'new' })))).toBe('ok');
  });

  it('fails DynamoDB writes as on a full disk (500 InternalServerError, nothing written) and lets reads through', async () => {
    await ddb.send(new PutItemCommand({ TableName: 'faults', Item: { id: { S: 'disk' }, v: { S: 'kept' } } }));
    faults.set({ rules: [{ match: 'dynamodb:*', diskFull: true }] });
    expect(await outcomeOf(ddb.send(new PutItemCommand({ TableName: 'faults', Item: { id: { S: 'disk' }, v: { S: 'lost' } } })))).toBe(
      'InternalServerError 500',
    );
    const item = await ddb.send(new GetItemCommand({ TableName: 'faults', Key: { id: { S: 'disk' } } }));
    expect(item.Item?.v).toEqual({ S: 'kept' });
  });

  it('refuses a configuration that names an unknown service or operation, or rates that add up past 1', () => {
    expect(() => parseFaultConfig({ rules: [{ match: 's3:PutObjekt', errorRate: 0.1 }] }, 'the test config')).toThrow(
      /rules\.0\.match: Expected an operation of s3 \(one of .*PutObject.*\) or \*, got `PutObjekt`/,
    );
    expect(() => parseFaultConfig({ rules: [{ match: 'kinesis:*' }] }, 'the test config')).toThrow(/Expected `\*` or `service:Operation`/);
    expect(() => parseFaultConfig({ rules: [{ match: '*', errorRate: 0.6, throttleRate: 0.6 }] }, 'the test config')).toThrow(
      /to be at most 1/,
    );
    expect(() => parseFaultConfig({ rules: [{ match: '*', errorrate: 0.1 }] }, 'the test config')).toThrow(FaultConfigError);
    expect(() => faults.set({ rules: [{ match: '*', latencyMs: { min: 5, max: 1 } }] })).toThrow(/latencyMs.min to be at most latencyMs.max/);
    expect(faults.get()).toEqual({ rules: [] });
  });

  it('reads a configuration file and says what is wrong with a bad one', () => {
    const file = join(dataDir, 'faults.json');
    writeFileSync(file, JSON.stringify({ seed: 1, rules: [{ match: 'dynamodb:UpdateItem', throttleRate: 0.1 }] }));
    expect(loadFaultConfigFile(file)).toEqual({ seed: 1, rules: [{ match: 'dynamodb:UpdateItem', throttleRate: 0.1 }] });
    writeFileSync(file, '{"rules": [');
    expect(() => loadFaultConfigFile(file)).toThrow(`Expected the fault configuration ${file} to be JSON`);
    expect(() => loadFaultConfigFile(join(dataDir, 'missing.json'))).toThrow('Expected a readable fault configuration file');
  });

  describe('the admin route', () => {
    it('shows, replaces and clears the configuration for the root key pair', async () => {
      const client = createFaultClient({ endpoint: aws.endpoint, region: REGION, credentials: aws.credentials });
      expect((await client.get()).config).toEqual({ rules: [] });
      const set = await client.set({ seed: 5, rules: [{ match: 's3:GetObject', errorRate: 1 }] });
      expect(set.config).toEqual({ seed: 5, rules: [{ match: 's3:GetObject', errorRate: 1 }] });
      expect(await outcomeOf(s3.send(new GetObjectCommand({ Bucket: 'faults', Key: 'k' })))).toBe('InternalError 500');
      expect((await client.get()).stats.byOperation['s3:GetObject']?.errors).toBeGreaterThanOrEqual(1);
      await expect(client.set({ rules: [{ match: 's3:Nope' }] } as FaultConfig)).rejects.toThrow(/answered 400: .*got `Nope`/);
      expect((await client.clear()).config).toEqual({ rules: [] });
      expect(await outcomeOf(s3.send(new GetObjectCommand({ Bucket: 'faults', Key: 'k' })))).toBe('ok');
    });

    it('refuses role sessions, unsigned requests and wrong signatures', async () => {
      const iam = await aws.loadIam();
      iam.putRole({ name: 'job', policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }] });
      const session = iam.assumeRole('job', 'job-session');
      const asRole = createFaultClient({ endpoint: aws.endpoint, region: REGION, credentials: session });
      await expect(asRole.clear()).rejects.toThrow(/answered 403: .*account root's key pair/);
      const unsigned = await fetch(`${aws.endpoint}/_aws-exec/faults`, { method: 'DELETE' });
      expect(unsigned.status).toBe(403);
      const wrong = createFaultClient({ endpoint: aws.endpoint, region: REGION, credentials: { ...aws.credentials, secretAccessKey: 'x'.repeat(40) } });
      await expect(wrong.get()).rejects.toThrow(/answered 403: .*signature/);
    });

    it('is reachable with curl --aws-sigv4, as the README shows', async () => {
      const { accessKeyId, secretAccessKey } = aws.credentials;
      const config = JSON.stringify({ rules: [{ match: 's3:PutObject', throttleRate: 1 }] });
      const { stdout } = await run('curl', [
        '-sS', '-X', 'PUT', '--fail-with-body',
        '--aws-sigv4', `aws:amz:${REGION}:s3`, '--user', `${accessKeyId}:${secretAccessKey}`,
        '-H', 'content-type: application/json', '--data-binary', config,
        `${aws.endpoint}/_aws-exec/faults`,
      ]);
      expect(JSON.parse(stdout)).toMatchObject({ config: JSON.parse(config) });
      expect(await outcomeOf(s3.send(new PutObjectCommand({ Bucket: 'faults', Key: 'k', Body: 'x' })))).toBe('SlowDown 503');
    });
  });
});
