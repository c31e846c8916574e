import { describe, expect, it } from 'vitest';
import type { EventDeliverer } from '../../../backend/events/deliver.js';
import { ListJobsResponse } from '../../../protocol/index.js';
import { createTestApp } from '../helpers/app.js';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

/** The app with keys whose webhook settings are `settings`, and a deliverer that sends nothing. */
function setup(settings: { secret?: string; url?: string }, allowPrivateHosts = false) {
  const test = createTestApp();
  test.deps.config = { ...test.deps.config, events: { ...test.deps.config.events, allowPrivateHosts } };
  test.deps.keyWebhooks = { read: async () => settings };
  const events: EventDeliverer = { wantsEvent: (hasUrl) => hasUrl, deliver: async () => {}, deliverDue: async () => 0 };
  test.deps.events = events;
  return test;
}

describe('POST /api/exec with notify', () => {
  it('records the webhook on the job and lists its event without the secret', async () => {
    const { call, jobs } = setup({ secret: SECRET });
    const started = await call('POST', '/api/exec', { body: { argv: ['true'], notify: { url: 'https://hooks.example.com/a' } } });
    expect(started.status).toBe(200);
    const { uid } = (await started.json()) as { uid: string };
    expect(await jobs.getJob(uid)).toMatchObject({ 'event-state': 'pending', 'event-url': 'https://hooks.example.com/a', 'event-secret': SECRET });
    const listed = ListJobsResponse.parse(await (await call('GET', '/api/jobs')).json());
    expect(listed.jobs[0]?.event).toEqual({ id: `msg_${uid}`, state: 'pending', url: 'https://hooks.example.com/a', attempts: [] });
    expect(JSON.stringify(listed)).not.toContain('whsec_');
  });

  it("uses the key's default URL when the request names none, and records no event without either", async () => {
    const { call, jobs } = setup({ secret: SECRET, url: 'https://hooks.example.com/default' });
    const { uid } = (await (await call('POST', '/api/exec', { body: { argv: ['true'] } })).json()) as { uid: string };
    expect((await jobs.getJob(uid))?.['event-url']).toBe('https://hooks.example.com/default');
    const plain = setup({ secret: SECRET });
    const other = (await (await plain.call('POST', '/api/exec', { body: { argv: ['true'] } })).json()) as { uid: string };
    expect((await plain.jobs.getJob(other.uid))?.['event-state']).toBeUndefined();
  });

  it('refuses a loopback or private host on a deployment that does not allow them, naming notify.url', async () => {
    const { call } = setup({ secret: SECRET });
    for (const url of ['http://127.0.0.1:9001/2018-06-01/runtime/invocation/next', 'http://10.0.0.8/hook']) {
      const response = await call('POST', '/api/exec', { body: { argv: ['true'], notify: { url } } });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/^Expected notify\.url to name a public host/);
    }
    const allowed = setup({ secret: SECRET }, true);
    expect((await allowed.call('POST', '/api/exec', { body: { argv: ['true'], notify: { url: 'http://127.0.0.1:8081/' } } })).status).toBe(200);
  });

  it('refuses notify from a key without a webhook secret, and starts nothing', async () => {
    const { call, invoker } = setup({});
    const response = await call('POST', '/api/exec', { body: { argv: ['true'], notify: { url: 'https://hooks.example.com/a' } } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/aws-exec auth webhook-secret NAME/);
    expect(invoker.events).toHaveLength(0);
  });
});
