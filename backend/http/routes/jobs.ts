import type { Hono } from 'hono';
import { ListJobsQuery, PATHS, type ListJobsResponse } from '../../../protocol/index.js';
import { checkAccess } from '../../auth/access.js';
import { summarizeJob } from '../../jobs/record.js';
import type { AppDeps, AppEnv } from '../env.js';
import { parseInput } from '../input.js';

/** `GET /api/jobs`: the caller's recent jobs, newest first. */
export function registerJobsRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get(PATHS.jobs, async (c) => {
    checkAccess(c.get('principal'), { kind: 'list' });
    const query = parseInput(ListJobsQuery, c.req.query(), 'query');
    const records = await deps.jobs.listJobs(c.get('authName'), query.limit);
    return c.json({ jobs: records.map(summarizeJob) } satisfies ListJobsResponse);
  });
}
