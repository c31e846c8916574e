import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoJobStore } from '../../../backend/jobs/dynamo-store.js';
import { createUid } from '../../../backend/jobs/uid.js';
import { startTestAws, type TestAws } from '../helpers/local-aws.js';

// The lease's contract (claim, renew, take over, finish under a claim) is in
// test/backend/contract/job-store.ts, run against every store; this is the signed calls' own case.

describe('a job claim whose write was applied but whose answer was lost', () => {
  let aws: TestAws;
  beforeAll(async () => {
    aws = await startTestAws();
  });
  afterAll(async () => aws?.close());

  it('is found to be the caller’s own when the retried write meets its own claim, and a duplicate’s is refused', async () => {
    const real = aws.clients.dynamoCalls;
    if (!real) throw new Error('expected the signed calls');
    // As a retry after a dropped answer goes: the first attempt is applied, the second is what the caller hears.
    const retried = {
      async call(operation: Parameters<typeof real.call>[0], input: Record<string, unknown>) {
        if (operation === 'UpdateItem' && String(input.UpdateExpression).includes('#claimToken')) await real.call(operation, input);
        return real.call(operation, input);
      },
    };
    const flaky = createDynamoJobStore({ ddb: aws.clients.ddb, table: aws.table, calls: retried });
    const plain = createDynamoJobStore({ ddb: aws.clients.ddb, table: aws.table, calls: real });
    const uid = createUid(Date.now());
    await plain.createJob({ uid, 'auth-name': 'alice', 'started-at': 100, ttl: Math.floor(Date.now() / 1000) + 60, argv: ['x'] });
    expect(await flaky.claimJob(uid, 'alice', { claimedAt: 100, deadline: 1_100, aliveUntil: 200 })).toMatchObject({ status: 'running', 'claimed-at': 100 });
    expect(await flaky.claimJob(uid, 'alice', { claimedAt: 100, deadline: 1_100, aliveUntil: 200 })).toBeUndefined();
  });
});
