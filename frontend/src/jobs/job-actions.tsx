import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../app/session.js';
import { describeExit } from './exit.js';

/** The job's buttons and what they need. */
export interface JobActionsProps {
  session: Session;
  uid: string;
  title: string;
  running: boolean;
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
  const { session, uid, running } = props;
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
      {running && notify}
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
