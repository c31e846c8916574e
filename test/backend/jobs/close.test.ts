import { describe, expect, it } from 'vitest';
import { closeJob } from '../../../backend/jobs/close.js';
import { silentLogger } from '../../../backend/log.js';
import { jobKeys } from '../../../protocol/index.js';
import { createMemoryJobStore, createMemoryObjects } from '../helpers/fakes.js';

const UID = '1800000000.00000000-0000-4000-8000-000000000001';

async function setup() {
  const jobs = createMemoryJobStore();
  const objects = createMemoryObjects();
  await jobs.createJob({ uid: UID, 'auth-name': 'alice', 'started-at': 1, ttl: 0, argv: ['x'] });
  await jobs.claimJob(UID, 'alice', { claimedAt: 10, deadline: 20, aliveUntil: 30 });
  const seen = await jobs.getJob(UID);
  if (!seen) throw new Error('expected the record');
  await jobs.takeOverJob(seen, { claimedAt: 40, deadline: 50, aliveUntil: 60 });
  const keys = jobKeys('alice', UID);
  await objects.putObject(keys.log, 'partial');
  objects.writes.length = 0;
  const text = (key: string) => Buffer.from(objects.objects.get(key) ?? []).toString('utf8');
  return { deps: { jobs, objects, logger: silentLogger, now: () => 70 }, jobs, objects, keys, seen, text };
}

describe('closeJob', () => {
  it("appends the line, writes exit then size, and marks the record under the closer's claim", async () => {
    const { deps, jobs, objects, keys, seen, text } = await setup();
    await closeJob(deps, seen, 137, '[aws-exec] lost', 40);
    expect(text(keys.log)).toBe('partial\n[aws-exec] lost\n');
    expect(objects.writes.map((write) => write.key)).toEqual([keys.log, keys.exit, keys.size]);
    expect(await jobs.getJob(UID)).toMatchObject({ status: 'exited', exit: 137, size: 24, 'ended-at': 70 });
  });

  it('still ends the job when its log cannot be rewritten: exit and size name what the log holds, and the record says it is incomplete', async () => {
    const { deps, jobs, objects, keys, seen, text } = await setup();
    objects.failNext = 1;
    await closeJob(deps, seen, 3, '[aws-exec] lost while storing the end; the command exited with 3', 40);
    expect([text(keys.log), text(keys.exit), text(keys.size)]).toEqual(['partial', '3', '7']);
    expect(await jobs.getJob(UID)).toMatchObject({ status: 'exited', exit: 3, size: 7, 'log-incomplete': true });
  });

  it('ends the job on its record alone when no object can be written, so that GET /api/exec still answers its exit', async () => {
    const { deps, jobs, objects, keys, seen } = await setup();
    objects.failNext = 3;
    await closeJob(deps, seen, 137, '[aws-exec] lost', 40);
    expect(objects.objects.has(keys.size)).toBe(false);
    expect(await jobs.getJob(UID)).toMatchObject({ status: 'exited', exit: 137, size: 7, 'log-incomplete': true });
  });

  it('leaves the record to whoever took the job over after this closer', async () => {
    const { deps, jobs, seen } = await setup();
    await closeJob(deps, seen, 137, '[aws-exec] lost', 39);
    expect((await jobs.getJob(UID))?.status).toBe('running');
  });
});
