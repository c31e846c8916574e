import { describe, expect, it } from 'vitest';
import { ExecResponse, jobKeys, MAX_REQUEST_BYTES } from '../../../protocol/index.js';
import { createTestApp, KEYS } from '../helpers/app.js';

const UID_RE = /^\d{10}\.[0-9a-f-]{36}$/;

describe('POST /api/exec', () => {
  it('accepts the Go client body, creates the record and an empty log, and sends the job event', async () => {
    const { call, jobs, objects, invoker } = createTestApp();
    const response = await call('POST', '/api/exec', { body: { 'push-urls': null, argv: ['echo', 'hi'], 'rpc-name': '', 'rpc-args': '' } });
    expect(response.status).toBe(200);
    const { uid } = (await response.json()) as { uid: string };
    expect(uid).toMatch(UID_RE);
    expect(await jobs.getJob(uid)).toMatchObject({ status: 'queued', 'auth-name': 'alice', argv: ['echo', 'hi'] });
    expect(objects.objects.get(jobKeys('alice', uid).log)?.byteLength).toBe(0);
    expect(invoker.events).toEqual([{ 'event-type': 'exec', 'auth-name': 'alice', uid, argv: ['echo', 'hi'] }]);
  });

  it('answers the presigned GETs of the log, size and exit objects beside the uid, as GET /api/exec would', async () => {
    const { call } = createTestApp();
    const response = await call('POST', '/api/exec', { body: { argv: ['echo', 'hi'] } });
    const answer = (await response.json()) as Record<string, unknown>;
    const keys = jobKeys('alice', String(answer.uid));
    expect(answer).toMatchObject({
      url: expect.stringContaining(keys.log),
      'size-url': expect.stringContaining(keys.size),
      'exit-url': expect.stringContaining(keys.exit),
      'expires-at': expect.any(Number),
    });
    expect(ExecResponse.safeParse(answer).success).toBe(true);
  });

  it('accepts rpc-args as a JSON string or as an object and sends them on as a string', async () => {
    const { call, invoker } = createTestApp();
    expect((await call('POST', '/api/exec', { body: { 'rpc-name': 'listdir', 'rpc-args': '{"path":"/tmp"}' } })).status).toBe(200);
    expect((await call('POST', '/api/exec', { body: { 'rpc-name': 'listdir', 'rpc-args': { path: '/' } } })).status).toBe(200);
    expect(invoker.events.map((event) => event['rpc-args'])).toEqual(['{"path":"/tmp"}', '{"path":"/"}']);
  });

  it('answers 404 for an unknown rpc-name and starts nothing', async () => {
    const { call, invoker, jobs } = createTestApp();
    const response = await call('POST', '/api/exec', { body: { 'rpc-name': 'nope' } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'Expected rpc-name to be a registered command (listdir, http-check, db-copy), got `nope`' });
    expect(invoker.events).toHaveLength(0);
    expect(jobs.records.size).toBe(0);
  });

  it('answers 400 naming the path, the expectation and what came when rpc-args fail the schema', async () => {
    const { call, invoker } = createTestApp();
    const response = await call('POST', '/api/exec', { body: { 'rpc-name': 'listdir', 'rpc-args': '{"path":42}' } });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: string };
    expect(error).toMatch(/^Invalid rpc-args for listdir: path: .*expected string.*number/);
    expect(invoker.events).toHaveLength(0);
  });

  it('answers 400 naming a misspelled rpc-args key instead of running with the defaults', async () => {
    const { call, invoker } = createTestApp();
    const response = await call('POST', '/api/exec', { body: { 'rpc-name': 'listdir', 'rpc-args': '{"pth": "cmd"}' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'Invalid rpc-args for listdir: Unexpected key `pth` (not among the known ones: check the spelling)' });
    expect(invoker.events).toHaveLength(0);
  });

  it('answers 400 naming a body key the protocol does not have', async () => {
    const { call, invoker } = createTestApp();
    const response = await call('POST', '/api/exec', { body: { argv: ['true'], timeot: 5 } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'Invalid request body: Unexpected key `timeot` (not among the known ones: check the spelling)' });
    expect(invoker.events).toHaveLength(0);
  });

  it('answers 400 for rpc-args that are not JSON', async () => {
    const { call } = createTestApp();
    const response = await call('POST', '/api/exec', { body: { 'rpc-name': 'listdir', 'rpc-args': '{path' } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/^Expected rpc-args to be a JSON object \(as a string or an object\): /);
  });

  it.each([
    ['malformed JSON', '{"argv": [', /^Expected a JSON body: /],
    ['an empty body', '', /^Expected a JSON body, got an empty body$/],
    ['a JSON array', '["echo"]', /^Expected a JSON object, got an array$/],
    ['argv of the wrong type', '{"argv": "echo hi"}', /^Invalid request body: argv: .*expected array, received string/],
    ['an argv element of the wrong type', '{"argv": ["echo", 1]}', /^Invalid request body: argv\.1: .*expected string, received number/],
    ['neither argv nor rpc-name', '{}', /Expected either argv \(a subprocess\) or rpc-name \(a registered command\), got neither/],
    ['both argv and rpc-name', '{"argv":["a"],"rpc-name":"listdir"}', /Expected either argv or rpc-name, got both/],
    ['a push-url that is not http', '{"argv":["a"],"push-urls":{"log":"file:///x","exit":"http://a/","size":"http://a/"}}', /push-urls\.log: Expected an http\(s\) URL, got `file:\/\/\/x`/],
  ])('answers 400 with a message for %s, and starts nothing', async (_what, body, message) => {
    const { call, invoker } = createTestApp();
    const response = await call('POST', '/api/exec', { body });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(message);
    expect(invoker.events).toHaveLength(0);
  });

  it('answers 413 for a body over the limit', async () => {
    const { call, invoker } = createTestApp();
    const response = await call('POST', '/api/exec', { body: { argv: ['echo', 'x'.repeat(MAX_REQUEST_BYTES)] } });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toMatch(/at most \d+ bytes/);
    expect(invoker.events).toHaveLength(0);
  });

  it('answers 400 for a timeout above the function timeout', async () => {
    const { call } = createTestApp({ config: { functionTimeoutSeconds: 60 } });
    const response = await call('POST', '/api/exec', { body: { argv: ['sleep', '1'], timeout: 61 } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "Expected timeout to be at most 60 seconds (the function's timeout), got 61" });
  });

  it("closes the job and answers 502 when the job event cannot be sent", async () => {
    const { call, invoker, jobs, objects } = createTestApp();
    invoker.fail = true;
    const response = await call('POST', '/api/exec', { body: { argv: ['echo'] } });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: string }).error).toMatch(/^Could not start the job \(request id [0-9a-f-]+\)$/);
    const [record] = jobs.records.values();
    expect(record).toMatchObject({ status: 'exited', exit: 1 });
    const keys = jobKeys('alice', record?.uid ?? '');
    expect(Buffer.from(objects.objects.get(keys.log) ?? []).toString()).toBe('[aws-exec] could not start the job\n');
  });

  it('creates the caller-owned log empty first in push-urls mode', async () => {
    const puts: { url: string; bytes: number }[] = [];
    const fakeFetch: typeof fetch = async (input, init) => {
      puts.push({ url: String(input), bytes: (init?.body as Uint8Array).byteLength });
      return new Response(null, { status: 200 });
    };
    const { call, invoker, objects } = createTestApp({ fetch: fakeFetch });
    const urls = { log: 'http://127.0.0.1:1/log', exit: 'http://127.0.0.1:1/exit', size: 'http://127.0.0.1:1/size' };
    const response = await call('POST', '/api/exec', { body: { argv: ['echo'], 'push-urls': urls } });
    expect(response.status).toBe(200);
    expect(puts).toEqual([{ url: urls.log, bytes: 0 }]);
    expect(invoker.events[0]?.['push-urls']).toEqual(urls);
    expect(objects.objects.size).toBe(0);
    expect(Object.keys((await response.json()) as object)).toEqual(['uid']);
  });

  it('answers 400 when the push-urls log refuses the PUT', async () => {
    const fakeFetch: typeof fetch = async () => new Response('denied', { status: 403, statusText: 'Forbidden' });
    const { call, invoker } = createTestApp({ fetch: fakeFetch });
    const urls = { log: 'http://127.0.0.1:1/log', exit: 'http://127.0.0.1:1/exit', size: 'http://127.0.0.1:1/size' };
    const response = await call('POST', '/api/exec', { body: { argv: ['echo'], 'push-urls': urls } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'Expected push-urls.log to accept a PUT, got 403 Forbidden' });
    expect(invoker.events).toHaveLength(0);
  });
});

