import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoJobStore } from '../../../backend/jobs/dynamo-store.js';
import type { JobStore } from '../../../backend/jobs/store.js';
import { createUid } from '../../../backend/jobs/uid.js';
import { startTestAws, type TestAws } from '../helpers/local-aws.js';

describe('the job store in the local DynamoDB', () => {
  let aws: TestAws;
  let store: JobStore;
  beforeAll(async () => {
    aws = await startTestAws();
    store = createDynamoJobStore({ ddb: aws.clients.ddb, table: aws.table });
  });
  afterAll(async () => aws.close());

  const create = async (authName = 'alice', startedAt = Date.now()) => {
    const uid = createUid(startedAt);
    await store.createJob({ uid, 'auth-name': authName, 'started-at': startedAt, ttl: Math.floor(startedAt / 1000) + 60, argv: ['echo', 'hi'] });
    return uid;
  };

  it('creates a queued record and reads it back', async () => {
    const uid = await create();
    expect(await store.getJob(uid)).toMatchObject({ uid, status: 'queued', 'auth-name': 'alice', argv: ['echo', 'hi'] });
    expect(await store.getJob(createUid(Date.now()))).toBeUndefined();
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const uid = await create();
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => store.claimJob(uid, 'alice', { claimedAt: i, deadline: 100 + i })));
    expect(claims.filter((claim) => claim !== undefined)).toHaveLength(1);
    expect((await store.getJob(uid))?.status).toBe('running');
  });

  it("refuses a claim under another auth name", async () => {
    const uid = await create();
    expect(await store.claimJob(uid, 'mallory', { claimedAt: 1, deadline: 2 })).toBeUndefined();
  });

  it("records a cancel only on the caller's unfinished job", async () => {
    const uid = await create();
    expect(await store.requestCancel(uid, 'bob', 1)).toBe('not-found');
    expect(await store.requestCancel(createUid(Date.now()), 'alice', 1)).toBe('not-found');
    expect(await store.requestCancel(uid, 'alice', 1)).toBe('cancelling');
    expect(await store.readCancelRequested(uid)).toBe(true);
    await store.finishJob(uid, { exit: 130, size: 10, endedAt: 2, uploadedBytes: 25, uploads: 3 });
    expect(await store.requestCancel(uid, 'alice', 3)).toBe('already-exited');
    expect(await store.getJob(uid)).toMatchObject({ status: 'exited', exit: 130, size: 10, 'ended-at': 2, 'uploaded-bytes': 25, uploads: 3 });
  });

  it("lists a name's jobs newest first, and the unfinished ones for the sweep", async () => {
    const older = await create('zed', 1_700_000_000_000);
    const newer = await create('zed', 1_700_000_100_000);
    await store.finishJob(older, { exit: 0, size: 0, endedAt: 1 });
    expect((await store.listJobs('zed', { limit: 10 })).records.map((job) => job.uid)).toEqual([newer, older]);
    expect((await store.listJobs('zed', { limit: 1 })).records.map((job) => job.uid)).toEqual([newer]);
    const unfinished = (await store.listUnfinishedJobs()).map((job) => job.uid);
    expect(unfinished).toContain(newer);
    expect(unfinished).not.toContain(older);
  });

  it('records the end of a lost push-urls job without a size', async () => {
    const uid = await create();
    await store.finishJob(uid, { exit: 137, endedAt: 4 });
    const record = await store.getJob(uid);
    expect(record).toMatchObject({ status: 'exited', exit: 137, 'ended-at': 4 });
    expect(record?.size).toBeUndefined();
  });

  it('takes a job over only while it is as seen', async () => {
    const uid = await create();
    const seen = await store.getJob(uid);
    if (!seen) throw new Error('expected the record');
    await store.claimJob(uid, 'alice', { claimedAt: 5, deadline: 6 });
    expect(await store.takeOverJob(seen, { claimedAt: 7, deadline: 8 })).toBe(false);
    const running = await store.getJob(uid);
    if (!running) throw new Error('expected the record');
    expect(await store.takeOverJob(running, { claimedAt: 9, deadline: 10 })).toBe(true);
    expect(await store.takeOverJob(running, { claimedAt: 11, deadline: 12 })).toBe(false);
  });
});
