import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoJobStore } from '../../../backend/jobs/dynamo-store.js';
import { LIST_READ_BUDGET } from '../../../backend/jobs/list-query.js';
import { startTestAws, type TestAws } from '../helpers/local-aws.js';

// The listing's contract (pages, ties, status filters) is in test/backend/contract/job-store.ts,
// run against every store; this is the DynamoDB store's read budget.

describe('listing jobs from the local DynamoDB with a status filter that skips many', () => {
  let aws: TestAws;
  beforeAll(async () => {
    aws = await startTestAws();
  });
  afterAll(async () => aws.close());

  it('stops after its read budget with a next position, and the next call goes on from there', async () => {
    const store = createDynamoJobStore({ ddb: aws.clients.ddb, table: aws.table });
    const base = 1_700_002_000_000;
    const old = `${Math.floor(base / 1000)}.${randomUUID()}`;
    await store.createJob({ uid: old, 'auth-name': 'busy', 'started-at': base, ttl: Math.floor(Date.now() / 1000) + 3600, argv: ['true'] });
    const exited = Array.from({ length: LIST_READ_BUDGET + 10 }, (_, i) => {
      const startedAt = base + 1000 + i;
      const uid = `${Math.floor(startedAt / 1000)}.${randomUUID()}`;
      return { id: `job.${uid}`, uid, 'auth-name': 'busy', status: 'exited', 'started-at': startedAt, ttl: Math.floor(Date.now() / 1000) + 3600 };
    });
    const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
    for (let i = 0; i < exited.length; i += 25) {
      await aws.clients.ddb.send(new BatchWriteCommand({ RequestItems: { [aws.table]: exited.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    }
    const first = await store.listJobs('busy', { limit: 10, statuses: ['queued'] });
    expect(first.records).toEqual([]);
    expect(first.next).toBeDefined();
    const second = await store.listJobs('busy', { limit: 10, statuses: ['queued'], ...(first.next ? { after: first.next } : {}) });
    expect(second.records.map((record) => record.uid)).toEqual([old]);
    expect(second.next).toBeUndefined();
  });
});
