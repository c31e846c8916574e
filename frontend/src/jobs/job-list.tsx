import { useEffect, useRef, useState } from 'preact/hooks';
import { recallRpc } from '../app/requests.js';
import type { Session } from '../app/session.js';
import { jobHash } from '../app/route.js';
import { describeJob } from './describe.js';
import { ExitBadge } from './exit-badge.js';
import { formatDuration } from './exit.js';
import { FILTERS, fetchJobPage, type ListedPage, type StatusFilter } from './job-pages.js';
import { useClock } from './use-clock.js';

const REFRESH_MS = 5000;

/** Where the list is: the cursor of each page seen so far (none for the first), the page shown, and how many jobs came before each. */
interface Position {
  filter: StatusFilter;
  cursors: (string | undefined)[];
  offsets: number[];
  index: number;
}

const FIRST_PAGE = (filter: StatusFilter): Position => ({ filter, cursors: [undefined], offsets: [0], index: 0 });

/**
 * The caller's jobs, newest first, each a link to its page with its command and arguments,
 * when it started and how long it ran (ticking while it runs); a status filter and pages of
 * 50, read page by page with the API's cursor (Newer goes back through the cursors of the
 * pages seen). Running is filtered by the API; Succeeded and Failed ask it for exited jobs
 * and keep those of their exit codes (job-pages.ts). The page shown is read again every
 * 5 s while any job on it runs.
 */
export function JobList({ session }: { session: Session }) {
  const [position, setPosition] = useState<Position>(FIRST_PAGE('all'));
  const [listed, setListed] = useState<ListedPage & { of: Position }>();
  const [problem, setProblem] = useState<string>();
  const latest = useRef(0);
  const { filter, index } = position;
  const cursor = position.cursors[index];
  const load = () => {
    const request = ++latest.current;
    const of = position;
    return fetchJobPage(session.client, filter, cursor).then(
      (page) => {
        if (request !== latest.current) return;
        setListed({ ...page, of });
        setProblem(undefined);
      },
      (error: unknown) => {
        if (request === latest.current) setProblem(session.describe(error));
      },
    );
  };

  useEffect(() => {
    void load();
  }, [filter, index, cursor]);
  const jobs = listed?.jobs;
  const active = jobs?.some((job) => job.status !== 'exited') ?? false;
  const now = useClock(active);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [active, filter, index, cursor]);

  // Until the page asked for arrives, the one before stays drawn, but cannot be paged from.
  const settled = listed?.of === position;
  const next = settled ? listed?.next : undefined;
  const offset = position.offsets[index] ?? 0;
  const label = FILTERS[filter].label.toLowerCase();
  const older = () => {
    if (next === undefined || jobs === undefined) return;
    setPosition({
      filter,
      cursors: [...position.cursors.slice(0, index + 1), next],
      offsets: [...position.offsets.slice(0, index + 1), offset + jobs.length],
      index: index + 1,
    });
  };
  const newer = () => setPosition({ ...position, index: index - 1 });
  return (
    <section class="jobs" aria-labelledby="jobs-title" aria-busy={!settled}>
      <h2 id="jobs-title">
        Recent jobs{' '}
        <select aria-label="Status" value={filter} onChange={(event) => setPosition(FIRST_PAGE(event.currentTarget.value as StatusFilter))}>
          {Object.entries(FILTERS).map(([value, { label }]) => (
            <option value={value}>{label}</option>
          ))}
        </select>
        <button type="button" class="quiet" onClick={() => void load()}>
          Refresh
        </button>
      </h2>
      {problem && <p class="problem">{problem}</p>}
      {settled && jobs?.length === 0 && !listed.cut && <p class="hint">{describeEmpty(filter, index, label)}</p>}
      {settled && listed.cut && (
        <p class="hint">
          {jobs?.length ?? 0} {label} {jobs?.length === 1 ? 'job' : 'jobs'} found here before the search paused; Older looks further back.
        </p>
      )}
      <ul>
        {(jobs ?? []).map((job) => (
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
      {(index > 0 || next !== undefined) && (
        <nav class="pages" aria-label="Pages">
          <button type="button" class="quiet" disabled={index === 0} onClick={newer}>
            Newer
          </button>
          <span>{jobs && jobs.length > 0 ? `${offset + 1}–${offset + jobs.length}` : '–'}</span>
          <button type="button" class="quiet" disabled={next === undefined} onClick={older}>
            Older
          </button>
        </nav>
      )}
    </section>
  );
}

/** What an empty page says: how to start a first job, or that no (older) jobs of the filter exist. */
function describeEmpty(filter: StatusFilter, index: number, label: string): string {
  if (filter === 'all') return index === 0 ? 'No jobs yet: type a command above and press Enter.' : 'No older jobs.';
  return index === 0 ? `No ${label} jobs.` : `No older ${label} jobs.`;
}
