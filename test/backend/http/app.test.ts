import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../backend/log.js';
import { createTestApp, KEYS } from '../helpers/app.js';

describe('the API app', () => {
  it('answers 401 without a hint for a missing or unknown key, after the configured delay', async () => {
    const { call } = createTestApp({ config: { authFailDelayMs: 150 } });
    const started = performance.now();
    const missing = await call('GET', '/api/jobs', { key: null });
    const unknown = await call('GET', '/api/jobs', { key: 'not-a-key' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect([missing.status, unknown.status]).toEqual([401, 401]);
    expect(await missing.json()).toEqual(await unknown.json());
  });

  it("lists only the caller's jobs, newest first, up to the limit", async () => {
    const { call, jobs } = createTestApp();
    // Queued a moment ago: a job queued for longer than LOST_QUEUED_AFTER_MS would be listed as closed.
    const base = { ttl: 0 };
    const t = Date.now();
    await jobs.createJob({ ...base, uid: '1700000001.00000000-0000-4000-8000-000000000001', 'auth-name': 'alice', 'started-at': t + 1, argv: ['a'] });
    await jobs.createJob({ ...base, uid: '1700000002.00000000-0000-4000-8000-000000000002', 'auth-name': 'alice', 'started-at': t + 2, 'rpc-name': 'listdir' });
    await jobs.createJob({ ...base, uid: '1700000003.00000000-0000-4000-8000-000000000003', 'auth-name': 'bob', 'started-at': t + 3, argv: ['b'] });
    const all = (await (await call('GET', '/api/jobs')).json()) as { jobs: { uid: string; status: string }[] };
    expect(all.jobs.map((job) => job.uid)).toEqual([
      '1700000002.00000000-0000-4000-8000-000000000002',
      '1700000001.00000000-0000-4000-8000-000000000001',
    ]);
    expect(all.jobs[0]).toEqual({ uid: '1700000002.00000000-0000-4000-8000-000000000002', status: 'queued', 'rpc-name': 'listdir', 'started-at': t + 2 });
    const limited = (await (await call('GET', '/api/jobs?limit=1')).json()) as { jobs: unknown[] };
    expect(limited.jobs).toHaveLength(1);
    const bobs = (await (await call('GET', '/api/jobs', { key: KEYS.bob })).json()) as { jobs: { uid: string }[] };
    expect(bobs.jobs.map((job) => job.uid)).toEqual(['1700000003.00000000-0000-4000-8000-000000000003']);
  });

  it("lists a registered command's arguments as it was started, unless they are too long to list", async () => {
    const { call } = createTestApp();
    expect((await call('POST', '/api/exec', { body: { 'rpc-name': 'listdir', 'rpc-args': { path: 'cmd' } } })).status).toBe(200);
    const huge = { path: 'x'.repeat(9000) };
    expect((await call('POST', '/api/exec', { body: { 'rpc-name': 'listdir', 'rpc-args': huge } })).status).toBe(200);
    const listed = (await (await call('GET', '/api/jobs')).json()) as { jobs: { 'rpc-args'?: string }[] };
    expect(listed.jobs).toHaveLength(2);
    expect(listed.jobs.flatMap((job) => (job['rpc-args'] === undefined ? [] : [job['rpc-args']]))).toEqual(['{"path":"cmd"}']);
  });

  it('answers 400 for a limit out of range', async () => {
    const { call } = createTestApp();
    const response = await call('GET', '/api/jobs?limit=0');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/^Invalid query: limit: /);
  });

  it('describes the registered commands with their argument JSON Schema', async () => {
    const { call } = createTestApp();
    const body = (await (await call('GET', '/api/commands')).json()) as { commands: { name: string; args: { type: string } }[] };
    expect(body.commands.map((command) => command.name)).toEqual(['listdir', 'http-check', 'db-copy']);
    expect(body.commands[0]?.args.type).toBe('object');
  });

  it('answers its name and version without auth', async () => {
    const { call } = createTestApp();
    const response = await call('GET', '/_version', { key: null });
    expect(await response.json()).toEqual({ name: 'aws-exec', version: '9.9.9' });
  });

  it('serves the page at / (the built one, else a placeholder) with a content security policy that starts from nothing', async () => {
    const { call } = createTestApp();
    const response = await call('GET', '/', { key: null });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await response.text()).toMatch(/^<!doctype html>/);
  });

  it('puts the security headers on every answer, errors included, and no-store on the API', async () => {
    const { call } = createTestApp();
    for (const response of [await call('GET', '/api/jobs'), await call('GET', '/api/jobs', { key: null }), await call('GET', '/missing')]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    }
    expect((await call('GET', '/api/jobs')).headers.get('cache-control')).toBe('no-store');
  });

  it('answers a CORS preflight for the API without auth, allowing the auth and content-type headers', async () => {
    const { call } = createTestApp();
    const response = await call('OPTIONS', '/api/exec', {
      key: null,
      headers: { origin: 'https://example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'auth,content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')).toBe('auth,content-type');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers 404 JSON for an unknown route', async () => {
    const { call } = createTestApp();
    const response = await call('GET', '/nope', { key: null });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'No route for GET /nope' });
  });

  it('answers a failure inside with "internal error" and a request id, and logs the stack instead', async () => {
    const logged: Record<string, unknown>[] = [];
    const logger: Logger = { info() {}, warn() {}, error: (message, fields) => logged.push({ message, ...fields }) };
    const { call, jobs } = createTestApp({ logger });
    jobs.listJobs = async () => {
      throw new Error('secret internals at /var/task/x.js:1');
    };
    const response = await call('GET', '/api/jobs');
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).toMatch(/^\{"error":"internal error \(request id [0-9a-f-]{36}\)"\}$/);
    expect(text).not.toContain('secret');
    expect(logged[0]?.error).toBeInstanceOf(Error);
  });
});
