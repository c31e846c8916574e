import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthKey, listAuthKeys, removeAuthKeys } from '../../backend/auth/admin.js';
import { authItemId, hashAuthKey } from '../../backend/auth/key-hash.js';
import { createClient } from '../../client/index.js';
import { registry } from '../../cmd/index.js';
import { putGoAuthKey } from '../helpers/go-auth.js';
import { createGoClient, type GoClient, type RawAnswer } from '../helpers/go-client.js';
import { createLocalAwsClients, type LocalAwsClients } from '../helpers/local-aws-clients.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

// Scoped keys and share links through a real `aws-exec serve`: every route asked by every
// kind of principal, with the status each must get; then expiry, revocation, share links,
// the per-key cap and keys written by the Go aws-exec.
let runtime: TestRuntime;
let aws: LocalAwsClients;
const keys: Record<string, string> = {};
const jobs: Record<string, string> = {};
let shareToken: string;

const NO_SUCH_ID = 'f'.repeat(64);

beforeAll(async () => {
  runtime = await startTestRuntime();
  aws = createLocalAwsClients(runtime.config);
  const table = { ddb: aws.ddb, table: runtime.config.table };
  const full = createGoClient({ url: runtime.config.url, auth: runtime.config.auth });
  const fullName = (await full.request('GET', '/api/key').then((answer) => JSON.parse(answer.text) as { 'auth-name': string }))['auth-name'];
  keys.full = runtime.config.auth;
  keys.exec = (await createAuthKey(table, 'ops', { scopes: ['exec'], registry })).key;
  keys.rpc = (await createAuthKey(table, 'lister', { scopes: ['rpc:listdir'], registry })).key;
  keys.read = (await createAuthKey(table, 'viewer', { scopes: ['read'], authName: fullName, registry })).key;
  jobs.full = await full.start({ argv: ['echo', 'full'] });
  jobs.exec = await createGoClient({ url: runtime.config.url, auth: keys.exec }).start({ argv: ['echo', 'exec'] });
  jobs.rpc = await createGoClient({ url: runtime.config.url, auth: keys.rpc }).start({ 'rpc-name': 'listdir', 'rpc-args': '{"path":"/nonexistent"}' });
  jobs.read = jobs.full;
  // Each ends before the routes are tried, so that a cancel finds it exited and it keeps its log.
  for (const [who, uid] of Object.entries(jobs)) await createGoClient({ url: runtime.config.url, auth: keys[who] ?? '' }).follow(uid);
  const share = JSON.parse((await full.request('POST', '/api/share', { body: JSON.stringify({ uid: jobs.full }) })).text) as { token: string };
  shareToken = share.token;
  keys.share = shareToken;
  jobs.share = jobs.full;
}, 120_000);
afterAll(async () => {
  aws?.destroy();
  await runtime?.dispose();
});

const as = (who: string): GoClient => createGoClient({ url: runtime.config.url, auth: keys[who] ?? '' });
const errorOf = (answer: RawAnswer) => (JSON.parse(answer.text) as { error?: string }).error ?? '';

type Who = 'full' | 'exec' | 'rpc' | 'read' | 'share';
const WHO: Who[] = ['full', 'exec', 'rpc', 'read', 'share'];
const other = (who: Who) => (who === 'rpc' ? jobs.full : jobs.rpc) as string;

interface Route {
  name: string;
  send: (who: Who) => Promise<RawAnswer>;
  /** The status each principal gets, in WHO's order. */
  status: [number, number, number, number, number];
}

const post = (path: string, body: unknown) => (who: Who) => as(who).request('POST', path, { body: JSON.stringify(body) });

