import type { AwsExecClient, JobStatus, JobSummary } from '../../../client/index.js';

/** Jobs on one page of the list. */
export const PAGE_SIZE = 50;
/** Most API calls one page makes to fill itself with jobs of a filter the API cannot apply (succeeded, failed). */
export const MAX_CALLS_PER_PAGE = 10;

/** Which jobs the list shows. */
export type StatusFilter = 'all' | 'running' | 'succeeded' | 'failed';

/** A filter: its label, the statuses the API is asked for, and what the page keeps of those. */
export interface FilterRule {
  label: string;
  status?: JobStatus[];
  keep?: (job: JobSummary) => boolean;
}

/**
 * The filters. The API filters by status; whether an exited job succeeded is its exit
 * code, which the API does not filter on, so those two ask for exited jobs and keep the
 * ones they want here.
 */
export const FILTERS: Record<StatusFilter, FilterRule> = {
  all: { label: 'All' },
  running: { label: 'Running', status: ['queued', 'running'] },
  succeeded: { label: 'Succeeded', status: ['exited'], keep: (job) => job.exit === 0 },
  failed: { label: 'Failed', status: ['exited'], keep: (job) => job.exit !== 0 },
};

/** A page of the list: its jobs, the cursor of the page after (absent on the last), and whether it stopped looking before it was full. */
export interface ListedPage {
  jobs: JobSummary[];
  next?: string;
  cut: boolean;
}

/**
 * A page of the caller's jobs from `cursor` on (the `next` of the page before; none for the
 * first): up to PAGE_SIZE of them, newest first. Each call asks for no more jobs than the
 * page still lacks, so that every job the API hands over is either shown or filtered out and
 * the page ends exactly at the `next` of its last call: the next page starts after it, with
 * nothing skipped or shown twice. A page of succeeded or failed jobs makes as many calls as it
 * needs, up to MAX_CALLS_PER_PAGE (then it is `cut`, and Older looks further).
 */
export async function fetchJobPage(client: AwsExecClient, filter: StatusFilter, cursor: string | undefined, signal?: AbortSignal): Promise<ListedPage> {
  const { status, keep } = FILTERS[filter];
  const jobs: JobSummary[] = [];
  let next = cursor;
  for (let calls = 0; calls < MAX_CALLS_PER_PAGE; calls++) {
    const page = await client.listPage({
      limit: PAGE_SIZE - jobs.length,
      ...(status ? { status } : {}),
      ...(next !== undefined ? { cursor: next } : {}),
      ...(signal ? { signal } : {}),
    });
    jobs.push(...(keep ? page.jobs.filter(keep) : page.jobs));
    next = page.next;
    if (next === undefined) return { jobs, cut: false };
    if (jobs.length >= PAGE_SIZE) return { jobs, next, cut: false };
  }
  return next === undefined ? { jobs, cut: false } : { jobs, next, cut: true };
}
