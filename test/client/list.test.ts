import { describe, expect, it } from 'vitest';
import { createClient } from '../../client/index.js';

const JOB = { uid: '1700000000.00000000-0000-4000-8000-000000000001', status: 'exited', 'started-at': 1_700_000_000_000, exit: 0 };

/** A client whose fetch answers every call with `answer` and records the URLs asked. */
function recordingClient(answer: unknown) {
  const urls: URL[] = [];
  const client = createClient({
    url: 'http://api.test',
    auth: 'key',
    fetch: async (input) => {
      urls.push(new URL(String(input)));
      return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
    },
  });
  return { client, urls };
}

describe('listing pages with the client', () => {
  it('sends limit, status and cursor, and hands back the next cursor', async () => {
    const { client, urls } = recordingClient({ jobs: [JOB], next: 'abc.def' });
    const page = await client.listPage({ limit: 1, status: ['queued', 'running'], cursor: 'xyz.uvw' });
    expect(page).toEqual({ jobs: [JOB], next: 'abc.def' });
    expect(urls[0]?.pathname).toBe('/api/jobs');
    expect(Object.fromEntries(urls[0]?.searchParams ?? [])).toEqual({ limit: '1', status: 'queued,running', cursor: 'xyz.uvw' });
  });

  it('gives no next on the last page, and list() still answers the jobs alone', async () => {
    const { client, urls } = recordingClient({ jobs: [JOB] });
    expect(await client.listPage({ status: 'exited' })).toEqual({ jobs: [JOB] });
    expect(await client.list()).toEqual([JOB]);
    expect(urls.map((url) => url.search)).toEqual(['?status=exited', '']);
  });

  it('refuses a status or cursor the API would refuse, before calling it', async () => {
    const { client, urls } = recordingClient({ jobs: [] });
    // @ts-expect-error a status that does not exist
    await expect(client.listPage({ status: 'done' })).rejects.toThrow(/Expected status to be one or more of queued, running, exited, got "done"/);
    await expect(client.listPage({ status: [] })).rejects.toThrow(/Expected status to be one or more of/);
    await expect(client.listPage({ cursor: 'a b' })).rejects.toThrow(/Expected cursor to be the `next` of an earlier page/);
    expect(urls).toEqual([]);
  });
});

describe("one job's summary with the client", () => {
  it('asks GET /api/job with the uid and answers the job', async () => {
    const { client, urls } = recordingClient(JOB);
    expect(await client.summary(JOB.uid)).toEqual(JOB);
    expect(urls.map((url) => `${url.pathname}${url.search}`)).toEqual([`/api/job?uid=${JOB.uid}`]);
  });

  it('refuses a malformed uid before calling the API', async () => {
    const { client, urls } = recordingClient(JOB);
    await expect(client.summary('not-a-uid')).rejects.toThrow('Expected a job uid like `1700000000.<uuid>`, got `not-a-uid`');
    expect(urls).toEqual([]);
  });
});
