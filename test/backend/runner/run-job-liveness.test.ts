import { describe, expect, it, vi } from 'vitest';
import { CommandRegistry } from '../../../cmd/registry.js';
import type { Config } from '../../../backend/config.js';
import { createUid } from '../../../backend/jobs/uid.js';
import { silentLogger } from '../../../backend/log.js';
import { runJob, type RunnerDeps } from '../../../backend/runner/run-job.js';
import { jobKeys, type JobEvent } from '../../../protocol/index.js';
import { contextWithRemaining, createMemoryJobStore, createMemoryObjects, testConfig } from '../helpers/fakes.js';

function setup(overrides: Partial<Config> = {}) {
  const jobs = createMemoryJobStore();
  const objects = createMemoryObjects();
  const deps: RunnerDeps = { config: testConfig(overrides), jobs, objects, registry: new CommandRegistry([]), fetch, logger: silentLogger };
  const start = async (argv: string[]) => {
    const uid = createUid(Date.now());
    const event: JobEvent = { 'event-type': 'exec', 'auth-name': 'alice', uid, argv };
    await jobs.createJob({ uid, 'auth-name': 'alice', 'started-at': Date.now(), ttl: 0, argv });
    return { event, keys: jobKeys('alice', uid) };
  };
  const text = (key: string) => Buffer.from(objects.objects.get(key) ?? []).toString('utf8');
  return { deps, jobs, objects, start, text };
}

const context = () => contextWithRemaining(60_000);

describe('runJob: liveness', () => {
  it('takes a lease at its claim and renews it while the command runs', async () => {
    const { deps, jobs, start } = setup({ heartbeatMs: 100, leaseMs: 300 });
    const { event } = await start(['sleep', '0.7']);
    const before = Date.now();
    const running = runJob(deps, event, context());
    const first = await vi.waitFor(async () => {
      const aliveUntil = (await jobs.getJob(event.uid))?.['alive-until'];
      if (aliveUntil === undefined) throw new Error('no lease yet');
      return aliveUntil;
    });
    expect(first).toBeGreaterThanOrEqual(before + 300);
    await vi.waitFor(async () => expect((await jobs.getJob(event.uid))?.['alive-until']).toBeGreaterThan(first), { timeout: 2_000 });
    expect(await running).toMatchObject({ status: 'finished', exit: 0 });
    expect(await jobs.getJob(event.uid)).toMatchObject({ status: 'exited', exit: 0 });
  });

  it('stops the command and writes nothing more once a closer took the job over', async () => {
    const { deps, jobs, start, text, objects } = setup({ heartbeatMs: 100, leaseMs: 300 });
    const { event, keys } = await start(['sh', '-c', 'echo started; sleep 30']);
    const started = Date.now();
    const running = runJob(deps, event, context());
    await vi.waitFor(() => expect(text(keys.log)).toBe('started\n'), { timeout: 5_000 });
    await vi.waitFor(async () => {
      const seen = await jobs.getJob(event.uid);
      const now = Date.now();
      if (!seen || !(await jobs.takeOverJob(seen, { claimedAt: now, deadline: now + 60_000, aliveUntil: now + 60_000 }))) throw new Error('not taken over');
    });
    expect(await running).toEqual({ status: 'skipped', reason: 'taken over: a closer ended the job while its runner was unreachable' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(objects.objects.has(keys.exit)).toBe(false);
    expect(objects.objects.has(keys.size)).toBe(false);
    expect((await jobs.getJob(event.uid))?.status).toBe('running');
  });

  it('writes what it can within the final window when the log cannot be stored: the real exit code, a line saying what was lost, the record flagged', async () => {
    const { deps, jobs, start, text, objects } = setup({ finalWriteWindowMs: 2_000 });
    const renewals: (number | undefined)[] = [];
    const renew = jobs.renewLease.bind(jobs);
    jobs.renewLease = (uid, claimedAt, aliveUntil, pendingExit) => {
      renewals.push(pendingExit);
      return renew(uid, claimedAt, aliveUntil, pendingExit);
    };
    // Storage that refuses every log holding the later output, as a full disk refuses a bigger object.
    const open = objects.openWriter.bind(objects);
    objects.openWriter = async (key, seconds) => {
      const write = await open(key, seconds);
      return async (body) => {
        if (key.endsWith('log.txt') && Buffer.from(body).includes('lost-output')) throw new Error('InternalError: no space left on device');
        await write(body);
      };
    };
    const { event, keys } = await start(['sh', '-c', 'echo start; sleep 0.3; echo lost-output; exit 3']);
    const started = Date.now();
    const result = await runJob(deps, event, context());
    expect(Date.now() - started).toBeLessThan(6_000);
    const log = 'start\n[aws-exec] the log could not be stored whole: the last 12 bytes of output are lost (storage refused the uploads); exit 3\n';
    expect(result).toMatchObject({ status: 'finished', exit: 3, size: Buffer.byteLength(log) });
    expect(text(keys.log)).toBe(log);
    expect(text(keys.exit)).toBe('3');
    expect(text(keys.size)).toBe(String(Buffer.byteLength(log)));
    expect(objects.writes.at(-1)?.key).toBe(keys.size);
    expect(renewals).toContain(3);
    const record = await jobs.getJob(event.uid);
    expect(record).toMatchObject({ status: 'exited', exit: 3, size: Buffer.byteLength(log), 'log-incomplete': true });
    expect(record?.['pending-exit']).toBeUndefined();
  });

  it('closes a job whose runner is gone when its retried event comes, with 137 and a line', async () => {
    const { deps, jobs, start, text, objects } = setup();
    const { event, keys } = await start(['sleep', '600']);
    const now = Date.now();
    await jobs.claimJob(event.uid, 'alice', { claimedAt: now - 90_000, deadline: now + 800_000, aliveUntil: now - 40_000 });
    await objects.putObject(keys.log, 'partial');
    expect(await runJob(deps, event, context())).toEqual({ status: 'skipped', reason: 'closed: its runner was lost' });
    const log = 'partial\n[aws-exec] the runner of this job stopped (no heartbeat for 70 s); exit 137\n';
    expect(text(keys.log)).toBe(log);
    expect([text(keys.exit), text(keys.size)]).toEqual(['137', String(log.length)]);
    expect(await jobs.getJob(event.uid)).toMatchObject({ status: 'exited', exit: 137, size: log.length });
  });

  it('leaves a job whose runner is alive to it when a duplicate event comes', async () => {
    const { deps, jobs, start, objects } = setup();
    const { event, keys } = await start(['sleep', '600']);
    const now = Date.now();
    await jobs.claimJob(event.uid, 'alice', { claimedAt: now - 1_000, deadline: now + 800_000, aliveUntil: now + 29_000 });
    expect(await runJob(deps, event, context())).toEqual({ status: 'skipped', reason: 'already claimed' });
    expect(objects.objects.has(keys.exit)).toBe(false);
    expect((await jobs.getJob(event.uid))?.status).toBe('running');
  });
});
