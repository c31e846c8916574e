import { useEffect, useState } from 'preact/hooks';
import type { JobSummary } from '../../../client/index.js';
import { recallRpc } from '../app/requests.js';
import type { Session } from '../app/session.js';
import { jobHash } from '../app/route.js';
import { describeJob } from './describe.js';
import { ExitBadge } from './exit-badge.js';
import { formatDuration } from './exit.js';
import { useClock } from './use-clock.js';

const REFRESH_MS = 5000;
const PAGE_SIZE = 50;
/** The most jobs the API lists in one answer (`limit` 1-1000); it has no cursor yet, so the pages are cut here, in the browser. */
const LIST_MAX = 1000;

/** Which jobs the list shows. */
export type StatusFilter = 'all' | 'running' | 'succeeded' | 'failed';

const FILTERS: Record<StatusFilter, { label: string; test: (job: JobSummary) => boolean }> = {
  all: { label: 'All', test: () => true },
  running: { label: 'Running', test: (job) => job.status !== 'exited' },
  succeeded: { label: 'Succeeded', test: (job) => job.status === 'exited' && job.exit === 0 },
  failed: { label: 'Failed', test: (job) => job.status === 'exited' && job.exit !== 0 },
};

/**
 * The caller's recent jobs, newest first, each a link to its page with its command and
 * arguments, when it started and how long it ran (ticking while it runs); a status
 * filter and pages of 50. The API's list has no cursor, so the page asks for as many of
 * the newest jobs as the pages shown need (all 1,000 it can list when filtering) and cuts
 * them into pages itself. Refreshed every 5 s while any job runs.
 */
export function JobList({ session }: { session: Session }) {
  const [jobs, setJobs] = useState<JobSummary[]>();
  const [problem, setProblem] = useState<string>();
  const [filter, setFilter] = useState<StatusFilter>('all');
  const [page, setPage] = useState(0);
  const limit = filter === 'all' ? Math.min(LIST_MAX, (page + 1) * PAGE_SIZE + 1) : LIST_MAX;
  const load = () =>
    session.client.list({ limit }).then(
      (list) => {
        setJobs(list);
        setProblem(undefined);
      },
      (error: unknown) => setProblem(session.describe(error)),
    );

  useEffect(() => {
    void load();
  }, [limit]);
  const active = jobs?.some((job) => job.status !== 'exited') ?? false;
  const now = useClock(active);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [active, limit]);

  const shown = (jobs ?? []).filter(FILTERS[filter].test);
  const pageJobs = shown.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  const more = shown.length > (page + 1) * PAGE_SIZE;
  const capped = jobs !== undefined && jobs.length >= LIST_MAX;
  return (
    <section class="jobs" aria-labelledby="jobs-title">
      <h2 id="jobs-title">
        Recent jobs{' '}
        <select
          aria-label="Status"
          value={filter}
          onChange={(event) => {
            setFilter(event.currentTarget.value as StatusFilter);
            setPage(0);
          }}
        >
          {Object.entries(FILTERS).map(([value, { label }]) => (
            <option value={value}>{label}</option>
          ))}
        </select>
        <button type="button" class="quiet" onClick={() => void load()}>
          Refresh
        </button>
      </h2>
      {problem && <p class="problem">{problem}</p>}
      {jobs?.length === 0 && <p class="hint">No jobs yet: type a command above and press Enter.</p>}
      {jobs !== undefined && jobs.length > 0 && shown.length === 0 && <p class="hint">No {FILTERS[filter].label.toLowerCase()} jobs among your newest {jobs.length}.</p>}
      <ul>
        {pageJobs.map((job) => (
          <li key={job.uid}>
            <a href={jobHash(job.uid)}>
              <ExitBadge code={job.exit} pending={job.status === 'exited' ? undefined : job['cancel-requested'] ? 'cancelling' : job.status} />
              <code>{describeJob(job, recallRpc(localStorage, job.uid)?.args)}</code>
              <small>
                <time dateTime={new Date(job['started-at']).toISOString()}>{new Date(job['started-at']).toLocaleString()}</time>
                {' · '}
                <span class="elapsed">
                  {formatDuration((job['ended-at'] ?? (job.status === 'exited' ? job['started-at'] : Math.max(now, job['started-at']))) - job['started-at'])}
                  {job.status !== 'exited' && ' so far'}
                </span>
              </small>
            </a>
          </li>
        ))}
      </ul>
      {(page > 0 || more) && (
        <nav class="pages" aria-label="Pages">
          <button type="button" class="quiet" disabled={page === 0} onClick={() => setPage(page - 1)}>
            Newer
          </button>
          <span>
            {page * PAGE_SIZE + 1}–{page * PAGE_SIZE + pageJobs.length}
            {filter !== 'all' || capped ? ` of ${shown.length}` : ''}
          </span>
          <button type="button" class="quiet" disabled={!more} onClick={() => setPage(page + 1)}>
            Older
          </button>
        </nav>
      )}
      {capped && <p class="hint">Only your newest {LIST_MAX} jobs are listed here (the API lists at most that many at once).</p>}
    </section>
  );
}
