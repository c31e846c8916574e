import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, AuthError, BadRequestError, NetworkError, NotFoundError, createClient } from '../../client/index.js';
import { computeRetryDelay } from '../../client/retry.js';
import { RetryPolicy } from '../../client/options.js';
import { startFakeServer } from './fake-server.js';
import type { FakeServer } from './fake-server.js';
import { createTestClient } from './helpers.js';

let server: FakeServer;
afterEach(async () => server?.close());

describe('retries', () => {
  it('retries 5xx answers of the API and then succeeds', async () => {
    server = await startFakeServer({ failApi: 2 });
    const uid = await createTestClient(server).start({ argv: ['true'] });
    expect(server.jobs.has(uid)).toBe(true);
    expect(server.counters.apiPost).toBe(1);
    expect(server.knobs.failApi).toBe(0);
  });

  it('retries a dropped connection and then succeeds', async () => {
    server = await startFakeServer({ dropConnections: 2 });
    const jobs = await createTestClient(server).list();
    expect(jobs).toEqual([]);
    expect(server.knobs.dropConnections).toBe(0);
  });

  it('retries 5xx answers of the bucket while tailing', async () => {
    server = await startFakeServer({ failBucket: 3 });
    const job = server.addJob();
    server.append(job.uid, 'hello');
    server.finish(job.uid, 0);
    const { bytes, exitCode } = await createTestClient(server).tail(job.uid).collect();
    expect(new TextDecoder().decode(bytes)).toBe('hello');
    expect(exitCode).toBe(0);
  });

  it('throws a 400 at once as BadRequestError with the server message, without retrying', async () => {
    server = await startFakeServer({ refuseStart: { status: 400, error: 'Expected rpc-args to match listdir: path must be a string' } });
    const error = await createTestClient(server).start({ rpcName: 'listdir', rpcArgs: '{}' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, message: 'Expected rpc-args to match listdir: path must be a string' });
    expect(server.counters.apiPost).toBe(1);
  });

  it('throws AuthError for a wrong key and NotFoundError for an unknown job', async () => {
    server = await startFakeServer();
    const wrong = createTestClient(server, { auth: 'wrong' });
    await expect(wrong.list()).rejects.toBeInstanceOf(AuthError);
    const unknown = createTestClient(server).cancel('1700000000.123e4567-e89b-12d3-a456-426614174000');
    await expect(unknown).rejects.toBeInstanceOf(NotFoundError);
    await expect(createTestClient(server).cancel('1700000000.123e4567-e89b-12d3-a456-426614174000')).rejects.toThrow('No such job');
  });

  it('gives up after the configured retries and throws the last 5xx as ApiError', async () => {
    server = await startFakeServer({ failApi: 100 });
    const client = createTestClient(server, { retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } });
    const error = await client.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, message: 'Service Unavailable' });
    expect(server.knobs.failApi).toBe(97);
  });

  it('throws NetworkError with the cause when nothing listens', async () => {
    server = await startFakeServer();
    const url = server.url;
    await server.close();
    const client = createClient({ url, auth: 'k', retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 } });
    const error = await client.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).message).toMatch(/Could not reach GET \/api\/jobs after 2 attempts/);
    expect((error as NetworkError).cause).toBeDefined();
  });
});

describe('computeRetryDelay', () => {
  it('stays under an exponential ceiling capped by maxDelayMs', () => {
    const policy = RetryPolicy.parse({ minDelayMs: 100, maxDelayMs: 1000, factor: 2 });
    expect(computeRetryDelay(policy, 0, () => 1)).toBe(100);
    expect(computeRetryDelay(policy, 2, () => 1)).toBe(400);
    expect(computeRetryDelay(policy, 10, () => 1)).toBe(1000);
    expect(computeRetryDelay(policy, 3, () => 0.5)).toBe(400);
    expect(computeRetryDelay(policy, 3, () => 0)).toBe(0);
  });
});
