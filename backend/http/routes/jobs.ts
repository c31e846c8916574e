import type { Hono } from 'hono';
import { JobQuery, ListJobsQuery, PATHS, type JobSummary, type ListJobsResponse } from '../../../protocol/index.js';
import { checkAccess } from '../../auth/access.js';
import { NotFoundError } from '../../errors.js';
import { summarizeJob, type JobRecord } from '../../jobs/record.js';
import { finishIfLost } from '../../sweep/close-lost.js';
import { judgeLostJob } from '../../sweep/lost.js';
import type { AppDeps, AppEnv } from '../env.js';
import { parseInput } from '../input.js';
import { readListCursor, writeListCursor } from '../list-cursor.js';

/** Most lost jobs one listing closes (the rest: the next listing, a follower or the sweep). */
const MAX_CLOSED_PER_LISTING = 8;

/**
 * `GET /api/jobs` and `GET /api/job`. The first: a page of the caller's jobs, newest first,
 * optionally only those of some statuses, with `next` (an opaque cursor) when more may follow. A cursor that this key's
 * listing with this filter did not make is a 400. A listed job whose runner is gone is
 * closed first (at most a few per call), so the list never shows a dead job as running.
 */
export function registerJobsRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  const now = deps.now ?? Date.now;
  app.get(PATHS.jobs, async (c) => {
    checkAccess(c.get('principal'), { kind: 'list' });
    const query = parseInput(ListJobsQuery, c.req.query(), 'query');
    const authName = c.get('authName');
    const after = query.cursor === undefined ? undefined : readListCursor(query.cursor, authName, query.status);
    const page = await deps.jobs.listJobs(authName, {
      limit: query.limit,
      ...(query.status ? { statuses: query.status } : {}),
      ...(after ? { after } : {}),
    });
    const judge = { lostQueuedAfterMs: deps.config.lostQueuedAfterMs, leaseMs: deps.config.leaseMs };
    const at = now();
    const lost = page.records.filter((record) => record.status !== 'exited' && judgeLostJob(record, at, judge)).slice(0, MAX_CLOSED_PER_LISTING);
    const closed = new Map<string, JobRecord>();
    await Promise.all(lost.map(async (record) => closed.set(record.uid, await finishIfLost(deps, record))));
    const answer: ListJobsResponse = {
      jobs: page.records.map((record) => summarizeJob(closed.get(record.uid) ?? record)),
      ...(page.next ? { next: writeListCursor(page.next, authName, query.status) } : {}),
    };
    return c.json(answer);
  });

  // `GET /api/job?uid=U`: one of the caller's jobs as the listing shows it, read by its key
  // (one GetItem) instead of searched for in pages; closed first when its runner is gone, as
  // the listing and GET /api/exec do. Another key's job answers as a uid that never existed.
  app.get(PATHS.job, async (c) => {
    const query = parseInput(JobQuery, c.req.query(), 'query');
    c.set('uid', query.uid);
    checkAccess(c.get('principal'), { kind: 'list' });
    const found = await deps.jobs.getJob(query.uid);
    if (!found || found['auth-name'] !== c.get('authName')) throw new NotFoundError(`No job with uid \`${query.uid}\``);
    return c.json(summarizeJob(await finishIfLost(deps, found)) satisfies JobSummary);
  });
}
