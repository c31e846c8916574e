import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAuthKey } from '../../backend/auth/admin.js';
import { JOBS_BY_AUTH_NAME_INDEX } from '../../backend/jobs/record.js';
import { createClient, type AwsExecClient, type JobSummary } from '../../client/index.js';
import { createLocalAwsClients, type LocalAwsClients } from '../helpers/local-aws-clients.js';
import { REPO, startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

// GET /api/jobs through a real `aws-exec serve`: the API function queries its caller's
// partition of the table's jobs-by-auth-name index, with the role infra.yaml gives it.
let runtime: TestRuntime;
let aws: LocalAwsClients;
let client: AwsExecClient;
let bobKey: string;

beforeAll(async () => {
  runtime = await startTestRuntime({ env: { KEY_MAX_RUNNING_JOBS: '0' } });
  aws = createLocalAwsClients(runtime.config);
  client = createClient({ url: runtime.config.url, auth: runtime.config.auth });
  bobKey = (await createAuthKey({ ddb: aws.ddb, table: runtime.config.table }, 'bob')).key;
});
afterAll(async () => {
  aws?.destroy();
  await runtime?.dispose();
});

/**
 * Starts `count` jobs running `true`, `parallel` at a time; resolves with their uids in the order
 * the starts were asked for. Within a batch the API may record them in another order, so a test
 * that expects the listing's exact order starts one at a time.
 */
async function startJobs(on: AwsExecClient, count: number, parallel = 10): Promise<string[]> {
  const uids: string[] = [];
  for (let done = 0; done < count; done += parallel) {
    uids.push(...(await Promise.all(Array.from({ length: Math.min(parallel, count - done) }, () => on.start({ argv: ['true'] })))));
  }
  return uids;
}

/** Waits until none of the key's jobs is queued or running. */
async function waitUntilAllExited(on: AwsExecClient): Promise<void> {
  await vi.waitFor(async () => expect(await on.list({ status: ['queued', 'running'] })).toEqual([]), { timeout: 60_000, interval: 100 });
}

async function getJobs(query: string, key = runtime.config.auth): Promise<{ status: number; body: { jobs?: JobSummary[]; next?: string; error?: string } }> {
  const response = await fetch(`${runtime.config.url}/api/jobs${query}`, { headers: { auth: key } });
  return { status: response.status, body: (await response.json()) as { jobs?: JobSummary[]; next?: string; error?: string } };
}

describe('GET /api/jobs through the runtime', () => {
  it('pages through 120 jobs with its cursor, with no job twice or missing while new jobs start between pages', async () => {
    const first120 = await startJobs(client, 120);
    const newestFirst = (await client.list({ limit: 1000 })).map((job) => job.uid);
    expect([...newestFirst].sort()).toEqual([...first120].sort());
    const seen: string[] = [];
    const startedMeanwhile: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.listPage({ limit: 25, ...(cursor ? { cursor } : {}) });
      seen.push(...page.jobs.map((job) => job.uid));
      cursor = page.next;
      pages += 1;
      startedMeanwhile.push(...(await startJobs(client, 3, 3)));
    } while (cursor !== undefined);
    expect(pages).toBe(5);
    expect(seen).toEqual(newestFirst);
    expect(new Set(seen).size).toBe(120);
    const everything = (await client.list({ limit: 1000 })).map((job) => job.uid);
    expect(everything).toHaveLength(120 + startedMeanwhile.length);
    expect(everything.slice(startedMeanwhile.length)).toEqual(newestFirst);
    await waitUntilAllExited(client);
  }, 180_000);

  it('filters by status', async () => {
    await waitUntilAllExited(client);
    const sleeper = await client.start({ argv: ['sleep', '30'] });
    await vi.waitFor(async () => expect((await client.list({ status: 'running' })).map((job) => job.uid)).toEqual([sleeper]), { timeout: 30_000, interval: 100 });
    const exited = await client.list({ status: 'exited', limit: 1000 });
    expect(exited.length).toBeGreaterThanOrEqual(120);
    expect(exited.every((job) => job.status === 'exited' && job.exit === 0)).toBe(true);
    expect(exited.map((job) => job.uid)).not.toContain(sleeper);
    await client.cancel(sleeper);
    await vi.waitFor(async () => expect((await client.list({ status: 'exited', limit: 1 }))[0]).toMatchObject({ uid: sleeper, exit: 130 }), {
      timeout: 30_000,
      interval: 100,
    });
  }, 90_000);

  it("lists only the caller's jobs, and refuses a tampered cursor or another key's with 400", async () => {
    const bob = createClient({ url: runtime.config.url, auth: bobKey });
    const bobs = await startJobs(bob, 3, 1);
    expect((await bob.list()).map((job) => job.uid)).toEqual([...bobs].reverse());
    expect((await client.list({ limit: 1000 })).map((job) => job.uid)).not.toContain(bobs[0]);
    const { body } = await getJobs('?limit=1');
    const next = body.next ?? '';
    expect(next).not.toBe('');
    const tampered = `${next.slice(0, 5)}${next[5] === 'x' ? 'y' : 'x'}${next.slice(6)}`;
    for (const [query, key] of [
      [`?limit=1&cursor=${tampered}`, runtime.config.auth],
      [`?limit=1&cursor=${next}`, bobKey],
      [`?limit=1&status=exited&cursor=${next}`, runtime.config.auth],
    ] as const) {
      const answer = await getJobs(query, key);
      expect({ query, status: answer.status }).toEqual({ query, status: 400 });
      expect(answer.body.error).toMatch(/^Expected cursor to be the `next` of an earlier GET \/api\/jobs answer/);
    }
    expect((await getJobs(`?limit=1&cursor=${next}`)).status).toBe(200);
  }, 60_000);
});

