import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoJobStore } from '../../../backend/jobs/dynamo-store.js';
import { createUid } from '../../../backend/jobs/uid.js';
import { startTestAws, type TestAws } from '../helpers/local-aws.js';

// The lease's contract (claim, renew, take over, finish under a claim) is in
// test/backend/contract/job-store.ts, run against every store; this is the retried claim's own case.

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
    const faults = await aws.aws.loadFaults();
    const resets = () => faults.stats().byOperation['dynamodb:UpdateItem']?.resetsAfter ?? 0;
    const before = resets();
    try {
      // The endpoint applies half the claims and then drops the connection instead of answering: the
      // SDK client retries (aws/retry.ts), and the retry meets the claim its first attempt made.
      faults.set({ seed: 7, rules: [{ match: 'dynamodb:UpdateItem', resetAfterRate: 0.5 }] });
      for (const uid of uids) {
        expect(await store.claimJob(uid, 'alice', { claimedAt: 100, deadline: 1_100, aliveUntil: 200 })).toMatchObject({ status: 'running', 'claimed-at': 100 });
      }
    } finally {
      faults.clear();
    }
    expect(resets() - before).toBeGreaterThan(0);
    expect(await store.claimJob(uids[0]!, 'alice', { claimedAt: 100, deadline: 1_100, aliveUntil: 200 })).toBeUndefined();
  });
});
