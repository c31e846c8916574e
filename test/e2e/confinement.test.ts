import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKey } from '../../backend/auth/admin.js';
import { registry } from '../../cmd/index.js';
import { jobKeys } from '../../protocol/index.js';
import { createGoClient, type GoClient } from '../helpers/go-client.js';
import { createLocalAwsClients, type LocalAwsClients } from '../helpers/local-aws-clients.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

// What a job reaches, by the key that started it. A key without `exec` runs registered
// commands confined (README, "Security model"): it may not read the data directory (every
// user's objects and the root credentials), nor connect to the local endpoint, nor see the
// role's credentials. No job, whatever its key, may write an auth record: the job
// function's role holds nothing of the auth table.
let runtime: TestRuntime;
let aws: LocalAwsClients;
let rpc: GoClient;
let exec: GoClient;
let victimLog: string;

beforeAll(async () => {
  runtime = await startTestRuntime();
  aws = createLocalAwsClients(runtime.config);
  const table = { ddb: aws.ddb, table: runtime.config.table };
  rpc = createGoClient({ url: runtime.config.url, auth: (await createAuthKey(table, 'rpc-only', { scopes: ['rpc:listdir,http-check,db-copy'], registry })).key });
  exec = createGoClient({ url: runtime.config.url, auth: (await createAuthKey(table, 'shell', { scopes: ['exec'] })).key });
  const victim = createGoClient({ url: runtime.config.url, auth: runtime.config.auth });
  const uid = await victim.start({ argv: ['echo', 'secret of another user'] });
  await victim.follow(uid);
  const authName = (JSON.parse((await victim.request('GET', '/api/key')).text) as { 'auth-name': string })['auth-name'];
  victimLog = `${runtime.config.awsEndpoint}/${runtime.config.bucket}/${jobKeys(authName, uid).log}`;
}, 120_000);
afterAll(async () => {
  aws?.destroy();
  await runtime?.dispose();
});

async function runRpc(name: string, args: unknown): Promise<{ exit: number; log: string }> {
  const uid = await rpc.start({ 'rpc-name': name, 'rpc-args': JSON.stringify(args) });
  const job = await rpc.follow(uid, { timeoutMs: 60_000 });
  return { exit: job.exit, log: job.log.toString() };
}

describe('a job of a key without exec (registered commands, confined)', () => {
  it('cannot list the data directory, which holds every user\'s objects and the root credentials', async () => {
    const { exit, log } = await runRpc('listdir', { path: runtime.dataDir });
    expect(exit).toBe(1);
    expect(log).toBe(`[aws-exec] error: A key without the exec scope may read only under no directory (RPC_READ_PATHS), not \`${runtime.dataDir}\`\n`);
  }, 90_000);

  it("cannot reach another user's object through the local endpoint", async () => {
    const { exit, log } = await runRpc('http-check', { url: victimLog, count: 1 });
    expect(exit).toBe(1);
    expect(log).toMatch(/^try 1\/1: failed after \d+ ms: A key without the exec scope may connect only to public internet addresses; 127\.0\.0\.1 is not one\n/);
  }, 90_000);

  it("cannot read the role's credentials through a command that reads environment variables", async () => {
    const { exit, log } = await runRpc('db-copy', { source: 'AWS_SECRET_ACCESS_KEY', target: 'AWS_SESSION_TOKEN' });
    expect(exit).toBe(1);
    expect(log).toBe('[aws-exec] error: Expected `source` to name one of the environment variables a key without the exec scope may use (RPC_ENV: none holds a postgres:// URL), got `AWS_SECRET_ACCESS_KEY`\n');
  }, 90_000);
});

describe('a job of a key with exec', () => {
  it('cannot write an auth record: the job function may not touch the auth table', async () => {
    const id = `auth.${'e'.repeat(64)}`;
    const uid = await exec.start({
      argv: ['bash', '-c', `aws --endpoint-url "$AWS_ENDPOINT_URL" dynamodb put-item --table-name "$PROJECT_TABLE" --item '{"id":{"S":"${id}"},"value":{"S":"mallory"}}'`],
    });
    const job = await exec.follow(uid, { timeoutMs: 60_000 });
    expect(job.exit).not.toBe(0);
    expect(job.log.toString()).toMatch(/AccessDeniedException.*assumed-role\/aws-exec-jobs\/aws-exec-jobs is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:[^:]+:000000000000:table\/aws-exec /s);
    expect((await aws.ddb.send(new GetCommand({ TableName: runtime.config.table, Key: { id } }))).Item).toBeUndefined();
  }, 90_000);
});
