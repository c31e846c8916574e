import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoJobStore } from '../../../backend/jobs/dynamo-store.js';
import { LIST_READ_BUDGET } from '../../../backend/jobs/list-query.js';
import type { JobPage, JobStore, ListJobsOptions } from '../../../backend/jobs/store.js';
import type { JobStatus } from '../../../protocol/index.js';
import { createMemoryJobStore } from '../helpers/fakes.js';
import { startTestAws, type TestAws } from '../helpers/local-aws.js';

// One listing contract, run against the in-memory fake and the store in the local DynamoDB
// (its jobs-by-auth-name index, created from infra.yaml's declaration).

type Fixture = { store: JobStore; close(): Promise<void> };

const stores: [string, () => Promise<Fixture>][] = [
  ['the in-memory fake', async () => ({ store: createMemoryJobStore(), close: async () => {} })],
  [
    'the local DynamoDB',
    async () => {
      const aws: TestAws = await startTestAws();
      return { store: createDynamoJobStore({ ddb: aws.clients.ddb, table: aws.table }), close: () => aws.close() };
    },
  ],
];

describe.each(stores)('listing jobs from %s', (_name, open) => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await open();
  });
  afterAll(async () => fixture.close());

  const uidAt = (ms: number) => `${Math.floor(ms / 1000)}.${randomUUID()}`;
  const create = async (authName: string, startedAt: number, status: JobStatus = 'queued') => {
    const uid = uidAt(startedAt);
    await fixture.store.createJob({ uid, 'auth-name': authName, 'started-at': startedAt, ttl: Math.floor(Date.now() / 1000) + 3600, argv: ['true'] });
    if (status !== 'queued') await fixture.store.claimJob(uid, authName, { claimedAt: startedAt, deadline: startedAt + 1 });
    if (status === 'exited') await fixture.store.finishJob(uid, { exit: 0, size: 0, endedAt: startedAt + 1 });
    return uid;
  };
  const readAll = async (authName: string, options: Omit<ListJobsOptions, 'after'>) => {
    const pages: JobPage[] = [];
    let page: JobPage | undefined;
    do {
      page = await fixture.store.listJobs(authName, { ...options, ...(page?.next ? { after: page.next } : {}) });
      pages.push(page);
    } while (page.next && pages.length < 100);
    return pages;
  };

  it('pages through a name’s jobs newest first, with no next after the last page', async () => {
    const base = 1_700_000_000_000;
    const uids = [];
    for (let i = 0; i < 12; i++) uids.push(await create('pager', base + i * 1000));
    await create('someone-else', base + 5500);
    const pages = await readAll('pager', { limit: 5 });
    expect(pages.map((page) => page.records.length)).toEqual([5, 5, 2]);
    expect(pages.at(-1)?.next).toBeUndefined();
    expect(pages.flatMap((page) => page.records.map((record) => record.uid))).toEqual([...uids].reverse());
  });

  it('gives no next when the jobs fill the page exactly', async () => {
    for (let i = 0; i < 3; i++) await create('exact', 1_700_000_000_000 + i);
    const page = await fixture.store.listJobs('exact', { limit: 3 });
    expect(page.records).toHaveLength(3);
    expect(page.next).toBeUndefined();
  });

  it('pages across jobs that started in the same millisecond without loss or repeats', async () => {
    const at = 1_700_000_500_000;
    const uids = [];
    for (let i = 0; i < 7; i++) uids.push(await create('ties', at));
    await create('ties', at + 1);
    await create('ties', at - 1);
    const listed = (await readAll('ties', { limit: 2 })).flatMap((page) => page.records);
    expect(listed.map((record) => record['started-at'])).toEqual([at + 1, ...uids.map(() => at), at - 1]);
    expect(new Set(listed.map((record) => record.uid)).size).toBe(9);
    expect(listed.slice(1, 8).map((record) => record.uid).sort()).toEqual([...uids].sort());
  });

  it('lists only the statuses asked for, across pages', async () => {
    const base = 1_700_001_000_000;
    const statuses: JobStatus[] = ['queued', 'running', 'exited', 'exited', 'running', 'queued', 'exited'];
    const uids = await Promise.all(statuses.map((status, i) => create('filtered', base + i * 1000, status)));
    const pick = (wanted: JobStatus[]) => uids.filter((_, i) => wanted.includes(statuses[i] as JobStatus)).reverse();
    const running = (await readAll('filtered', { limit: 1, statuses: ['running'] })).flatMap((page) => page.records);
    expect(running.map((record) => record.uid)).toEqual(pick(['running']));
    expect(running.every((record) => record.status === 'running')).toBe(true);
    const active = (await readAll('filtered', { limit: 10, statuses: ['queued', 'running'] })).flatMap((page) => page.records);
    expect(active.map((record) => record.uid)).toEqual(pick(['queued', 'running']));
  });

  it('lists nothing for a name without jobs', async () => {
    expect(await fixture.store.listJobs('nobody', { limit: 10 })).toEqual({ records: [] });
  });
});

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
