import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createLogDecoder, type AwsExecClient } from '../../../client/index.js';
import { PG_PASSWORD, type TestPostgres } from '../../helpers/postgres.js';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.js';
import { checksums, startFixtureCluster } from './fixture.js';

// db-copy as users start it: by RPC against the local runtime (`aws-exec serve`), log tailed by the SDK.
let cluster: TestPostgres;
let runtime: TestRuntime;
let client: AwsExecClient;
let source: string;

beforeAll(async () => {
  let fixture: { cluster: TestPostgres; source: string };
  [fixture, runtime] = await Promise.all([startFixtureCluster(), startTestRuntime()]);
  ({ cluster, source } = fixture);
  client = createClient({ url: runtime.config.url, auth: runtime.config.auth, poll: { maxDelayMs: 100 } });
});
afterAll(async () => {
  await runtime?.dispose();
  await cluster?.dispose();
});

async function execCopy(args: Record<string, unknown>): Promise<{ code: number; log: string }> {
  const decoder = createLogDecoder();
  let log = '';
  const code = await client.exec({ rpcName: 'db-copy', rpcArgs: args }, { onLog: (chunk) => void (log += decoder.write(chunk)) });
  return { code, log: log + decoder.end() };
}

describe('db-copy through aws-exec', () => {
  it('runs by RPC, streams its progress to the log and exits 0', async () => {
    const target = await cluster.createDatabase('via_rpc');
    const { code, log } = await execCopy({ source, target, jobs: 2 });
    expect(log).toMatch(/^copied public\.users: 96 rows, /m);
    expect(log).toMatch(/^done: 7 tables, /m);
    expect(code).toBe(0);
    expect(log).not.toContain(PG_PASSWORD);
    expect(await checksums(cluster, 'via_rpc')).toEqual(await checksums(cluster, 'src'));
  });

  it('fails with a clear message and no password in the log when the password is wrong', async () => {
    const wrong = 'Wr0ng-Pa55word-xyz';
    const target = await cluster.createDatabase('wrong_pw');
    const { code, log } = await execCopy({ source: source.replace(encodeURIComponent(PG_PASSWORD), wrong), target });
    expect(code).toBe(1);
    expect(log).toMatch(/Could not connect to the source postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/src: password authentication failed for user "postgres"/);
    expect(log).not.toContain(wrong);
    expect(log).not.toContain(PG_PASSWORD);
  });

  it('is refused with 400 before it starts when its arguments break the schema', async () => {
    const error = await execCopy({ source, target: source, mode: 'masked' }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('Invalid rpc-args for db-copy: mask: Expected at least one mask rule for mode masked, got none');
  });
});
