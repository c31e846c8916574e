import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../../../backend/jobs/record.js';
import { judgeLostJob } from '../../../backend/sweep/lost.js';

const NOW = 1_800_000_000_000;
const options = { lostQueuedAfterMs: 300_000, leaseMs: 30_000 };
const record = (fields: Partial<JobRecord>): JobRecord => ({
  id: 'job.u',
  uid: '1800000000.00000000-0000-4000-8000-000000000000',
  'auth-name': 'alice',
  status: 'running',
  'started-at': NOW - 60_000,
  ttl: 0,
  ...fields,
});

describe('judgeLostJob', () => {
  it('leaves a running job alone while its lease holds', () => {
    expect(judgeLostJob(record({ 'claimed-at': NOW - 50_000, 'alive-until': NOW + 1, deadline: NOW + 900_000 }), NOW, options)).toBeUndefined();
  });

  it('closes a running job whose lease ran out with 137, saying how long its runner has been silent', () => {
    expect(judgeLostJob(record({ 'claimed-at': NOW - 50_000, 'alive-until': NOW - 4_000, deadline: NOW + 900_000 }), NOW, options)).toEqual({
      exit: 137,
      line: '[aws-exec] the runner of this job stopped (no heartbeat for 34 s); exit 137',
    });
  });

  it("keeps the command's own exit code when the runner had recorded it before its final writes stalled", () => {
    expect(judgeLostJob(record({ 'claimed-at': NOW - 50_000, 'alive-until': NOW - 1, 'pending-exit': 3 }), NOW, options)).toEqual({
      exit: 3,
      line: '[aws-exec] the runner of this job stopped (no heartbeat for 30 s) while it stored the end of this job; the command exited with 3',
    });
    expect(judgeLostJob(record({ 'claimed-at': NOW - 50_000, 'pending-exit': 0 }), NOW, { ...options, lostBefore: NOW - 1 })).toEqual({
      exit: 0,
      line: '[aws-exec] the runtime running this job stopped while it stored the end of this job; the command exited with 0',
    });
  });

  it('judges a record without a lease (a runner from before heartbeats) by its deadline only', () => {
    expect(judgeLostJob(record({ 'claimed-at': NOW - 50_000, deadline: NOW - 1 }), NOW, options)).toBeUndefined();
    expect(judgeLostJob(record({ 'claimed-at': NOW - 50_000, deadline: NOW - 30_001 }), NOW, options)?.line).toBe(
      '[aws-exec] the runner of this job stopped before it finished; exit 137',
    );
  });

  it('closes a job claimed before the runtime restarted even while its lease seems to hold', () => {
    expect(judgeLostJob(record({ 'claimed-at': NOW - 5_000, 'alive-until': NOW + 25_000 }), NOW, { ...options, lostBefore: NOW - 1_000 })?.line).toBe(
      '[aws-exec] the runtime running this job stopped; exit 137',
    );
  });

  it('closes a queued job never started, and never an exited one', () => {
    expect(judgeLostJob(record({ status: 'queued', 'started-at': NOW - 300_001 }), NOW, options)?.line).toBe('[aws-exec] this job was never started; exit 137');
    expect(judgeLostJob(record({ status: 'queued', 'started-at': NOW - 1_000 }), NOW, options)).toBeUndefined();
    expect(judgeLostJob(record({ status: 'exited', 'alive-until': NOW - 100_000 }), NOW, options)).toBeUndefined();
  });
});
