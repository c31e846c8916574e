import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetItemCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, describe, expect, it } from 'vitest';
import { failureOf, makeTempDir, policyOf, startIamHarness, type ClientCredentials, type IamHarness } from './harness.js';

const BUCKET = 'tokens';
const EVERYTHING = [{ Effect: 'Allow' as const, Action: '*', Resource: '*' }];

let h: IamHarness | undefined;
const dataDirs: string[] = [];

afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function makeDataDir(): string {
  const dir = makeTempDir();
  dataDirs.push(dir);
  return dir;
}

async function start(dataDir?: string, port?: number): Promise<IamHarness> {
  h = await startIamHarness(dataDir, port);
  return h;
}

/** Writes a session into the data directory's sessions file as if it had been issued before a restart. */
function writeSession(dataDir: string, expiresAtMs: number): ClientCredentials {
  const session = {
    accessKeyId: 'ASIAQQQQQQQQQQQQQQQQ',
    secretAccessKey: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==',
    sessionToken: 'dG9rZW4tdG9rZW4tdG9rZW4tdG9rZW4tdG9rZW4tdG9rZW4=',
    expiresAtMs,
    roleName: 'any',
    sessionName: 'old',
  };
  mkdirSync(join(dataDir, 'iam'), { recursive: true });
  writeFileSync(join(dataDir, 'iam', 'sessions.json'), JSON.stringify({ sessions: [session] }));
  return { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken };
}

describe('temporary credentials', () => {
  it('are refused without their session token, as an unknown key', async () => {
    const harness = await start();
    const { sessionToken: _, ...withoutToken } = harness.session('any', EVERYTHING);
    const s3 = await failureOf(() => harness.s3(withoutToken).send(new CreateBucketCommand({ Bucket: BUCKET })));
    expect(s3).toMatchObject({ name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } });
    const dynamodb = await failureOf(() => harness.dynamodb(withoutToken).send(new ListTablesCommand({})));
    expect(dynamodb).toMatchObject({ name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    const lambda = await failureOf(() => harness.lambda(withoutToken).send(new ListFunctionsCommand({})));
    expect(lambda).toMatchObject({ name: 'UnrecognizedClientException', $metadata: { httpStatusCode: 403 } });
  });

  it('are refused with another session\'s token', async () => {
    const harness = await start();
    const mine = harness.session('any', EVERYTHING, 'mine');
    const theirs = harness.session('any', EVERYTHING, 'theirs');
    const crossed = { ...mine, sessionToken: theirs.sessionToken };
    const s3 = await failureOf(() => harness.s3(crossed).send(new CreateBucketCommand({ Bucket: BUCKET })));
    expect(s3).toMatchObject({ name: 'InvalidToken', message: 'The provided token is malformed or otherwise invalid.', $metadata: { httpStatusCode: 400 } });
    const dynamodb = await failureOf(() => harness.dynamodb(crossed).send(new ListTablesCommand({})));
    expect(dynamodb).toMatchObject({ name: 'UnrecognizedClientException', $metadata: { httpStatusCode: 400 } });
    const lambda = await failureOf(() => harness.lambda(crossed).send(new ListFunctionsCommand({})));
    expect(lambda).toMatchObject({ name: 'UnrecognizedClientException', $metadata: { httpStatusCode: 403 } });
    const awscli = await harness.awscli(crossed, 's3api', 'list-buckets');
    expect(awscli.stderr).toContain('An error occurred (InvalidToken) when calling the ListBuckets operation: The provided token is malformed or otherwise invalid.');
  });

  it('are refused once their session has ended, presigned URLs made with them too', async () => {
    const dataDir = makeDataDir();
    const expired = writeSession(dataDir, Date.now() - 60_000);
    const harness = await start(dataDir);
    const s3 = await failureOf(() => harness.s3(expired).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' })));
    expect(s3).toMatchObject({ name: 'ExpiredToken', message: 'The provided token has expired.', $metadata: { httpStatusCode: 400 } });
    const dynamodb = await failureOf(() => harness.dynamodb(expired).send(new ListTablesCommand({})));
    expect(dynamodb).toMatchObject({
      name: 'ExpiredTokenException',
      message: 'The security token included in the request is expired',
      $metadata: { httpStatusCode: 400 },
    });
    const lambda = await failureOf(() => harness.lambda(expired).send(new ListFunctionsCommand({})));
    expect(lambda).toMatchObject({ name: 'ExpiredTokenException', $metadata: { httpStatusCode: 403 } });
    const url = await getSignedUrl(harness.s3(expired), new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }), { expiresIn: 3600 });
    const presigned = await fetch(url);
    expect(presigned.status).toBe(400);
    expect(await presigned.text()).toContain('<Code>ExpiredToken</Code>');
  });

  it('are forgotten an hour after their session ended', async () => {
    const dataDir = makeDataDir();
    const forgotten = writeSession(dataDir, Date.now() - 2 * 3600_000);
    const harness = await start(dataDir);
    const s3 = await failureOf(() => harness.s3(forgotten).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' })));
    expect(s3.name).toBe('InvalidAccessKeyId');
  });

  it('survive a restart of the endpoint, presigned URLs made with them too (in a file only the owner reads)', async () => {
    const dataDir = makeDataDir();
    const first = await start(dataDir);
    await first.s3(first.root).send(new CreateBucketCommand({ Bucket: BUCKET }));
    await first.s3(first.root).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'jobs/k', Body: 'kept' }));
    const reader = first.session('reader', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/jobs/*` }]);
    const url = await getSignedUrl(first.s3(reader), new GetObjectCommand({ Bucket: BUCKET, Key: 'jobs/k' }), { expiresIn: 3600 });
    expect(statSync(join(dataDir, 'iam', 'sessions.json')).mode & 0o777).toBe(0o600);
    await first.close();

    // The same port: a presigned URL signs its host.
    const second = await start(dataDir, first.aws.port);
    // The runtime puts its roles again at start (roles are declared, sessions are issued).
    second.iam.putRole({ name: 'reader', policies: [policyOf({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/jobs/*` })] });
    expect(await (await fetch(url)).text()).toBe('kept');
    const got = await second.s3(reader).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'jobs/k' }));
    expect(await got.Body?.transformToString()).toBe('kept');
    const denied = await failureOf(() => second.dynamodb(reader).send(new GetItemCommand({ TableName: 't', Key: { id: { S: 'a' } } })));
    expect(denied.name).toBe('AccessDeniedException');
  });

  it('are refused everything while their role has not been put (no policy allows anything)', async () => {
    const dataDir = makeDataDir();
    const orphan = writeSession(dataDir, Date.now() + 3600_000);
    const harness = await start(dataDir);
    const error = await failureOf(() => harness.s3(orphan).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' })));
    expect(error.name).toBe('NoSuchBucket');
    await harness.s3(harness.root).send(new CreateBucketCommand({ Bucket: BUCKET }));
    const denied = await failureOf(() => harness.s3(orphan).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' })));
    expect(denied.message).toContain('assumed-role/any/old is not authorized to perform: s3:GetObject');
  });
});
