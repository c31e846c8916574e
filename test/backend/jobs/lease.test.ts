import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoJobStore } from '../../../backend/jobs/dynamo-store.js';
import type { JobStore } from '../../../backend/jobs/store.js';
import { createUid } from '../../../backend/jobs/uid.js';
import { createMemoryJobStore } from '../helpers/fakes.js';
import { startTestAws, type TestAws } from '../helpers/local-aws.js';

// The runner's lease on its job, as one contract run against the in-memory fake and the
// local DynamoDB (through the SDK, and with the job's writes as signed calls).
describe.each([
  ['the in-memory fake', 'memory'],
  ['the local DynamoDB', 'sdk'],
] as const)('job leases in %s', (_name, driver) => {
  let aws: TestAws | undefined;
  let store: JobStore;
  beforeAll(async () => {
    if (driver === 'memory') {
      store = createMemoryJobStore();
      return;
    }
    aws = await startTestAws();
    store = createDynamoJobStore({ ddb: aws.clients.ddb, table: aws.table });
  });
  afterAll(async () => aws?.close());

  const claimed = async (claimedAt: number, aliveUntil: number) => {
    const uid = createUid(Date.now());
    await store.createJob({ uid, 'auth-name': 'alice', 'started-at': claimedAt, ttl: Math.floor(Date.now() / 1000) + 60, argv: ['x'] });
    await store.claimJob(uid, 'alice', { claimedAt, deadline: claimedAt + 1_000, aliveUntil });
    return uid;
  };

  it('sets the lease at the claim, and renews it (with the exit code when given) only under that claim', async () => {
    const uid = await claimed(100, 200);
    expect(await store.getJob(uid)).toMatchObject({ status: 'running', 'claimed-at': 100, 'alive-until': 200 });
    expect(await store.renewLease(uid, 100, 300)).toBe('renewed');
    expect(await store.renewLease(uid, 100, 400, 3)).toBe('renewed');
    expect(await store.getJob(uid)).toMatchObject({ 'alive-until': 400, 'pending-exit': 3 });
    expect(await store.renewLease(uid, 99, 500)).toBe('lost');
    expect((await store.getJob(uid))?.['alive-until']).toBe(400);
  });

  it('refuses a second claim of a running job, even one with the same times (a duplicate event in the same millisecond)', async () => {
    const uid = await claimed(100, 200);
    expect(await store.claimJob(uid, 'alice', { claimedAt: 100, deadline: 1_100, aliveUntil: 200 })).toBeUndefined();
    expect(await store.claimJob(uid, 'bob', { claimedAt: 100, deadline: 1_100, aliveUntil: 200 })).toBeUndefined();
  });

  it('takes a job over only while its lease is as seen, after which its runner has lost it', async () => {
    const uid = await claimed(100, 200);
    const seen = await store.getJob(uid);
    if (!seen) throw new Error('expected the record');
    expect(await store.renewLease(uid, 100, 300)).toBe('renewed');
    expect(await store.takeOverJob(seen, { claimedAt: 150, deadline: 160, aliveUntil: 170 })).toBe(false);
    const renewed = await store.getJob(uid);
    if (!renewed) throw new Error('expected the record');
    expect(await store.takeOverJob(renewed, { claimedAt: 150, deadline: 160, aliveUntil: 170 })).toBe(true);
    expect(await store.getJob(uid)).toMatchObject({ 'claimed-at': 150, 'alive-until': 170 });
    expect(await store.renewLease(uid, 100, 400)).toBe('lost');
    expect(await store.takeOverJob(renewed, { claimedAt: 180, deadline: 190, aliveUntil: 200 })).toBe(false);
  });

  it("marks the job exited only under the caller's claim when one is given, dropping the pending exit and keeping the incomplete-log flag", async () => {
    const uid = await claimed(100, 200);
    await store.renewLease(uid, 100, 300, 3);
    expect(await store.finishJob(uid, { exit: 3, size: 5, endedAt: 400 }, 99)).toBe(false);
    expect((await store.getJob(uid))?.status).toBe('running');
    expect(await store.finishJob(uid, { exit: 3, size: 5, endedAt: 400, logIncomplete: true }, 100)).toBe(true);
    const record = await store.getJob(uid);
    expect(record).toMatchObject({ status: 'exited', exit: 3, size: 5, 'log-incomplete': true });
    expect(record?.['pending-exit']).toBeUndefined();
    expect(await store.renewLease(uid, 100, 500)).toBe('lost');
  });
});

describe('a job claim whose write was applied but whose answer was lost', () => {
  let aws: TestAws;
  beforeAll(async () => {
    aws = await startTestAws();
  });
  afterAll(async () => aws?.close());

  it('is found to be the caller’s own when the retried write meets its own claim, and a duplicate’s is refused', async () => {
    const store = createDynamoJobStore({ ddb: aws.clients.ddb, table: aws.table });
    const uids = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const uid = createUid(Date.now() + i);
        await store.createJob({ uid, 'auth-name': 'alice', 'started-at': 100, ttl: Math.floor(Date.now() / 1000) + 60, argv: ['x'] });
        return uid;
      }),
    );
    const resets = () => aws.aws.faults.stats().byOperation['dynamodb:UpdateItem']?.resetsAfter ?? 0;
    const before = resets();
    try {
      // The endpoint applies half the claims and then drops the connection instead of answering: the
      // SDK client retries (aws/retry.ts), and the retry meets the claim its first attempt made.
      aws.aws.faults.set({ seed: 7, rules: [{ match: 'dynamodb:UpdateItem', resetAfterRate: 0.5 }] });
      for (const uid of uids) {
        expect(await store.claimJob(uid, 'alice', { claimedAt: 100, deadline: 1_100, aliveUntil: 200 })).toMatchObject({ status: 'running', 'claimed-at': 100 });
      }
    } finally {
      aws.aws.faults.clear();
    }
    expect(resets() - before).toBeGreaterThan(0);
    expect(await store.claimJob(uids[0]!, 'alice', { claimedAt: 100, deadline: 1_100, aliveUntil: 200 })).toBeUndefined();
  });
});
