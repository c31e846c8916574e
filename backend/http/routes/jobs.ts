import type { Hono } from 'hono';
import { ListJobsQuery, PATHS, type ListJobsResponse } from '../../../protocol/index.js';
import { checkAccess } from '../../auth/access.js';
import { summarizeJob, type JobRecord } from '../../jobs/record.js';
import { finishIfLost } from '../../sweep/close-lost.js';
import { judgeLostJob } from '../../sweep/lost.js';
import type { AppDeps, AppEnv } from '../env.js';
import { parseInput } from '../input.js';

/** Most lost jobs one listing closes (the rest: the next listing, a follower or the sweep). */
const MAX_CLOSED_PER_LISTING = 8;

/**
 * `GET /api/jobs`: the caller's recent jobs, newest first. A listed job whose runner is
 * gone is closed first (at most a few per call), so the list never shows a dead job as
 * running.
 */
export function registerJobsRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  const now = deps.now ?? Date.now;
  app.get(PATHS.jobs, async (c) => {
    checkAccess(c.get('principal'), { kind: 'list' });
    const query = parseInput(ListJobsQuery, c.req.query(), 'query');
    const records = await deps.jobs.listJobs(c.get('authName'), query.limit);
    const judge = { lostQueuedAfterMs: deps.config.lostQueuedAfterMs, leaseMs: deps.config.leaseMs };
    const at = now();
    const lost = records.filter((record) => record.status !== 'exited' && judgeLostJob(record, at, judge)).slice(0, MAX_CLOSED_PER_LISTING);
    const closed = new Map<string, JobRecord>();
    await Promise.all(lost.map(async (record) => closed.set(record.uid, await finishIfLost(deps, record))));
    return c.json({ jobs: records.map((record) => summarizeJob(closed.get(record.uid) ?? record)) } satisfies ListJobsResponse);
  });
}
