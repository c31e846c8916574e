import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../app/session.js';
import { describeExit } from './exit.js';

/** The job's buttons and what they need. */
export interface JobActionsProps {
  session: Session;
  uid: string;
  title: string;
  running: boolean;
  /** Whether the key may cancel it (a key may stop what it may start). */
  cancellable: boolean;
  /** Whether the key may make share links (not a share link itself). */
  shareable: boolean;
  exit: number | undefined;
  /** Refills the prompt or the form with this job's command; absent when the command is not known. */
  onRerun: (() => void) | undefined;
  text: () => string;
  bytes: () => Uint8Array[];
}

/**
 * Cancel (asking to confirm), Notify (asks the browser's permission on that click, once;
 * the notification comes when this job ends), Re-run, Copy and Download, and a line
 * saying what the last of them did.
 */
export function JobActions(props: JobActionsProps) {
  const { session, uid } = props;
  const running = props.running && props.cancellable;
  const [note, setNote] = useState('');
  const [confirming, setConfirming] = useState(false);
  const notify = useEndNotification(props, setNote);

  const cancel = async () => {
    setConfirming(false);
    setNote('Cancelling…');
    try {
      const answer = await session.client.cancel(uid);
      setNote(answer.status === 'cancelling' ? 'Cancel requested' : 'It had already exited');
    } catch (error) {
      setNote(session.describe(error));
    }
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text());
      setNote('Copied the log');
    } catch {
      setNote('The browser refused the clipboard');
    }
  };
  const download = () => {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob(props.bytes().map((chunk) => new Uint8Array(chunk)), { type: 'text/plain' }));
    link.download = `${uid}.log`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  };

  return (
    <>
      {running && !confirming && (
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Cancel
        </button>
      )}
      {running && confirming && (
        <span class="confirm" role="group" aria-label="Confirm cancel">
          Cancel this job?{' '}
          <button type="button" class="danger" onClick={cancel}>
            Yes, cancel it
          </button>{' '}
          <button type="button" class="quiet" onClick={() => setConfirming(false)}>
            Keep it running
          </button>
        </span>
      )}
      {props.running && notify}
      {props.shareable && <ShareButton session={session} uid={uid} setNote={setNote} />}
      {props.onRerun && (
        <button type="button" class="quiet" onClick={props.onRerun}>
          Re-run
        </button>
      )}
      <button type="button" class="quiet" onClick={copy}>
        Copy
      </button>
      <button type="button" class="quiet" onClick={download}>
        Download
      </button>
      <span class="note" role="status">
        {note}
      </span>
    </>
  );
}

/** The Notify button; once pressed (and allowed), a browser notification says how the job ended. */
function useEndNotification(props: JobActionsProps, setNote: (note: string) => void) {
  const [wanted, setWanted] = useState(false);
  const supported = typeof Notification === 'function';
  useEffect(() => {
    if (wanted && props.exit !== undefined) new Notification(`${describeExit(props.exit).label} · ${props.title}`, { body: `aws-exec job ${props.uid}`, tag: props.uid });
  }, [wanted, props.exit]);
  if (!supported) return null;
  const ask = async () => {
    const permission = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
    if (permission !== 'granted') return setNote('The browser does not allow notifications for this page');
    setWanted(true);
    setNote('You will be notified when it ends');
  };
  return (
    <button type="button" class="quiet" aria-pressed={wanted} disabled={wanted} onClick={ask}>
      {wanted ? 'Notifying' : 'Notify me'}
    </button>
  );
}

/**
 * Share: makes a link (1 hour) that opens this job's log without sign-in, shows it and
 * copies it; Revoke ends it at once.
 */
function ShareButton({ session, uid, setNote }: { session: Session; uid: string; setNote: (note: string) => void }) {
  const [link, setLink] = useState<{ url: string; id: string }>();
  const share = async () => {
    try {
      const answer = await session.client.share(uid);
      const url = `${location.origin}${location.pathname}${answer.path.slice(1)}`;
      setLink({ url, id: answer.id });
      const until = new Date(answer['expires-at']).toLocaleTimeString();
      await navigator.clipboard.writeText(url).then(
        () => setNote(`Share link copied: anyone with it can follow this job until ${until}`),
        () => setNote(`Anyone with this link can follow this job until ${until}`),
      );
    } catch (error) {
      setNote(session.describe(error));
    }
  };
  const revoke = async () => {
    if (!link) return;
    try {
      await session.client.revokeShare(link.id);
      setLink(undefined);
      setNote('The share link was revoked');
    } catch (error) {
      setNote(session.describe(error));
    }
  };
  if (!link) {
    return (
      <button type="button" class="quiet" onClick={share}>
        Share
      </button>
    );
  }
  return (
    <span class="share" role="group" aria-label="Share link">
      <input type="text" readOnly aria-label="Share link" value={link.url} onFocus={(event) => event.currentTarget.select()} />{' '}
      <button type="button" class="quiet" onClick={revoke}>
        Revoke link
      </button>
    </span>
  );
}
