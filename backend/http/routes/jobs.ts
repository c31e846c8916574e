import type { Hono } from 'hono';
import { ListJobsQuery, PATHS, type ListJobsResponse } from '../../../protocol/index.js';
import { summarizeJob } from '../../jobs/record.js';
import type { AppDeps, AppEnv } from '../env.js';
import { parseInput } from '../input.js';
import { readListCursor, writeListCursor } from '../list-cursor.js';

/**
 * `GET /api/jobs`: a page of the caller's jobs, newest first, optionally only those of some
 * statuses, with `next` (an opaque cursor) when more may follow. A cursor that this key's
 * listing with this filter did not make is a 400.
 */
export function registerJobsRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get(PATHS.jobs, async (c) => {
    const query = parseInput(ListJobsQuery, c.req.query(), 'query');
    const authName = c.get('authName');
    const after = query.cursor === undefined ? undefined : readListCursor(query.cursor, authName, query.status);
    const page = await deps.jobs.listJobs(authName, {
      limit: query.limit,
      ...(query.status ? { statuses: query.status } : {}),
      ...(after ? { after } : {}),
    });
    const answer: ListJobsResponse = {
      jobs: page.records.map(summarizeJob),
      ...(page.next ? { next: writeListCursor(page.next, authName, query.status) } : {}),
    };
    return c.json(answer);
  });
}
