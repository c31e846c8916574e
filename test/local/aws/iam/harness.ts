// Starts the real local AWS endpoint (startLocalAws) on 127.0.0.1 for the IAM tests, with SDK
// clients for the root key pair and for role sessions, and awscli as an independent signer.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { startLocalAws, type LambdaService, type LocalAws, type LocalIam, type PolicyDocument, type PolicyStatement } from '../../../../local/aws/index.js';

const run = promisify(execFile);

export const REGION = 'us-east-1';

/** A key pair as the SDK takes it, with a session token for temporary credentials. */
export interface ClientCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface IamHarness {
  aws: LocalAws;
  /** The endpoint's IAM, to put roles and issue sessions. */
  iam: LocalIam;
  /** The endpoint's Lambda service, to register and invoke functions. */
  lambdaService: LambdaService;
  dataDir: string;
  root: ClientCredentials;
  /** Puts (or replaces) a role with one policy of these statements and returns credentials of a new session of it. */
  session(role: string, statements: PolicyStatement[], sessionName?: string): ClientCredentials;
  s3(credentials: ClientCredentials): S3Client;
  dynamodb(credentials: ClientCredentials): DynamoDBClient;
  lambda(credentials: ClientCredentials): LambdaClient;
  /** Runs `/usr/bin/aws ARGS --endpoint-url URL` with these credentials in its environment. */
  awscli(credentials: ClientCredentials, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

/** One policy document of these statements. */
export function policyOf(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** A fresh temporary directory. */
export function makeTempDir(prefix = 'aws-exec-iam-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Starts the endpoint on a data directory (a new one unless given; then it is left in place) and a port (a free one unless given). */
export async function startIamHarness(dataDir?: string, port = 0): Promise<IamHarness> {
  const dir = dataDir ?? makeTempDir();
  const aws = await startLocalAws({ dataDir: dir, port, logError: () => {} });
  const [iam, lambdaService] = await Promise.all([aws.loadIam(), aws.loadLambda()]);
  const clients: Array<{ destroy(): void }> = [];
  const home = makeTempDir('aws-exec-iam-awscli-');
  const track = <T extends { destroy(): void }>(client: T): T => {
    clients.push(client);
    return client;
  };
  const common = (credentials: ClientCredentials) => ({ endpoint: aws.endpoint, region: REGION, credentials, maxAttempts: 1 });
  return {
    aws,
    iam,
    lambdaService,
    dataDir: dir,
    root: aws.credentials,
    session(role, statements, sessionName = 'test-session') {
      iam.putRole({ name: role, policies: [policyOf(...statements)] });
      const issued = iam.assumeRole(role, sessionName);
      return { accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey, sessionToken: issued.sessionToken };
    },
    s3: (credentials) => track(new S3Client({ ...common(credentials), forcePathStyle: true })),
    dynamodb: (credentials) => track(new DynamoDBClient(common(credentials))),
    lambda: (credentials) => track(new LambdaClient(common(credentials))),
    async awscli(credentials, ...args) {
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        AWS_CONFIG_FILE: join(home, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        ...(credentials.sessionToken === undefined ? {} : { AWS_SESSION_TOKEN: credentials.sessionToken }),
        AWS_DEFAULT_REGION: REGION,
        AWS_PAGER: '',
        AWS_EC2_METADATA_DISABLED: 'true',
      };
      try {
        const { stdout, stderr } = await run('/usr/bin/aws', [...args, '--endpoint-url', aws.endpoint], { env, encoding: 'utf8', cwd: home });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const failed = error as { code?: number; stdout?: string; stderr?: string };
        return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(error) };
      }
    },
    async close() {
      for (const client of clients) client.destroy();
      await aws.close();
      rmSync(home, { recursive: true, force: true });
      if (dataDir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `attempt` and returns what it threw (failing when it does not throw). */
export async function failureOf(attempt: () => Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number }; Code?: string }> {
  try {
    await attempt();
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('Expected the call to be refused, but it succeeded');
}
