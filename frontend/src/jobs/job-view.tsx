import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { NotFoundError, type JobSummary } from '../../../client/index.js';
import type { Session } from '../app/session.js';
import { LogView } from '../log/log-view.js';
import { createLogScreen, lineText } from '../log/screen.js';
import { ExitBadge } from './exit-badge.js';
import { describeJob, jobStartedAt } from './describe.js';
import { formatDuration } from './exit.js';

/**
 * One job: its command, a badge of how it ended, its duration, Cancel while it runs,
 * copy and download of the log, and the live log itself, tailed from the start (so a
 * reload, or a shared link, shows the whole log and then follows it).
 */
export function JobView({ session, uid }: { session: Session; uid: string }) {
  const screen = useMemo(createLogScreen, [uid]);
  const chunks = useRef<Uint8Array[]>([]);
  const [version, setVersion] = useState(0);
  const [exit, setExit] = useState<number>();
  const [endedAt, setEndedAt] = useState<number>();
  const [problem, setProblem] = useState<string>();
  const [summary, setSummary] = useState<JobSummary>();
  const [note, setNote] = useState('');
  const now = useClock(exit === undefined);

  useEffect(() => {
    const abort = new AbortController();
    let frame = 0;
    const redraw = () => {
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        setVersion((v) => v + 1);
      });
    };
    const tail = session.client.tail(uid, { signal: abort.signal });
    tail
      .exit((chunk) => {
        chunks.current.push(chunk);
        screen.write(chunk);
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
        if (error instanceof NotFoundError) setProblem(`No job ${uid} for this key.`);
        else setProblem(session.describe(error));
      });
    return () => {
      abort.abort();
      cancelAnimationFrame(frame);
    };
  }, [uid]);

  useEffect(() => {
    session.client.list({ limit: 100 }).then((jobs) => setSummary(jobs.find((job) => job.uid === uid)), session.describe);
  }, [uid, exit]);

  const cancel = async () => {
    setNote('Cancelling…');
    try {
      const answer = await session.client.cancel(uid);
      setNote(answer.status === 'cancelling' ? 'Cancel requested' : 'It had already exited');
    } catch (error) {
      setNote(session.describe(error));
    }
  };

  const copy = async () => {
    const text = screen.lines.map(lineText).join('\n');
    try {
      await navigator.clipboard.writeText(text);
      setNote('Copied the log');
    } catch {
      setNote('The browser refused the clipboard');
    }
  };

  const download = () => {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob(chunks.current.map((chunk) => new Uint8Array(chunk)), { type: 'text/plain' }));
    link.download = `${uid}.log`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  };

  const started = jobStartedAt(uid, summary);
  const ended = summary?.['ended-at'] ?? endedAt;
  const running = exit === undefined && problem === undefined;
  return (
    <section class="job" aria-label="Job">
      <div class="job-head">
        <ExitBadge code={exit} pending={running ? (summary?.status ?? 'running') : undefined} />
        <code class="job-title">{summary ? describeJob(summary) : uid}</code>
      </div>
      <div class="job-bar">
        <span class="duration" title="Duration">
          {formatDuration((ended ?? (running ? now : started)) - started)}
        </span>
        {running && (
          <button type="button" class="danger" onClick={cancel}>
            Cancel
          </button>
        )}
        <button type="button" onClick={copy}>
          Copy
        </button>
        <button type="button" onClick={download}>
          Download
        </button>
        <span class="note" role="status">
          {note}
        </span>
      </div>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
      <LogView lines={screen.lines} version={version} />
    </section>
  );
}

/** Date.now(), re-read every second while `ticking`. */
function useClock(ticking: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}
