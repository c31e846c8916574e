import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoRunningJobs, hasJobEnded } from '../../../backend/auth/running-jobs.js';
import { startTestAws, type TestAws } from '../helpers/local-aws.js';

// The per-key sets against the real local DynamoDB (conditional ADD on a string set, size()).
let aws: TestAws;
const ended = new Set<string>();
const NOW_SECONDS = Math.floor(Date.now() / 1000);
const uid = (n: number, seconds = NOW_SECONDS) => `${seconds}.00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

beforeAll(async () => {
  aws = await startTestAws();
});
afterAll(async () => aws?.close());

describe('the per-key sets of running jobs', () => {
  const jobs = () =>
    createDynamoRunningJobs({
      ddb: aws.clients.ddb,
      table: aws.table,
      hasEnded: async (id) => ended.has(id),
    });
  const set = (name: string) => name;
  beforeAll(() => ended.clear());

  it('admits up to the cap, then refuses while every counted job still runs', async () => {
    const running = jobs();
    expect(await running.reserve(set('k1'), uid(1), 2)).toBe(true);
    expect(await running.reserve(set('k1'), uid(2), 2)).toBe(true);
    expect(await running.reserve(set('k1'), uid(3), 2)).toBe(false);
    // Another key has its own set.
    expect(await running.reserve(set('k2'), uid(4), 2)).toBe(true);
  });

  it('drops jobs that ended when the set is full, and admits the start', async () => {
    const running = jobs();
    ended.add(uid(1));
    expect(await running.reserve(set('k1'), uid(5), 2)).toBe(true);
    expect(await running.reserve(set('k1'), uid(6), 2)).toBe(false);
  });

  it('stops counting a job that was released', async () => {
    const running = jobs();
    await running.release(set('k1'), uid(5));
    expect(await running.reserve(set('k1'), uid(7), 2)).toBe(true);
  });

  it('admits concurrent starts only up to the cap', async () => {
    const running = jobs();
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => running.reserve(set('k3'), uid(100 + i), 3)));
    expect(answers.filter(Boolean)).toHaveLength(3);
  });

  it('counts a job with no record as ended only once its uid is older than a start takes', () => {
    const now = Date.now();
    expect(hasJobEnded(undefined, uid(1, Math.floor(now / 1000)), now)).toBe(false);
    expect(hasJobEnded(undefined, uid(1, Math.floor(now / 1000) - 120), now)).toBe(true);
    expect(hasJobEnded({ status: 'running' }, uid(1, 1), now)).toBe(false);
    expect(hasJobEnded({ status: 'exited' }, uid(1), now)).toBe(true);
  });
});
