import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { NotFoundError, type JobSummary } from '../../../client/index.js';
import { mayStartLike, type PageAccess } from '../app/access.js';
import type { RunRequest } from '../app/composer.js';
import { recallRpc } from '../app/requests.js';
import type { Session } from '../app/session.js';
import { LogView } from '../log/log-view.js';
import { createLogScreen, lineText, type LogScreen } from '../log/screen.js';
import { describeJob, jobStartedAt, parseArgs, quoteArgv } from './describe.js';
import { ExitBadge } from './exit-badge.js';
import { describeExit, formatDuration } from './exit.js';
import { JobActions } from './job-actions.js';
import { NotFound } from './not-found.js';
import { useClock, useTabTitle } from './use-clock.js';

/** What the job page is given. */
export interface JobViewProps {
  session: Session;
  uid: string;
  /** A line to open at (1-based, from `#/job/UID/L123`). */
  line?: number | undefined;
  /** Scroll the job into view once it is drawn (after Run, so that a phone shows the log, not the form above it). */
  reveal: boolean;
  /** Re-run: refill the prompt or the form with this job's command. */
  onRerun: (request: RunRequest) => void;
  /** What the key may do here: Cancel and Re-run only for a job it may start, Share for a key, the listing not for a share link. */
  access: PageAccess;
}

/**
 * One job: its command with its arguments, a badge of how it ended, when it started and
 * how long it ran, Cancel (confirmed) while it runs, Re-run, a notification when it ends,
 * copy and download of the log, and the live log itself, tailed from the start (so a
 * reload, or a shared link, shows the whole log and then follows it). An unknown job, or
 * another key's, is one not-found state.
 */
export function JobView({ session, uid, line, reveal, onRerun, access }: JobViewProps) {
  const section = useRef<HTMLElement>(null);
  const screen = useMemo(createLogScreen, [uid]);
  const chunks = useRef<Uint8Array[]>([]);
  const times = useRef<number[]>([]);
  const [version, setVersion] = useState(0);
  const [tailExit, setExit] = useState<number>();
  const [endedAt, setEndedAt] = useState<number>();
  const [problem, setProblem] = useState<string>();
  const [missing, setMissing] = useState(false);
  const [summary, setSummary] = useState<JobSummary>();
  const remembered = useMemo(() => recallRpc(localStorage, uid), [uid]);
  // The summary may know the end before the tail has read the whole log.
  const exit = tailExit ?? (summary?.status === 'exited' ? summary.exit : undefined);
  const running = exit === undefined && problem === undefined && !missing;
  const now = useClock(running);

  useEffect(() => {
    const abort = new AbortController();
    let frame = 0;
    const redraw = () => {
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        setVersion((v) => v + 1);
      });
    };
    session.client
      .tail(uid, { signal: abort.signal })
      .exit((chunk) => {
        chunks.current.push(chunk);
        screen.write(chunk);
        stampLines(screen, times.current, Date.now());
        redraw();
      })
      .then((code) => {
        screen.end();
        redraw();
        setEndedAt(Date.now());
        setExit(code);
      })
      .catch((error: unknown) => {
        if (abort.signal.aborted) return;
        if (error instanceof NotFoundError) setMissing(true);
        else setProblem(session.describe(error));
      });
    return () => {
      abort.abort();
      cancelAnimationFrame(frame);
    };
  }, [uid]);

  useEffect(() => {
    if (reveal) section.current?.scrollIntoView({ block: 'start' });
  }, [uid]);

  useEffect(() => {
    if (missing || !access.list) return;
    // Not found: the tail says so (or the job is the Go backend's, which keeps no record).
    session.client.summary(uid).then(setSummary, (error: unknown) => (error instanceof NotFoundError ? undefined : session.describe(error)));
  }, [uid, tailExit, missing, access.list]);

  const title = summary ? describeJob(summary, remembered?.args) : remembered ? describeJob({ 'rpc-name': remembered.name }, remembered.args) : uid;
  // The summary is read once (and again at the end): a job it saw queued that has written output is running by now.
  const state = running ? (summary?.status === 'queued' && chunks.current.length === 0 ? 'queued' : 'running') : describeExit(exit).label;
  useTabTitle(missing ? 'no such job' : `${running ? '●' : exit === 0 ? '✓' : '✗'} ${state} · ${title}`);
  if (missing) return <NotFound uid={uid} />;

  const started = jobStartedAt(uid, summary);
  const ended = summary?.['ended-at'] ?? endedAt;
  const known = summary ?? (remembered ? { 'rpc-name': remembered.name } : undefined);
  const startable = access.list && mayStartLike(access, known);
  const rerun = startable ? findRerun(summary, remembered) : undefined;
  return (
    <section class="job" aria-label="Job" ref={section} data-tail={tailExit === undefined ? 'following' : 'ended'}>
      <div class="job-head">
        {(summary !== undefined || exit !== undefined) && <ExitBadge code={exit} pending={running ? state : undefined} />}
        <code class="job-title" title={title}>
          {title}
        </code>
      </div>
      <div class="job-bar">
        <span class="when" title={new Date(started).toISOString()}>
          started {new Date(started).toLocaleString()} ·{' '}
          <span class="duration" title="Elapsed">
            {formatDuration((ended ?? (running ? now : started)) - started)}
          </span>
        </span>
        <JobActions
          session={session}
          uid={uid}
          title={title}
          running={running}
          cancellable={startable}
          shareable={access.share}
          exit={exit}
          onRerun={rerun ? () => onRerun(rerun) : undefined}
          text={() => screen.lines.map(lineText).join('\n')}
          bytes={() => chunks.current}
        />
      </div>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
      <LogView screen={screen} version={version} uid={uid} times={times.current} target={line === undefined ? undefined : line - 1} running={running} />
    </section>
  );
}

/**
 * Gives each line the time its first byte arrived: a line gets a time once it has text,
 * or once a later line exists (an empty line is complete when its newline came).
 */
function stampLines(screen: LogScreen, times: number[], now: number): void {
  const lines = screen.lines;
  for (let index = times.length; index < lines.length; index++) {
    const complete = index < lines.length - 1 || (lines[index]?.length ?? 0) > 0;
    if (!complete) break;
    times[index] = now;
  }
}

/** What Re-run refills: a shell command at the prompt, or a registered command's form (with its arguments when this page sent them). */
function findRerun(summary: JobSummary | undefined, remembered: { name: string; args: unknown } | undefined): RunRequest | undefined {
  const argv = summary?.argv;
  if (argv && argv.length > 0) return { command: argv.length === 3 && argv[0] === 'bash' && argv[1] === '-c' ? (argv[2] ?? '') : quoteArgv(argv) };
  const name = summary?.['rpc-name'] ?? remembered?.name;
  if (name === undefined) return undefined;
  return { rpc: { name, args: remembered?.name === name ? remembered.args : parseArgs(summary?.['rpc-args']) } };
}
