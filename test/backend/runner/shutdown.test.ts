import { describe, expect, it, vi } from 'vitest';
import { CommandRegistry } from '../../../cmd/registry.js';
import { createUid } from '../../../backend/jobs/uid.js';
import { silentLogger } from '../../../backend/log.js';
import { stopJobsForShutdown } from '../../../backend/runner/control.js';
import { runJob, type RunnerDeps } from '../../../backend/runner/run-job.js';
import { jobKeys, type JobEvent } from '../../../protocol/index.js';
import { contextWithRemaining, createMemoryJobStore, createMemoryObjects, testConfig } from '../helpers/fakes.js';

// A file of its own: a shutdown is for good, and stops every job of the process started later.
describe('stopJobsForShutdown', () => {
  it('ends the running jobs with 143 and a line saying the runtime is shutting down, and stops later ones at once', async () => {
    const jobs = createMemoryJobStore();
    const objects = createMemoryObjects();
    const deps: RunnerDeps = { config: testConfig(), jobs, objects, registry: new CommandRegistry([]), fetch, logger: silentLogger };
    const start = async (argv: string[]) => {
      const uid = createUid(Date.now());
      await jobs.createJob({ uid, 'auth-name': 'alice', 'started-at': Date.now(), ttl: 0, argv });
      return { event: { 'event-type': 'exec', 'auth-name': 'alice', uid, argv } satisfies JobEvent, keys: jobKeys('alice', uid) };
    };
    const text = (key: string) => Buffer.from(objects.objects.get(key) ?? []).toString('utf8');
    const line = '[aws-exec] stopped: the runtime running this job is shutting down (SIGTERM); exit 143\n';

    const { event, keys } = await start(['sh', '-c', 'echo started; sleep 30']);
    const running = runJob(deps, event, contextWithRemaining(60_000));
    await vi.waitFor(() => expect(text(keys.log)).toBe('started\n'), { timeout: 5_000 });
    expect(stopJobsForShutdown()).toBe(1);
    expect(await running).toMatchObject({ status: 'finished', exit: 143 });
    expect(text(keys.log)).toBe(`started\n${line}`);
    expect(await jobs.getJob(event.uid)).toMatchObject({ status: 'exited', exit: 143 });

    const later = await start(['sh', '-c', 'echo should-not-run-long; sleep 30']);
    const started = Date.now();
    expect(await runJob(deps, later.event, contextWithRemaining(60_000))).toMatchObject({ exit: 143 });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(text(later.keys.log)).toMatch(new RegExp(`${line.replace(/[()[\]]/g, '\\$&')}$`));
  });
});
