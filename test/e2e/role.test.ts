import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGoClient, type GoClient } from '../helpers/go-client.js';
import { createLocalAwsClients, type LocalAwsClients } from '../helpers/local-aws-clients.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

// A job runs with the job function's role, as on Lambda: temporary credentials in its
// environment, and every call it makes evaluated against infra.yaml's allow lines for that
// function. Debian's awscli (v2.9, which does not read AWS_ENDPOINT_URL) plays the job's tool.
let runtime: TestRuntime;
let client: GoClient;
let aws: LocalAwsClients;

beforeAll(async () => {
  runtime = await startTestRuntime();
  client = createGoClient({ url: runtime.config.url, auth: runtime.config.auth });
  aws = createLocalAwsClients(runtime.config);
});
afterAll(async () => {
  aws?.destroy();
  await runtime?.dispose();
});

async function run(script: string): Promise<{ exit: number; log: string }> {
  const uid = await client.start({ argv: ['bash', '-c', script] });
  const job = await client.follow(uid, { timeoutMs: 60_000 });
  return { exit: job.exit, log: job.log.toString() };
}

const AWS = 'aws --endpoint-url "$AWS_ENDPOINT_URL"';

describe("a job's own AWS calls, under the job function's role", () => {
  it('sees temporary credentials of its role, not the account key', async () => {
    const { exit, log } = await run('echo "$AWS_ACCESS_KEY_ID"; test -n "$AWS_SESSION_TOKEN" && echo token; echo "$AWS_LAMBDA_FUNCTION_NAME"');
    expect(exit).toBe(0);
    const [keyId, token, name] = log.split('\n');
    expect(keyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(keyId).not.toBe(runtime.config.accessKeyId);
    expect(token).toBe('token');
    expect(name).toBe('aws-exec-jobs');
  }, 90_000);

  it('is refused AccessDenied when it tries to delete the table, and the table stays', async () => {
    const { exit, log } = await run(`${AWS} dynamodb delete-table --table-name "$PROJECT_TABLE"`);
    expect(exit).not.toBe(0);
    expect(log).toContain('An error occurred (AccessDeniedException) when calling the DeleteTable operation');
    expect(log).toMatch(/assumed-role\/aws-exec-jobs\/aws-exec-jobs is not authorized to perform: dynamodb:DeleteTable/);
    expect((await aws.ddbClient.send(new DescribeTableCommand({ TableName: runtime.config.table }))).Table?.TableStatus).toBe('ACTIVE');
  }, 90_000);

  it('is refused AccessDenied when it removes an object outside jobs/, and the object stays', async () => {
    await aws.s3.send(new PutObjectCommand({ Bucket: runtime.config.bucket, Key: 'elsewhere/keep.txt', Body: 'keep' }));
    const { exit, log } = await run(`${AWS} s3 rm "s3://$PROJECT_BUCKET/elsewhere/keep.txt"`);
    expect(exit).not.toBe(0);
    expect(log).toMatch(/AccessDenied/);
    expect((await aws.s3.send(new HeadObjectCommand({ Bucket: runtime.config.bucket, Key: 'elsewhere/keep.txt' }))).ContentLength).toBe(4);
  }, 90_000);

  it('may do what its role allows: read an object under jobs/', async () => {
    await aws.s3.send(new PutObjectCommand({ Bucket: runtime.config.bucket, Key: 'jobs/shared/readme.txt', Body: 'hello' }));
    const { exit, log } = await run(`${AWS} s3 cp "s3://$PROJECT_BUCKET/jobs/shared/readme.txt" -`);
    expect({ exit, log }).toEqual({ exit: 0, log: 'hello' });
  }, 90_000);
});