describe("the index and the API function's role", () => {
  /** Temporary credentials the runtime issued to a function's environment (persisted in the data dir, as a function holds them). */
  function sessionOf(role: string): DynamoDBClient {
    const file = JSON.parse(readFileSync(join(runtime.dataDir, 'iam', 'sessions.json'), 'utf8')) as {
      sessions: { roleName: string; accessKeyId: string; secretAccessKey: string; sessionToken: string; expiresAtMs: number }[];
    };
    const session = file.sessions.filter((candidate) => candidate.roleName === role && candidate.expiresAtMs > Date.now()).at(-1);
    if (!session) throw new Error(`Expected a live session of role ${role} in the data dir`);
    return new DynamoDBClient({
      endpoint: runtime.config.awsEndpoint,
      region: runtime.config.region,
      maxAttempts: 1,
      credentials: { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken },
    });
  }

  it('lets the API role Query the jobs-by-auth-name index and nothing broader; the job role not at all', async () => {
    await client.list();
    const table = runtime.config.jobsTable ?? runtime.config.table;
    const byKey = { KeyConditionExpression: '#a = :a', ExpressionAttributeNames: { '#a': 'auth-name' }, ExpressionAttributeValues: { ':a': { S: 'x' } } };
    const apiRole = sessionOf('aws-exec');
    try {
      await expect(apiRole.send(new QueryCommand({ TableName: table, IndexName: JOBS_BY_AUTH_NAME_INDEX, ...byKey }))).resolves.toMatchObject({ Count: 0 });
      const idKey = { KeyConditionExpression: 'id = :id', ExpressionAttributeValues: { ':id': { S: 'x' } } };
      await expect(apiRole.send(new QueryCommand({ TableName: table, ...idKey }))).rejects.toThrow(
        new RegExp(`assumed-role/aws-exec/.* is not authorized to perform: dynamodb:Query on resource: arn:aws:dynamodb:[^:]+:000000000000:table/${table} because no identity-based policy allows the dynamodb:Query action$`),
      );
      await expect(apiRole.send(new ScanCommand({ TableName: table, IndexName: JOBS_BY_AUTH_NAME_INDEX }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    } finally {
      apiRole.destroy();
    }
    await client.exec({ argv: ['true'] });
    const jobRole = sessionOf('aws-exec-jobs');
    try {
      await expect(jobRole.send(new QueryCommand({ TableName: table, IndexName: JOBS_BY_AUTH_NAME_INDEX, ...byKey }))).rejects.toMatchObject({
        name: 'AccessDeniedException',
      });
    } finally {
      jobRole.destroy();
    }
  }, 60_000);
});

describe('a data directory from before the index', () => {
  it('gets the index at the next start, with the jobs recorded before it listed', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'aws-exec-e2e-listing-'));
    const dataDir = join(scratch, 'data');
    const before = join(scratch, 'infra.yaml');
    // infra.yaml as it was: no global-index, no Query line.
    const infra = readFileSync(join(REPO, 'infra.yaml'), 'utf8');
    const withoutIndex = infra.replace(/\n {4}global-index:\n( {6}.*\n| {8}.*\n| {10}.*\n)+/, '\n').replace(/\n.*dynamodb:Query .*\n/, '\n');
    expect(withoutIndex).not.toContain('global-index');
    expect(withoutIndex).not.toContain('dynamodb:Query');
    writeFileSync(before, withoutIndex);
    copyFileSync(join(REPO, 'env.sh.template'), join(scratch, 'env.sh.template'));
    let old: TestRuntime | undefined;
    let upgraded: TestRuntime | undefined;
    try {
      old = await startTestRuntime({ dataDir, args: ['--infra', before] });
      const oldClient = createClient({ url: old.config.url, auth: old.config.auth });
      const uids = await startJobs(oldClient, 4, 1);
      for (const uid of uids) expect(await oldClient.tail(uid).exit()).toBe(0);
      await old.stop();
      upgraded = await startTestRuntime({ dataDir });
      expect(upgraded.output()).toContain(`infra: created global index: ${upgraded.config.jobsTable ?? upgraded.config.table} ${JOBS_BY_AUTH_NAME_INDEX}`);
      const listed = await createClient({ url: upgraded.config.url, auth: upgraded.config.auth }).list();
      expect(listed.map((job) => [job.uid, job.status, job.exit])).toEqual([...uids].reverse().map((uid) => [uid, 'exited', 0]));
    } finally {
      await old?.stop();
      await upgraded?.stop();
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 120_000);
});