const ROUTES: Route[] = [
  { name: 'POST /api/exec argv', send: post('/api/exec', { argv: ['true'] }), status: [200, 200, 403, 403, 403] },
  { name: 'POST /api/exec rpc listdir', send: post('/api/exec', { 'rpc-name': 'listdir', 'rpc-args': { path: '/nonexistent' } }), status: [200, 200, 200, 403, 403] },
  { name: 'POST /api/exec rpc http-check', send: post('/api/exec', { 'rpc-name': 'http-check', 'rpc-args': { url: 'http://127.0.0.1:9/', count: 1 } }), status: [200, 200, 403, 403, 403] },
  // Past the access check the API PUTs to the push-url, which refuses: 400, not 403.
  { name: 'POST /api/exec with push-urls', send: post('/api/exec', { 'rpc-name': 'listdir', 'push-urls': { log: 'http://127.0.0.1:9/l', exit: 'http://127.0.0.1:9/e', size: 'http://127.0.0.1:9/s' } }), status: [400, 400, 403, 403, 403] },
  { name: 'GET /api/exec of its job', send: (who) => as(who).request('GET', `/api/exec?uid=${jobs[who]}`), status: [200, 200, 200, 200, 200] },
  { name: "GET /api/exec of another's job", send: (who) => as(who).request('GET', `/api/exec?uid=${other(who)}`), status: [404, 404, 404, 404, 403] },
  { name: 'GET /api/jobs', send: (who) => as(who).request('GET', '/api/jobs'), status: [200, 200, 200, 200, 403] },
  { name: 'GET /api/job of its job', send: (who) => as(who).request('GET', `/api/job?uid=${jobs[who]}`), status: [200, 200, 200, 200, 403] },
  { name: "GET /api/job of another's job", send: (who) => as(who).request('GET', `/api/job?uid=${other(who)}`), status: [404, 404, 404, 404, 403] },
  { name: 'DELETE /api/exec of its job', send: (who) => as(who).request('DELETE', `/api/exec?uid=${jobs[who]}`), status: [200, 200, 200, 403, 403] },
  { name: 'GET /api/commands', send: (who) => as(who).request('GET', '/api/commands'), status: [200, 200, 200, 200, 403] },
  { name: 'GET /api/key', send: (who) => as(who).request('GET', '/api/key'), status: [200, 200, 200, 200, 200] },
  { name: 'POST /api/share of its job', send: (who) => as(who).request('POST', '/api/share', { body: JSON.stringify({ uid: jobs[who] }) }), status: [200, 200, 200, 200, 403] },
  { name: 'DELETE /api/share', send: (who) => as(who).request('DELETE', `/api/share?id=${NO_SUCH_ID}`), status: [404, 404, 404, 404, 403] },
  { name: 'POST /api/key/revoked', send: post('/api/key/revoked', { ids: [`auth.${NO_SUCH_ID}`] }), status: [200, 200, 200, 200, 403] },
];

describe('every route, asked by every kind of principal', () => {
  it.each(ROUTES)('$name answers $status (full, exec, rpc:listdir, read, share link)', async (route) => {
    const seen: number[] = [];
    for (const who of WHO) {
      const answer = await route.send(who);
      seen.push(answer.status);
      if (answer.status === 403) {
        expect(errorOf(answer)).toMatch(who === 'share' ? /^A share link allows following its one job/ : /^This key lacks the scope `(exec|rpc:[a-z-]+)`, needed to /);
      }
    }
    expect(seen).toEqual(route.status);
  }, 60_000);

  it('names the missing scope and the scopes the key has', async () => {
    expect(errorOf(await as('rpc').request('POST', '/api/exec', { body: JSON.stringify({ argv: ['id'] }) }))).toBe(
      'This key lacks the scope `exec`, needed to start a command-line job (argv); its scopes: rpc:listdir',
    );
    expect(errorOf(await as('read').request('POST', '/api/exec', { body: JSON.stringify({ 'rpc-name': 'listdir' }) }))).toBe(
      'This key lacks the scope `rpc:listdir`, needed to start the command listdir; its scopes: read',
    );
  });

  it('lists to each key only the commands it may start', async () => {
    const names = async (who: Who) => (JSON.parse((await as(who).request('GET', '/api/commands')).text) as { commands: { name: string }[] }).commands.map((c) => c.name);
    expect(await names('full')).toEqual(registry.commands.map((command) => command.name));
    expect(await names('exec')).toEqual(registry.commands.map((command) => command.name));
    expect(await names('rpc')).toEqual(['listdir']);
    expect(await names('read')).toEqual([]);
  });

  it('tells each key what it may do', async () => {
    expect(JSON.parse((await as('full').request('GET', '/api/key')).text)).toMatchObject({ kind: 'key', scopes: null });
    expect(JSON.parse((await as('rpc').request('GET', '/api/key')).text)).toMatchObject({ kind: 'key', scopes: ['rpc:listdir'], 'auth-name': expect.stringMatching(/^lister:/) });
    expect(JSON.parse((await as('share').request('GET', '/api/key')).text)).toEqual({ kind: 'share', uid: jobs.full, 'expires-at': expect.any(Number) });
  });

  it("lets a read key made --as another key's auth-name list and follow that key's jobs", async () => {
    const listed = (await as('read').listJobs()).map((job) => job.uid);
    expect(listed).toContain(jobs.full);
    expect((await as('read').follow(jobs.full as string)).log.toString()).toBe('full\n');
  }, 60_000);
});

