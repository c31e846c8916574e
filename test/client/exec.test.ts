import { afterEach, describe, expect, it } from 'vitest';
import { TimeoutError, ValidationError, createClient } from '../../client/index.js';
import { playJob, startFakeServer } from './fake-server.js';
import type { FakeServer } from './fake-server.js';
import { createTestClient, text } from './helpers.js';

let server: FakeServer;
afterEach(async () => server?.close());

describe('exec', () => {
  it('starts the job, passes each chunk to onLog and resolves with the exit code', async () => {
    server = await startFakeServer();
    server.onStart = (job) => void playJob(server, job.uid, ['out\n', 30, 'err\n'], 3);
    const chunks: string[] = [];
    let started = '';
    const code = await createTestClient(server).exec(
      { argv: ['sh', '-c', 'echo out; echo err >&2; exit 3'] },
      { onLog: (chunk) => void chunks.push(text(chunk)), onStart: (uid) => (started = uid) },
    );
    expect(code).toBe(3);
    expect(chunks.join('')).toBe('out\nerr\n');
    expect(server.jobs.get(started)?.request).toEqual({ argv: ['sh', '-c', 'echo out; echo err >&2; exit 3'] });
  });

  it('follows the job with the URLs the POST answer carried, without asking GET /api/exec', async () => {
    server = await startFakeServer();
    server.knobs.urlsOnPost = true;
    server.onStart = (job) => void playJob(server, job.uid, ['one\n', 30, 'two\n'], 5);
    const chunks: string[] = [];
    expect(await createTestClient(server).exec({ argv: ['x'] }, { onLog: (chunk) => void chunks.push(text(chunk)) })).toBe(5);
    expect(chunks.join('')).toBe('one\ntwo\n');
    expect(server.counters.apiPost).toBe(1);
    expect(server.counters.apiStatus).toBe(0);
  });

  it('asks GET /api/exec for URLs when the POST answer is only the uid, as the original server answers', async () => {
    server = await startFakeServer();
    server.onStart = (job) => void playJob(server, job.uid, ['one\n'], 0);
    expect(await createTestClient(server).exec({ argv: ['x'] })).toBe(0);
    expect(server.counters.apiStatus).toBeGreaterThanOrEqual(1);
  });

  it('sends rpc-name, rpc-args and the job timeout with the protocol wire names', async () => {
    server = await startFakeServer();
    server.onStart = (job) => server.finish(job.uid, 0);
    const code = await createTestClient(server).exec({ rpcName: 'listdir', rpcArgs: { path: '.' }, timeout: 30 });
    expect(code).toBe(0);
    expect([...server.jobs.values()][0]?.request).toEqual({ 'rpc-name': 'listdir', 'rpc-args': { path: '.' }, timeout: 30 });
  });

  it('cancels the job and rejects with TimeoutError when the wait outlasts its timeout', async () => {
    server = await startFakeServer();
    const error = await createTestClient(server).exec({ argv: ['sleep', '100'] }, { timeout: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    const job = [...server.jobs.values()][0];
    expect((error as TimeoutError).uid).toBe(job?.uid);
    expect(job?.cancelRequested).toBe(true);
  });

  it('cancels the job and rejects with the abort reason when the caller aborts', async () => {
    server = await startFakeServer();
    const controller = new AbortController();
    server.onStart = () => setTimeout(() => controller.abort('user gave up'), 30);
    const error = await createTestClient(server).exec({ argv: ['sleep', '100'] }, { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBe('user gave up');
    expect([...server.jobs.values()][0]?.cancelRequested).toBe(true);
  });

  it('leaves the job running on abort when cancelOnAbort is false', async () => {
    server = await startFakeServer();
    const controller = new AbortController();
    server.onStart = () => setTimeout(() => controller.abort(), 30);
    const exec = createTestClient(server).exec({ argv: ['sleep', '100'] }, { signal: controller.signal, cancelOnAbort: false });
    await expect(exec).rejects.toMatchObject({ name: 'AbortError' });
    expect([...server.jobs.values()][0]?.cancelRequested).toBe(false);
  });

  it('refuses a request that is neither argv nor rpc-name before sending it', async () => {
    server = await startFakeServer();
    const client = createTestClient(server);
    await expect(client.start({ argv: [] })).rejects.toThrow(/Invalid job request: argv: Expected argv to hold at least the program name/);
    await expect(client.start({} as never)).rejects.toThrow(ValidationError);
    await expect(client.exec({ argv: ['true'] }, { timeout: -5 })).rejects.toThrow(/positive number of milliseconds, got -5/);
    expect(server.counters.apiPost).toBe(0);
  });
});

describe('cancel, list and commands', () => {
  it('cancels a running job and reports one that already exited', async () => {
    server = await startFakeServer();
    const client = createTestClient(server);
    const running = server.addJob();
    const exited = server.addJob();
    server.finish(exited.uid, 0);
    expect(await client.cancel(running.uid)).toEqual({ uid: running.uid, status: 'cancelling' });
    expect(await client.cancel(exited.uid)).toEqual({ uid: exited.uid, status: 'already-exited' });
  });

  it('lists jobs up to a limit and refuses a limit out of range', async () => {
    server = await startFakeServer();
    const client = createTestClient(server);
    for (let i = 0; i < 3; i++) server.addJob({ argv: ['echo', String(i)] });
    const jobs = await client.list({ limit: 2 });
    expect(jobs.map((job) => job.argv)).toEqual([['echo', '0'], ['echo', '1']]);
    await expect(client.list({ limit: 0 })).rejects.toThrow(/integer from 1 to 1000, got 0/);
  });

  it('lists the registered commands', async () => {
    server = await startFakeServer();
    expect(await createTestClient(server).commands()).toEqual([{ name: 'listdir', describe: 'Lists a directory', args: { type: 'object' } }]);
  });
});

describe('createClient', () => {
  it('refuses a url that is not http(s) and an empty key, saying what was expected', () => {
    expect(() => createClient({ url: 'ftp://x', auth: 'k' })).toThrow(/url: Expected url to be an http\(s\) URL/);
    expect(() => createClient({ url: 'http://x', auth: '' })).toThrow(/auth: Expected auth to be a non-empty key/);
    expect(() => createClient({ url: 'http://x', auth: 'k', poll: { maxDelayMs: -1 } })).toThrow(/Invalid poll options: maxDelayMs/);
  });

  it('uses an injected fetch for every request', async () => {
    server = await startFakeServer();
    const seen: string[] = [];
    const client = createTestClient(server, {
      fetch: (input, init) => {
        seen.push(`${init?.method ?? 'GET'} ${new URL(input).pathname}`);
        return fetch(input, init);
      },
    });
    await client.list();
    expect(seen).toEqual(['GET /api/jobs']);
  });
});
