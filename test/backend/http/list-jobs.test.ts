import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ListJobsResponse } from '../../../protocol/index.js';
import { createTestApp, KEYS } from '../helpers/app.js';

type App = ReturnType<typeof createTestApp>;

// Recent start times: a job queued for longer than the liveness limit would be closed as lost by the
// listing itself (backend/sweep/lost.ts), which is not what these tests look at.
async function seed(app: App, authName: string, count: number, base = Math.floor(Date.now() / 1000) * 1000 - 10_000): Promise<string[]> {
  const uids: string[] = [];
  for (let i = 0; i < count; i++) {
    const uid = `${Math.floor((base + i * 1000) / 1000)}.${randomUUID()}`;
    await app.jobs.createJob({ uid, 'auth-name': authName, 'started-at': base + i * 1000, ttl: 0, argv: ['true'] });
    uids.push(uid);
  }
  return uids;
}

async function list(app: App, query: string, key: string = KEYS.alice): Promise<{ status: number; body: ListJobsResponse & { error?: string } }> {
  const response = await app.call('GET', `/api/jobs${query}`, { key });
  return { status: response.status, body: (await response.json()) as ListJobsResponse & { error?: string } };
}

describe('GET /api/jobs pages', () => {
  it('hands out a cursor per page and none after the last', async () => {
    const app = createTestApp();
    const uids = await seed(app, 'alice', 5);
    const first = await list(app, '?limit=2');
    expect(first.body.jobs.map((job) => job.uid)).toEqual([uids[4], uids[3]]);
    const second = await list(app, `?limit=2&cursor=${first.body.next}`);
    expect(second.body.jobs.map((job) => job.uid)).toEqual([uids[2], uids[1]]);
    const third = await list(app, `?limit=2&cursor=${second.body.next}`);
    expect(third.body).toEqual({ jobs: [expect.objectContaining({ uid: uids[0] })] });
  });

  it('answers 400 for a cursor with any character changed, saying what was expected', async () => {
    const app = createTestApp();
    await seed(app, 'alice', 3);
    const cursor = (await list(app, '?limit=1')).body.next ?? '';
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    for (let at = 0; at < cursor.length; at++) {
      if (cursor[at] === '.') continue;
      // Flipping the low bit also tries the unused bits of a base64 text's last character.
      for (const swap of ['A', 'B']) {
        if (cursor[at] === swap) continue;
        const answer = await list(app, `?limit=1&cursor=${cursor.slice(0, at)}${swap}${cursor.slice(at + 1)}`);
        expect(answer.status, `${swap} at ${at}`).toBe(400);
        expect(answer.body.error).toMatch(/^Expected cursor to be the `next` of an earlier GET \/api\/jobs answer/);
      }
    }
  });

  it("answers 400 for another key's cursor or one made with another status filter", async () => {
    const app = createTestApp();
    await seed(app, 'alice', 3);
    await seed(app, 'bob', 3);
    const alices = (await list(app, '?limit=1')).body.next ?? '';
    expect((await list(app, `?limit=1&cursor=${alices}`, KEYS.bob)).status).toBe(400);
    expect((await list(app, `?limit=1&status=queued&cursor=${alices}`)).status).toBe(400);
    const filtered = (await list(app, '?limit=1&status=running,queued')).body.next ?? '';
    expect((await list(app, `?limit=1&status=queued,running&cursor=${filtered}`)).status).toBe(200);
  });

  it('answers 400 for a malformed cursor or status, naming the parameter', async () => {
    const app = createTestApp();
    const badCursor = await list(app, '?cursor=not%20a%20cursor');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error).toMatch(/cursor: Expected cursor to be the `next` of an earlier GET \/api\/jobs answer/);
    const badStatus = await list(app, '?status=done');
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.error).toMatch(/status: Expected status to be one or more of queued, running, exited, separated by commas/);
  });

  it('filters by status', async () => {
    const app = createTestApp();
    const uids = await seed(app, 'alice', 3);
    const now = Date.now();
    await app.jobs.claimJob(uids[1] as string, 'alice', { claimedAt: now, deadline: now + 60_000 });
    expect((await list(app, '?status=running')).body.jobs.map((job) => job.uid)).toEqual([uids[1]]);
    expect((await list(app, '?status=queued')).body.jobs.map((job) => job.uid)).toEqual([uids[2], uids[0]]);
    expect((await list(app, '?status=exited')).body.jobs).toEqual([]);
  });
});
