import { useEffect, useState } from 'preact/hooks';
import type { JobSummary } from '../../../client/index.js';
import type { Session } from '../app/session.js';
import { jobHash } from '../app/route.js';
import { describeJob } from './describe.js';
import { ExitBadge } from './exit-badge.js';
import { formatDuration } from './exit.js';

const REFRESH_MS = 5000;

/** The caller's recent jobs, newest first, each a link to its page; refreshed while any runs. */
export function JobList({ session }: { session: Session }) {
  const [jobs, setJobs] = useState<JobSummary[]>();
  const [problem, setProblem] = useState<string>();
  const load = () =>
    session.client.list({ limit: 50 }).then(
      (list) => {
        setJobs(list);
        setProblem(undefined);
      },
      (error: unknown) => setProblem(session.describe(error)),
    );

  useEffect(() => {
    void load();
  }, []);
  const active = jobs?.some((job) => job.status !== 'exited');
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [active]);

  return (
    <section class="jobs" aria-labelledby="jobs-title">
      <h2 id="jobs-title">
        Recent jobs{' '}
        <button type="button" class="quiet" onClick={() => void load()}>
          Refresh
        </button>
      </h2>
      {problem && <p class="problem">{problem}</p>}
      {jobs?.length === 0 && <p class="hint">No jobs yet: type a command above and press Enter.</p>}
      <ul>
        {jobs?.map((job) => (
          <li key={job.uid}>
            <a href={jobHash(job.uid)}>
              <ExitBadge code={job.exit} pending={job.status === 'exited' ? undefined : job.status} />
              <code>{describeJob(job)}</code>
              <small>
                {new Date(job['started-at']).toLocaleString()}
                {job['ended-at'] !== undefined && ` · ${formatDuration(job['ended-at'] - job['started-at'])}`}
              </small>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