describe('GET /api/exec', () => {
  async function started() {
    const fixture = createTestApp();
    const response = await fixture.call('POST', '/api/exec', { body: { argv: ['echo'] } });
    const { uid } = (await response.json()) as { uid: string };
    return { ...fixture, uid };
  }

  it('answers presigned URLs of the log, size and exit with their expiry while the job runs', async () => {
    const { call, uid } = await started();
    const response = await call('GET', `/api/exec?uid=${uid}&range-start=0`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    const keys = jobKeys('alice', uid);
    expect(body.url).toContain(keys.log);
    expect(body['size-url']).toContain(keys.size);
    expect(body['exit-url']).toContain(keys.exit);
    expect(body['expires-at']).toBeGreaterThan(Date.now());
  });

  it('answers the exit code once the job exited and range-start equals the size', async () => {
    const { call, uid, jobs } = await started();
    await jobs.finishJob(uid, { exit: 3, size: 12, endedAt: Date.now() });
    expect(await (await call('GET', `/api/exec?uid=${uid}&range-start=12`)).json()).toEqual({ exit: 3 });
    expect(await (await call('GET', `/api/exec?uid=${uid}&range-start=5`)).json()).toHaveProperty('url');
    expect((await call('GET', `/api/exec?uid=${uid}&range-start=13`)).status).toBe(400);
  });

  it("answers 404 for another name's job, exactly as for a uid that never existed", async () => {
    const { call, uid } = await started();
    const foreign = await call('GET', `/api/exec?uid=${uid}`, { key: KEYS.bob });
    const unknown = await call('GET', `/api/exec?uid=${uid.slice(0, -1)}0`, { key: KEYS.bob });
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect((await foreign.json()) as object).toEqual({ error: `No job with uid \`${uid}\`` });
  });

  it('answers 400 for a uid that is not one, such as a path', async () => {
    const { call } = await started();
    const response = await call('GET', '/api/exec?uid=../../etc/passwd');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('Invalid query: uid: Expected a job uid like `1700000000.<uuid>`, got `../../etc/passwd`');
  });

  it('answers 400 for a range-start that is not a number', async () => {
    const { call, uid } = await started();
    const response = await call('GET', `/api/exec?uid=${uid}&range-start=-1`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/range-start: Expected range-start to be a non-negative integer, got `-1`/);
  });
});

describe('DELETE /api/exec', () => {
  it('records a cancel on a running job and says so', async () => {
    const { call, jobs } = createTestApp();
    const { uid } = (await (await call('POST', '/api/exec', { body: { argv: ['sleep', '9'] } })).json()) as { uid: string };
    const response = await call('DELETE', `/api/exec?uid=${uid}`);
    expect(await response.json()).toEqual({ uid, status: 'cancelling' });
    expect((await jobs.getJob(uid))?.['cancel-requested']).toBe(true);
  });

  it('says already-exited for a job that ended', async () => {
    const { call, jobs } = createTestApp();
    const { uid } = (await (await call('POST', '/api/exec', { body: { argv: ['true'] } })).json()) as { uid: string };
    await jobs.finishJob(uid, { exit: 0, size: 0, endedAt: Date.now() });
    expect(await (await call('DELETE', `/api/exec?uid=${uid}`)).json()).toEqual({ uid, status: 'already-exited' });
  });

  it("answers 404 for another name's job and leaves it alone", async () => {
    const { call, jobs } = createTestApp();
    const { uid } = (await (await call('POST', '/api/exec', { body: { argv: ['true'] } })).json()) as { uid: string };
    expect((await call('DELETE', `/api/exec?uid=${uid}`, { key: KEYS.bob })).status).toBe(404);
    expect((await jobs.getJob(uid))?.['cancel-requested']).toBeUndefined();
  });
});