describe('keys that end', () => {
  it('refuses an expired key with 401 saying when it expired', async () => {
    const { key } = await createAuthKey({ ddb: aws.ddb, table: runtime.config.table }, 'brief', { expiresAt: Date.now() + 1_500 });
    const client = createGoClient({ url: runtime.config.url, auth: key });
    expect((await client.request('GET', '/api/jobs')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const refused = await client.request('GET', '/api/jobs');
    expect(refused.status).toBe(401);
    expect(errorOf(refused)).toMatch(/^This key expired at \d{4}-\d\d-\d\dT[\d:.]+Z$/);
  }, 30_000);

  it('refuses a removed key at once on the process told by auth rm, and within AUTH_CACHE_MS elsewhere', async () => {
    const table = { ddb: aws.ddb, table: runtime.config.table };
    const told = await createAuthKey(table, 'leaver');
    const untold = await createAuthKey(table, 'stayer');
    for (const key of [told.key, untold.key]) expect((await createGoClient({ url: runtime.config.url, auth: key }).request('GET', '/api/jobs')).status).toBe(200);
    const [removedTold] = await removeAuthKeys(table, told.authName);
    await removeAuthKeys(table, untold.authName);
    // The notice `aws-exec auth rm` sends (test/cli checks that it sends it).
    const notice = await as('full').request('POST', '/api/key/revoked', { body: JSON.stringify({ ids: [removedTold?.id] }) });
    expect(JSON.parse(notice.text)).toEqual({ forgotten: [removedTold?.id], 'still-present': [] });
    expect((await createGoClient({ url: runtime.config.url, auth: told.key }).request('GET', '/api/jobs')).status).toBe(401);
    // Not told: the warm process trusts what it looked up for AUTH_CACHE_MS (30 s), the documented bound.
    expect((await createGoClient({ url: runtime.config.url, auth: untold.key }).request('GET', '/api/jobs')).status).toBe(200);
    // A notice naming a key the table still holds changes nothing.
    const present = await as('full').request('POST', '/api/key/revoked', { body: JSON.stringify({ ids: [authItemId(hashAuthKey(keys.exec ?? ''))] }) });
    expect(JSON.parse(present.text)).toMatchObject({ forgotten: [], 'still-present': [expect.stringMatching(/^auth\./)] });
  }, 30_000);
});

describe('a share link', () => {
  it("follows its job's log to the exit code, with URLs that last at most 60 s", async () => {
    const sdk = createClient({ url: runtime.config.url, auth: shareToken });
    const { bytes, exitCode } = await sdk.tail(jobs.full as string).collect();
    expect({ log: new TextDecoder().decode(bytes), exitCode }).toEqual({ log: 'full\n', exitCode: 0 });
    const answer = JSON.parse((await as('share').request('GET', `/api/exec?uid=${jobs.full}`)).text) as { 'expires-at': number };
    expect(answer['expires-at'] - Date.now()).toBeLessThanOrEqual(61_000);
  }, 60_000);

  it('is refused on any other uid, with 403', async () => {
    const answer = await as('share').request('GET', `/api/exec?uid=${jobs.exec}`);
    expect(answer.status).toBe(403);
    expect(errorOf(answer)).toBe(`A share link allows following its one job (GET /api/exec?uid=${jobs.full}), not job \`${jobs.exec}\``);
  });

  it('is refused with 401 once revoked, at once', async () => {
    const made = JSON.parse((await as('full').request('POST', '/api/share', { body: JSON.stringify({ uid: jobs.full }) })).text) as { token: string; id: string };
    const link = createGoClient({ url: runtime.config.url, auth: made.token });
    expect((await link.request('GET', `/api/exec?uid=${jobs.full}`)).status).toBe(200);
    expect(await as('exec').request('DELETE', `/api/share?id=${made.id}`)).toMatchObject({ status: 404 });
    expect(JSON.parse((await as('full').request('DELETE', `/api/share?id=${made.id}`)).text)).toEqual({ id: made.id, revoked: true });
    expect((await link.request('GET', `/api/exec?uid=${jobs.full}`)).status).toBe(401);
  });

  it('is refused with 401 once expired', async () => {
    const made = JSON.parse((await as('full').request('POST', '/api/share', { body: JSON.stringify({ uid: jobs.full, 'expires-in': 60 }) })).text) as { token: string; id: string };
    const jobsTable = runtime.config.jobsTable ?? runtime.config.table;
    // Sixty seconds is the shortest a link may be asked for: its end is moved into the past instead of waiting.
    await aws.ddb.send(new UpdateCommand({ TableName: jobsTable, Key: { id: `share.${made.id}` }, UpdateExpression: 'SET #e = :past', ExpressionAttributeNames: { '#e': 'expires-at' }, ExpressionAttributeValues: { ':past': Date.now() - 1 } }));
    const refused = await createGoClient({ url: runtime.config.url, auth: made.token }).request('GET', `/api/exec?uid=${jobs.full}`);
    expect(refused.status).toBe(401);
    expect(errorOf(refused)).toMatch(/^This share link expired at /);
  });

  it("cannot be made for another key's job", async () => {
    const answer = await as('exec').request('POST', '/api/share', { body: JSON.stringify({ uid: jobs.full }) });
    expect(answer.status).toBe(404);
  });
});

describe('the per-key cap on running jobs', () => {
  it('answers 429 with Retry-After beyond the cap, and admits again once a job ended', async () => {
    const { key } = await createAuthKey({ ddb: aws.ddb, table: runtime.config.table }, 'capped', { maxRunning: 1 });
    const client = createGoClient({ url: runtime.config.url, auth: key });
    const first = await client.start({ argv: ['sleep', '30'] });
    const refused = await client.request('POST', '/api/exec', { body: JSON.stringify({ argv: ['true'] }) });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(errorOf(refused)).toBe('This key has 1 jobs queued or running, as many as it may (its max-running); start this one when one of them has ended');
    expect((await client.request('DELETE', `/api/exec?uid=${first}`)).status).toBe(200);
    expect((await client.follow(first)).exit).toBe(130);
    const again = await client.start({ argv: ['true'] });
    expect((await client.follow(again)).exit).toBe(0);
  }, 90_000);
});

describe('keys the Go aws-exec wrote', () => {
  it('keep every right, and their item is left as Go wrote it', async () => {
    const written = await putGoAuthKey(aws.ddbClient, runtime.config.table, 'gopher');
    const client = createGoClient({ url: runtime.config.url, auth: written.key });
    const uid = await client.start({ argv: ['echo', 'go'] });
    expect((await client.follow(uid)).log.toString()).toBe('go\n');
    expect(JSON.parse((await client.request('GET', '/api/key')).text)).toMatchObject({ 'auth-name': written.authName, scopes: null });
    const item = await aws.ddb.send(new GetCommand({ TableName: runtime.config.table, Key: { id: written.id } }));
    expect(item.Item).toEqual({ id: written.id, value: 'gopher' });
  }, 60_000);

  it('are not what a key with limits is stored as: that one has an empty value, which the Go backend refuses', async () => {
    const { authName } = await createAuthKey({ ddb: aws.ddb, table: runtime.config.table }, 'limited', { scopes: ['read'] });
    const found = (await listAuthKeys({ ddb: aws.ddb, table: runtime.config.table })).find((key) => key.authName === authName);
    const item = await aws.ddb.send(new GetCommand({ TableName: runtime.config.table, Key: { id: found?.id } }));
    expect(item.Item).toMatchObject({ value: '', name: 'limited', scopes: ['read'] });
  });
});
