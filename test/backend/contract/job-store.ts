import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobExistsError, JobNotFoundError, type JobPage, type JobStore, type ListJobsOptions } from '../../../backend/jobs/store.js';
import type { JobStatus } from '../../../protocol/index.js';

/** A job store under test, and how to let go of it. */
export interface JobStoreFixture {
  store: JobStore;
  close(): Promise<void>;
}

/**
 * The JobStore contract (unstorage-style: one suite, every driver): what the runner, the
 * sweep and the app rely on, as DynamoDB's conditional writes give it. Run against the
 * in-memory fake, the store in the local endpoint and the store in plain dynalite, so that
 * the fake the runner, sweep and app tests stand on cannot drift from the real one.
 */
export function describeJobStoreContract(name: string, open: () => Promise<JobStoreFixture>): void {
  describe(`the JobStore contract on ${name}`, () => {
    let fixture: JobStoreFixture;
    beforeAll(async () => {
      fixture = await open();
    });
    afterAll(async () => fixture?.close());
    const store = () => fixture.store;

    const uidAt = (ms: number) => `${Math.floor(ms / 1000)}.${randomUUID()}`;
    const create = async (authName = 'alice', startedAt = Date.now()) => {
      // A uid as the backend makes them (its seconds valid even for tiny test times).
      const uid = uidAt(Math.max(startedAt, 1_000_000_000_000));
      await store().createJob({ uid, 'auth-name': authName, 'started-at': startedAt, ttl: Math.floor(Date.now() / 1000) + 3600, argv: ['echo', 'hi'] });
      return uid;
    };
    const createIn = async (authName: string, startedAt: number, status: JobStatus) => {
      const uid = await create(authName, startedAt);
      if (status !== 'queued') await store().claimJob(uid, authName, { claimedAt: startedAt, deadline: startedAt + 1 });
      if (status === 'exited') await store().finishJob(uid, { exit: 0, size: 0, endedAt: startedAt + 1 });
      return uid;
    };
    const claimed = async (claimedAt: number, aliveUntil: number) => {
      const uid = await create('alice', claimedAt);
      await store().claimJob(uid, 'alice', { claimedAt, deadline: claimedAt + 1_000, aliveUntil });
      return uid;
    };
    const mustGet = async (uid: string) => {
      const record = await store().getJob(uid);
      if (!record) throw new Error(`expected the record of ${uid}`);
      return record;
    };
    const readAll = async (authName: string, options: Omit<ListJobsOptions, 'after'>) => {
      const pages: JobPage[] = [];
      let page: JobPage | undefined;
      do {
        page = await store().listJobs(authName, { ...options, ...(page?.next ? { after: page.next } : {}) });
        pages.push(page);
      } while (page.next && pages.length < 100);
      return pages;
    };

    describe('creating and reading', () => {
      it('creates a queued record and reads it back, and reads nothing for an unknown uid', async () => {
        const uid = await create();
        expect(await store().getJob(uid)).toMatchObject({ id: `job.${uid}`, uid, status: 'queued', 'auth-name': 'alice', argv: ['echo', 'hi'] });
        expect(await store().getJob(uidAt(Date.now()))).toBeUndefined();
      });

      it('refuses a second record of the same uid with a JobExistsError, keeping the first', async () => {
        const uid = await create();
        await store().claimJob(uid, 'alice', { claimedAt: 1, deadline: 2 });
        const again = store().createJob({ uid, 'auth-name': 'bob', 'started-at': 5, ttl: 6, argv: ['other'] });
        await expect(again).rejects.toBeInstanceOf(JobExistsError);
        await expect(again).rejects.toMatchObject({ uid, message: expect.stringContaining(uid) });
        expect(await store().getJob(uid)).toMatchObject({ 'auth-name': 'alice', status: 'running', argv: ['echo', 'hi'] });
      });

      it('hands out copies: changing a record it returned changes nothing stored', async () => {
        const uid = await create();
        const read = await mustGet(uid);
        read.status = 'exited';
        read.argv?.push('changed');
        const claim = await store().claimJob(uid, 'alice', { claimedAt: 1, deadline: 2 });
        if (!claim) throw new Error('expected the claim');
        claim.deadline = 99;
        const [listed] = (await store().listJobs('alice', { limit: 100 })).records.filter((record) => record.uid === uid);
        if (listed) listed.exit = 7;
        expect(await store().getJob(uid)).toMatchObject({ status: 'running', argv: ['echo', 'hi'], deadline: 2 });
        expect((await store().getJob(uid))?.exit).toBeUndefined();
      });
    });

    describe('claims and leases', () => {
      it('lets exactly one of many concurrent claims win', async () => {
        const uid = await create();
        const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => store().claimJob(uid, 'alice', { claimedAt: i, deadline: 100 + i })));
        const won = claims.filter((claim) => claim !== undefined);
        expect(won).toHaveLength(1);
        expect(await store().getJob(uid)).toMatchObject({ status: 'running', 'claimed-at': won[0]?.['claimed-at'] });
      });

      it('gives each claim a token of its own, on the record it returns and the stored one', async () => {
        const first = await create();
        const second = await create();
        const a = await store().claimJob(first, 'alice', { claimedAt: 100, deadline: 200 });
        const b = await store().claimJob(second, 'alice', { claimedAt: 100, deadline: 200 });
        expect(a?.['claim-token']).toEqual(expect.any(String));
        expect(b?.['claim-token']).toEqual(expect.any(String));
        expect(a?.['claim-token']).not.toBe(b?.['claim-token']);
        expect((await store().getJob(first))?.['claim-token']).toBe(a?.['claim-token']);
      });

      it('refuses a claim under another auth name, of an unknown uid, and of a job claimed or ended already', async () => {
        const uid = await create();
        expect(await store().claimJob(uid, 'mallory', { claimedAt: 1, deadline: 2 })).toBeUndefined();
        expect(await store().claimJob(uidAt(Date.now()), 'alice', { claimedAt: 1, deadline: 2 })).toBeUndefined();
        expect(await store().getJob(uidAt(Date.now()))).toBeUndefined();
        expect(await store().claimJob(uid, 'alice', { claimedAt: 100, deadline: 1_100, aliveUntil: 200 })).toMatchObject({ status: 'running' });
        // A duplicate event in the same millisecond: the same times, still refused.
        expect(await store().claimJob(uid, 'alice', { claimedAt: 100, deadline: 1_100, aliveUntil: 200 })).toBeUndefined();
        await store().finishJob(uid, { exit: 0, size: 0, endedAt: 300 });
        expect(await store().claimJob(uid, 'alice', { claimedAt: 400, deadline: 500 })).toBeUndefined();
      });

      it('sets the lease at the claim, and renews it (with the exit code when given) only under that claim', async () => {
        const uid = await claimed(100, 200);
        expect(await store().getJob(uid)).toMatchObject({ status: 'running', 'claimed-at': 100, deadline: 1_100, 'alive-until': 200 });
        expect(await store().renewLease(uid, 100, 300)).toBe('renewed');
        expect(await store().renewLease(uid, 100, 400, 3)).toBe('renewed');
        expect(await store().getJob(uid)).toMatchObject({ 'alive-until': 400, 'pending-exit': 3 });
        expect(await store().renewLease(uid, 99, 500)).toBe('lost');
        expect((await store().getJob(uid))?.['alive-until']).toBe(400);
        expect(await store().renewLease(uidAt(Date.now()), 100, 500)).toBe('lost');
      });

      it('takes a job over only while it is as seen (status, claim and lease), after which its runner has lost it', async () => {
        const queued = await create();
        const seenQueued = await mustGet(queued);
        await store().claimJob(queued, 'alice', { claimedAt: 5, deadline: 6 });
        expect(await store().takeOverJob(seenQueued, { claimedAt: 7, deadline: 8 })).toBe(false);

        const uid = await claimed(100, 200);
        const seen = await mustGet(uid);
        expect(await store().renewLease(uid, 100, 300)).toBe('renewed');
        expect(await store().takeOverJob(seen, { claimedAt: 150, deadline: 160, aliveUntil: 170 })).toBe(false);
        const renewed = await mustGet(uid);
        expect(await store().takeOverJob(renewed, { claimedAt: 150, deadline: 160, aliveUntil: 170 })).toBe(true);
        expect(await store().getJob(uid)).toMatchObject({ status: 'running', 'claimed-at': 150, deadline: 160, 'alive-until': 170 });
        expect(await store().renewLease(uid, 100, 400)).toBe('lost');
        expect(await store().takeOverJob(renewed, { claimedAt: 180, deadline: 190, aliveUntil: 200 })).toBe(false);
      });

      it('refuses to take over a job whose record is gone', async () => {
        const uid = await claimed(100, 200);
        const seen = await mustGet(uid);
        expect(await store().takeOverJob({ ...seen, uid: uidAt(Date.now()) }, { claimedAt: 150, deadline: 160 })).toBe(false);
      });
    });

    describe('ending and cancelling', () => {
      it("marks the job exited only under the caller's claim when one is given, dropping the pending exit and keeping the incomplete-log flag", async () => {
        const uid = await claimed(100, 200);
        await store().renewLease(uid, 100, 300, 3);
        expect(await store().finishJob(uid, { exit: 3, size: 5, endedAt: 400 }, 99)).toBe(false);
        expect((await store().getJob(uid))?.status).toBe('running');
        expect(await store().finishJob(uid, { exit: 3, size: 5, endedAt: 400, uploadedBytes: 25, uploads: 3, logIncomplete: true }, 100)).toBe(true);
        const record = await store().getJob(uid);
        expect(record).toMatchObject({ status: 'exited', exit: 3, size: 5, 'ended-at': 400, 'uploaded-bytes': 25, uploads: 3, 'log-incomplete': true });
        expect(record?.['pending-exit']).toBeUndefined();
        expect(await store().renewLease(uid, 100, 500)).toBe('lost');
      });

      it('records the end of a lost push-urls job without a size, and no incomplete-log flag unless set', async () => {
        const uid = await create();
        expect(await store().finishJob(uid, { exit: 137, endedAt: 4, logIncomplete: false })).toBe(true);
        const record = await store().getJob(uid);
        expect(record).toMatchObject({ status: 'exited', exit: 137, 'ended-at': 4 });
        expect(record?.size).toBeUndefined();
        expect(record?.['log-incomplete']).toBeUndefined();
      });

      it('answers false for a claimed end of a job whose record is gone, and rejects an unclaimed one with a JobNotFoundError', async () => {
        const uid = uidAt(Date.now());
        expect(await store().finishJob(uid, { exit: 0, size: 0, endedAt: 1 }, 100)).toBe(false);
        const unclaimed = store().finishJob(uid, { exit: 0, size: 0, endedAt: 1 });
        await expect(unclaimed).rejects.toBeInstanceOf(JobNotFoundError);
        await expect(unclaimed).rejects.toMatchObject({ uid });
        expect(await store().getJob(uid)).toBeUndefined();
      });

      it("records a cancel only on the caller's unfinished job", async () => {
        const uid = await create();
        expect(await store().readCancelRequested(uid)).toBe(false);
        expect(await store().requestCancel(uid, 'bob', 1)).toBe('not-found');
        expect(await store().requestCancel(uidAt(Date.now()), 'alice', 1)).toBe('not-found');
        expect(await store().readCancelRequested(uidAt(Date.now()))).toBe(false);
        expect(await store().requestCancel(uid, 'alice', 1)).toBe('cancelling');
        expect(await store().readCancelRequested(uid)).toBe(true);
        expect(await store().getJob(uid)).toMatchObject({ 'cancel-requested': true, 'cancel-requested-at': 1 });
        await store().finishJob(uid, { exit: 130, size: 10, endedAt: 2 });
        expect(await store().requestCancel(uid, 'alice', 3)).toBe('already-exited');
        expect(await store().requestCancel(uid, 'bob', 3)).toBe('not-found');
        expect((await store().getJob(uid))?.['cancel-requested-at']).toBe(1);
      });
    });

    describe('listing', () => {
      it('pages through a name’s jobs newest first, with no next after the last page', async () => {
        const base = 1_700_000_000_000;
        const uids: string[] = [];
        for (let i = 0; i < 12; i++) uids.push(await create('pager', base + i * 1000));
        await create('someone-else', base + 5500);
        const pages = await readAll('pager', { limit: 5 });
        expect(pages.map((page) => page.records.length)).toEqual([5, 5, 2]);
        expect(pages.at(-1)?.next).toBeUndefined();
        expect(pages.flatMap((page) => page.records.map((record) => record.uid))).toEqual([...uids].reverse());
      });

      it('gives no next when the jobs fill the page exactly', async () => {
        for (let i = 0; i < 3; i++) await create('exact', 1_700_000_000_000 + i);
        const page = await store().listJobs('exact', { limit: 3 });
        expect(page.records).toHaveLength(3);
        expect(page.next).toBeUndefined();
      });

      it('orders jobs of the same start time the same way on every call and page size, so pages never repeat or skip one', async () => {
        const at = 1_700_000_500_000;
        const uids: string[] = [];
        for (let i = 0; i < 7; i++) uids.push(await create('ties', at));
        await create('ties', at + 1);
        await create('ties', at - 1);
        const whole = (await store().listJobs('ties', { limit: 100 })).records.map((record) => record.uid);
        expect(whole).toHaveLength(9);
        expect((await store().listJobs('ties', { limit: 100 })).records.map((record) => record.uid)).toEqual(whole);
        for (const limit of [1, 2, 3, 4]) {
          const paged = (await readAll('ties', { limit })).flatMap((page) => page.records);
          expect(paged.map((record) => record.uid), `pages of ${limit}`).toEqual(whole);
        }
        expect(whole.slice(1, 8).sort()).toEqual([...uids].sort());
      });

      it('goes on from a position between jobs of the same start time', async () => {
        const at = 1_700_000_600_000;
        for (let i = 0; i < 4; i++) await create('mid-tie', at);
        const whole = (await store().listJobs('mid-tie', { limit: 100 })).records;
        const second = whole[1];
        if (!second) throw new Error('expected four records');
        const rest = await store().listJobs('mid-tie', { limit: 100, after: { startedAt: second['started-at'], id: second.id } });
        expect(rest.records.map((record) => record.uid)).toEqual(whole.slice(2).map((record) => record.uid));
      });

      it('lists only the statuses asked for, across pages', async () => {
        const base = 1_700_001_000_000;
        const statuses: JobStatus[] = ['queued', 'running', 'exited', 'exited', 'running', 'queued', 'exited'];
        const uids: string[] = [];
        for (const [i, status] of statuses.entries()) uids.push(await createIn('filtered', base + i * 1000, status));
        const pick = (wanted: JobStatus[]) => uids.filter((_, i) => wanted.includes(statuses[i] as JobStatus)).reverse();
        const running = (await readAll('filtered', { limit: 1, statuses: ['running'] })).flatMap((page) => page.records);
        expect(running.map((record) => record.uid)).toEqual(pick(['running']));
        expect(running.every((record) => record.status === 'running')).toBe(true);
        const active = (await readAll('filtered', { limit: 10, statuses: ['queued', 'running'] })).flatMap((page) => page.records);
        expect(active.map((record) => record.uid)).toEqual(pick(['queued', 'running']));
      });

      it('lists nothing for a name without jobs', async () => {
        expect(await store().listJobs('nobody', { limit: 10 })).toEqual({ records: [] });
      });

      it('lists every queued and running job for the sweep, and no ended one', async () => {
        const base = 1_700_002_000_000;
        const queued = await createIn('sweep', base, 'queued');
        const running = await createIn('sweep', base + 1, 'running');
        const exited = await createIn('sweep', base + 2, 'exited');
        const unfinished = await store().listUnfinishedJobs();
        const uids = unfinished.map((record) => record.uid);
        expect(uids).toEqual(expect.arrayContaining([queued, running]));
        expect(uids).not.toContain(exited);
        expect(unfinished.every((record) => record.status !== 'exited')).toBe(true);
      });
    });
  });
}
