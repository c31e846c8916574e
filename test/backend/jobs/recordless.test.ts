import { describe, expect, it } from 'vitest';
import { registry } from '../../../cmd/index.js';
import { createUid } from '../../../backend/jobs/uid.js';
import { silentLogger } from '../../../backend/log.js';
import { runJob, type RunnerDeps } from '../../../backend/runner/run-job.js';
import { JobEvent, jobKeys } from '../../../protocol/index.js';
import { createTestApp, KEYS } from '../helpers/app.js';
import { contextWithRemaining, createMemoryJobStore, createMemoryObjects, testConfig } from '../helpers/fakes.js';

// Jobs the Go backend started before the switch have objects but no record (it kept none).
const GO_AUTH_NAME = 'alice';

describe('GET and DELETE /api/exec of a job with no record', () => {
  const setup = () => {
    const app = createTestApp();
    const uid = createUid(Date.now());
    const keys = jobKeys(GO_AUTH_NAME, uid);
    const put = (key: string, text: string) => app.objects.putObject(key, text);
    const status = async (rangeStart: number, key: string = KEYS.alice) => {
      const response = await app.call('GET', `/api/exec?uid=${uid}&range-start=${rangeStart}`, { key });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    return { ...app, uid, keys, put, status };
  };

  it('follows the log from the objects while no size object exists, then answers the exit code, as the original', async () => {
    const { keys, put, status } = setup();
    await put(keys.log, 'one\n');
    expect(await status(0)).toEqual({ status: 200, body: expect.objectContaining({ url: expect.stringContaining(keys.log) }) });
    await put(keys.log, 'one\ntwo\n');
    await put(keys.exit, '3');
    await put(keys.size, '8');
    expect(await status(4)).toEqual({ status: 200, body: expect.objectContaining({ url: expect.stringContaining(keys.log) }) });
    expect(await status(8)).toEqual({ status: 200, body: { exit: 3 } });
    expect(await status(9)).toEqual({ status: 400, body: { error: "Expected range-start to be at most the log's final size 8, got 9" } });
  });

  it('answers 404 when there are no objects either, and to another name, exactly as for a uid that never existed', async () => {
    const { uid, keys, put, status } = setup();
    expect(await status(0)).toEqual({ status: 404, body: { error: `No job with uid \`${uid}\`` } });
    await put(keys.log, 'mine\n');
    expect(await status(0, KEYS.bob)).toEqual({ status: 404, body: { error: `No job with uid \`${uid}\`` } });
  });

  it('refuses to cancel it with a 409 saying the Go backend started it, and answers 404 when it has no objects', async () => {
    const { uid, keys, put, call } = setup();
    const none = await call('DELETE', `/api/exec?uid=${uid}`);
    expect(none.status).toBe(404);
    await put(keys.log, 'running\n');
    const refused = await call('DELETE', `/api/exec?uid=${uid}`);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toEqual({ error: expect.stringContaining('was started by the Go aws-exec backend, which cannot cancel jobs') });
    expect((await call('DELETE', `/api/exec?uid=${uid}`, { key: KEYS.bob })).status).toBe(404);
  });

  it('says so when the size object does not hold a number', async () => {
    const { keys, put, status } = setup();
    await put(keys.log, 'x');
    await put(keys.size, 'lots');
    expect(await status(0)).toEqual({ status: 502, body: { error: expect.stringContaining('to hold a decimal integer, got `lots`') } });
  });
});

describe('a job event with no record (queued by the Go backend before the switch)', () => {
  const setup = () => {
    const jobs = createMemoryJobStore();
    const objects = createMemoryObjects();
    const deps: RunnerDeps = { config: testConfig(), jobs, objects, registry, fetch, logger: silentLogger };
    // The Go backend's AsyncEvent, every field sent (exec.go).
    const goEvent = (uid: string) =>
      JobEvent.parse({ 'event-type': 'exec', 'auth-name': 'gopher:0123456789abcdef', uid, 'push-urls': null, argv: ['sh', '-c', 'echo adopted; exit 4'], 'rpc-name': '', 'rpc-args': '' });
    return { deps, jobs, objects, goEvent };
  };

  it('is adopted: given a record, run once, its objects under its auth-name', async () => {
    const { deps, jobs, objects, goEvent } = setup();
    const event = goEvent(createUid(Date.now() - 60_000));
    expect(await runJob(deps, event, contextWithRemaining(60_000))).toMatchObject({ status: 'finished', exit: 4 });
    const keys = jobKeys('gopher:0123456789abcdef', event.uid);
    expect(Buffer.from(objects.objects.get(keys.log) ?? []).toString()).toBe('adopted\n');
    expect(Buffer.from(objects.objects.get(keys.size) ?? []).toString()).toBe('8');
    expect(await jobs.getJob(event.uid)).toMatchObject({ status: 'exited', exit: 4, 'auth-name': 'gopher:0123456789abcdef', argv: event.argv });
    expect(await runJob(deps, event, contextWithRemaining(60_000))).toMatchObject({ status: 'skipped' });
  });

  it('is not adopted when older than Lambda keeps an event (6 hours)', async () => {
    const { deps, jobs, goEvent } = setup();
    const event = goEvent(createUid(Date.now() - 7 * 60 * 60 * 1000));
    expect(await runJob(deps, event, contextWithRemaining(60_000))).toMatchObject({ status: 'skipped' });
    expect(await jobs.getJob(event.uid)).toBeUndefined();
  });
});
