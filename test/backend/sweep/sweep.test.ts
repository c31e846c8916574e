import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../backend/log.js';
import { sweepLostJobs, type SweepDeps } from '../../../backend/sweep/sweep.js';
import { jobKeys } from '../../../protocol/index.js';
import { createMemoryJobStore, createMemoryObjects } from '../helpers/fakes.js';

const uid = (n: number) => `1700000000.00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const NOW = 1_800_000_000_000;

function setup() {
  const jobs = createMemoryJobStore();
  const objects = createMemoryObjects();
  const deps: SweepDeps = { config: { lostQueuedAfterMs: 300_000, leaseMs: 30_000 }, jobs, objects, logger: silentLogger, now: () => NOW };
  const add = async (n: number, fields: { status: 'queued' | 'running' | 'exited'; startedAt: number; claimedAt?: number; deadline?: number; log?: string }) => {
    await jobs.createJob({ uid: uid(n), 'auth-name': 'alice', 'started-at': fields.startedAt, ttl: 0, argv: ['x'] });
    const record = jobs.records.get(`job.${uid(n)}`);
    if (record) {
      record.status = fields.status;
      if (fields.claimedAt !== undefined) record['claimed-at'] = fields.claimedAt;
      if (fields.deadline !== undefined) record.deadline = fields.deadline;
    }
    if (fields.log !== undefined) await objects.putObject(jobKeys('alice', uid(n)).log, fields.log);
  };
  const text = (n: number, which: 'log' | 'exit' | 'size') => Buffer.from(objects.objects.get(jobKeys('alice', uid(n))[which]) ?? []).toString();
  return { deps, jobs, objects, add, text };
}

describe('sweepLostJobs', () => {
  it('finishes a job claimed before the runtime restarted with a line, exit 137, then size', async () => {
    const { deps, add, text, objects, jobs } = setup();
    await add(1, { status: 'running', startedAt: NOW - 5_000, claimedAt: NOW - 5_000, deadline: NOW + 600_000, log: 'half a line' });
    const result = await sweepLostJobs(deps, { lostBefore: NOW - 1_000 });
    expect(result.finished.map((entry) => entry.uid)).toEqual([uid(1)]);
    expect(text(1, 'log')).toBe('half a line\n[aws-exec] the runtime running this job stopped; exit 137\n');
    expect(text(1, 'exit')).toBe('137');
    expect(text(1, 'size')).toBe(String(Buffer.byteLength(text(1, 'log'))));
    expect(objects.writes.at(-1)?.key).toBe(jobKeys('alice', uid(1)).size);
    expect(await jobs.getJob(uid(1))).toMatchObject({ status: 'exited', exit: 137 });
  });

  it('leaves a job claimed after the restart and within its deadline alone', async () => {
    const { deps, add, jobs } = setup();
    await add(2, { status: 'running', startedAt: NOW - 500, claimedAt: NOW - 500, deadline: NOW + 600_000, log: '' });
    expect((await sweepLostJobs(deps, { lostBefore: NOW - 1_000 })).finished).toEqual([]);
    expect((await jobs.getJob(uid(2)))?.status).toBe('running');
  });

  it('finishes a running job well past its deadline', async () => {
    const { deps, add, text } = setup();
    await add(3, { status: 'running', startedAt: NOW - 3_600_000, claimedAt: NOW - 3_600_000, deadline: NOW - 600_000, log: 'out\n' });
    await sweepLostJobs(deps);
    expect(text(3, 'log')).toBe('out\n[aws-exec] the runner of this job stopped before it finished; exit 137\n');
  });

  it('finishes a job queued for too long, and one queued before the restart', async () => {
    const { deps, add, text } = setup();
    await add(4, { status: 'queued', startedAt: NOW - 600_000, log: '' });
    await add(5, { status: 'queued', startedAt: NOW - 2_000, log: '' });
    await add(6, { status: 'queued', startedAt: NOW - 2_000, log: '' });
    const result = await sweepLostJobs(deps, { lostBefore: NOW - 1_000 });
    expect(result.finished.map((entry) => entry.uid).sort()).toEqual([uid(4), uid(5), uid(6)]);
    expect(text(4, 'log')).toBe('[aws-exec] the runtime stopped before this job started; exit 137\n');
    const later = setup();
    await later.add(7, { status: 'queued', startedAt: NOW - 600_000, log: '' });
    await later.add(8, { status: 'queued', startedAt: NOW - 2_000, log: '' });
    expect((await sweepLostJobs(later.deps)).finished.map((entry) => entry.uid)).toEqual([uid(7)]);
    expect(later.text(7, 'log')).toBe('[aws-exec] this job was never started; exit 137\n');
  });

  it('only updates the record when the runner had already written size', async () => {
    const { deps, add, objects, jobs, text } = setup();
    await add(9, { status: 'running', startedAt: NOW - 5_000, claimedAt: NOW - 5_000, log: 'done\n' });
    const keys = jobKeys('alice', uid(9));
    await objects.putObject(keys.exit, '0');
    await objects.putObject(keys.size, '5');
    await sweepLostJobs(deps, { lostBefore: NOW });
    expect(text(9, 'log')).toBe('done\n');
    expect(await jobs.getJob(uid(9))).toMatchObject({ status: 'exited', exit: 0, size: 5 });
  });

  it('leaves a job alone when a runner claimed it between the scan and the takeover', async () => {
    const { deps, add, jobs, text } = setup();
    await add(10, { status: 'queued', startedAt: NOW - 600_000, log: '' });
    const listed = await jobs.listUnfinishedJobs();
    jobs.listUnfinishedJobs = async () => listed;
    await jobs.claimJob(uid(10), 'alice', { claimedAt: NOW, deadline: NOW + 60_000 });
    expect((await sweepLostJobs(deps)).finished).toEqual([]);
    expect(text(10, 'exit')).toBe('');
  });
});
