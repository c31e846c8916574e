import { describeExit } from './exit.js';

/** A badge of how a job ended (success, failure, signal, timeout, cancelled), or that it is still queued or running. */
export function ExitBadge({ code, pending }: { code: number | undefined; pending?: string | undefined }) {
  const { kind, label } = pending === undefined ? describeExit(code) : { kind: 'running', label: pending };
  return (
    <span class={`badge ${kind}`} data-kind={kind}>
      {label}
    </span>
  );
}
