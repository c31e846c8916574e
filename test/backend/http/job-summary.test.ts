import { describe, expect, it } from 'vitest';
import { jobKeys, type JobSummary, type ListJobsResponse } from '../../../protocol/index.js';
import { createTestApp, KEYS } from '../helpers/app.js';

type App = ReturnType<typeof createTestApp>;

async function start(app: App, argv: string[], key: string = KEYS.alice): Promise<string> {
  const response = await app.call('POST', '/api/exec', { body: { argv }, key });
  expect(response.status).toBe(200);
  return ((await response.json()) as { uid: string }).uid;
}

async function show(app: App, uid: string, key: string = KEYS.alice): Promise<{ status: number; body: JobSummary & { error?: string } }> {
  const response = await app.call('GET', `/api/job?uid=${encodeURIComponent(uid)}`, { key });
  return { status: response.status, body: (await response.json()) as JobSummary & { error?: string } };
}

describe('GET /api/job', () => {
  it('answers one of the caller\'s jobs exactly as the listing shows it', async () => {
    const app = createTestApp();
    const uid = await start(app, ['echo', 'one']);
    await start(app, ['echo', 'two']);
    await app.jobs.finishJob(uid, { exit: 3, size: 4, endedAt: Date.now() });
    const listed = ((await (await app.call('GET', '/api/jobs')).json()) as ListJobsResponse).jobs.find((job) => job.uid === uid);
    const answer = await show(app, uid);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(listed);
    expect(answer.body).toMatchObject({ uid, status: 'exited', argv: ['echo', 'one'], exit: 3, size: 4 });
  });

  it("answers 404 for another key's job, as for a uid that never existed", async () => {
    const app = createTestApp();
    const bobs = await start(app, ['true'], KEYS.bob);
    const foreign = await show(app, bobs);
    expect(foreign).toEqual({ status: 404, body: { error: `No job with uid \`${bobs}\`` } });
    const unknown = '1700000000.00000000-0000-4000-8000-000000000000';
    expect(await show(app, unknown)).toEqual({ status: 404, body: { error: `No job with uid \`${unknown}\`` } });
    expect((await show(app, bobs, KEYS.bob)).status).toBe(200);
  });

  it('answers 400 for a missing or malformed uid, naming the parameter', async () => {
    const app = createTestApp();
    const malformed = await show(app, 'not-a-uid');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toBe("Invalid query: uid: Expected a job uid like `1700000000.<uuid>`, got `not-a-uid`");
    expect((await app.call('GET', '/api/job')).status).toBe(400);
  });

  it('closes a job whose runner is gone before answering, as the listing does', async () => {
    const app = createTestApp();
    const uid = await start(app, ['sleep', '600']);
    const now = Date.now();
    await app.jobs.claimJob(uid, 'alice', { claimedAt: now - 60_000, deadline: now + 800_000, aliveUntil: now - 25_000 });
    await app.objects.putObject(jobKeys('alice', uid).log, 'partial\n');
    expect((await show(app, uid)).body).toMatchObject({ uid, status: 'exited', exit: 137 });
  });
});
