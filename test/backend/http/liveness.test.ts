import { describe, expect, it } from 'vitest';
import { jobKeys } from '../../../protocol/index.js';
import { createTestApp } from '../helpers/app.js';

async function lostJob() {
  const fixture = createTestApp();
  const response = await fixture.call('POST', '/api/exec', { body: { argv: ['sleep', '600'] } });
  const { uid } = (await response.json()) as { uid: string };
  const now = Date.now();
  await fixture.jobs.claimJob(uid, 'alice', { claimedAt: now - 60_000, deadline: now + 800_000, aliveUntil: now - 25_000 });
  await fixture.objects.putObject(jobKeys('alice', uid).log, 'partial\n');
  return { ...fixture, uid };
}

const LINE = '[aws-exec] the runner of this job stopped (no heartbeat for 55 s); exit 137\n';
const expiresIn = (url: unknown) => Number(new URL(String(url)).searchParams.get('X-Amz-Expires'));

describe('liveness through the API', () => {
  it('closes a job whose runner is gone when a follower asks for it, and answers its exit at its size', async () => {
    const { call, uid, objects } = await lostJob();
    const keys = jobKeys('alice', uid);
    const first = (await (await call('GET', `/api/exec?uid=${uid}&range-start=8`)).json()) as Record<string, unknown>;
    expect(first).toHaveProperty('url');
    expect(Buffer.from(objects.objects.get(keys.log) ?? []).toString()).toBe(`partial\n${LINE}`);
    const size = 8 + LINE.length;
    expect(await (await call('GET', `/api/exec?uid=${uid}&range-start=${size}`)).json()).toEqual({ exit: 137 });
  });

  it('lists a job whose runner is gone as exited', async () => {
    const { call, uid } = await lostJob();
    const listed = (await (await call('GET', '/api/jobs')).json()) as { jobs: Record<string, unknown>[] };
    expect(listed.jobs).toEqual([expect.objectContaining({ uid, status: 'exited', exit: 137, size: 8 + LINE.length })]);
  });

  it('hands out URLs of a running job for 20 s, so followers come back within the lease, and of an ended one for 15 minutes', async () => {
    const { call, jobs } = createTestApp();
    const started = (await (await call('POST', '/api/exec', { body: { argv: ['true'] } })).json()) as { uid: string; url: string; 'expires-at': number };
    expect(expiresIn(started.url)).toBe(20);
    expect(started['expires-at'] - Date.now()).toBeLessThanOrEqual(20_000);
    const running = (await (await call('GET', `/api/exec?uid=${started.uid}&range-start=0`)).json()) as Record<string, unknown>;
    expect(['url', 'size-url', 'exit-url'].map((field) => expiresIn(running[field]))).toEqual([20, 20, 20]);
    await jobs.finishJob(started.uid, { exit: 0, size: 4, endedAt: Date.now() });
    const ended = (await (await call('GET', `/api/exec?uid=${started.uid}&range-start=0`)).json()) as Record<string, unknown>;
    expect(expiresIn(ended.url)).toBe(900);
  });

  it('keeps the URLs of a job whose log is incomplete short-lived, and lists it with its real exit code and the flag', async () => {
    const { call, jobs } = createTestApp();
    const { uid } = (await (await call('POST', '/api/exec', { body: { argv: ['true'] } })).json()) as { uid: string };
    await jobs.finishJob(uid, { exit: 3, size: 4, endedAt: Date.now(), logIncomplete: true });
    const answer = (await (await call('GET', `/api/exec?uid=${uid}&range-start=0`)).json()) as Record<string, unknown>;
    expect(expiresIn(answer.url)).toBe(20);
    const listed = (await (await call('GET', '/api/jobs')).json()) as { jobs: Record<string, unknown>[] };
    expect(listed.jobs[0]).toMatchObject({ uid, status: 'exited', exit: 3, 'log-incomplete': true });
  });
});
