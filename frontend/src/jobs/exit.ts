import { EXIT } from '../../../protocol/constants.js';

/** How a job ended (or that it has not), for its badge. */
export type ExitKind = 'running' | 'success' | 'failure' | 'signal' | 'timeout' | 'cancelled';

const SIGNALS: Record<number, string> = { 1: 'HUP', 2: 'INT', 3: 'QUIT', 6: 'ABRT', 9: 'KILL', 13: 'PIPE', 14: 'ALRM', 15: 'TERM' };

/** The badge of an exit code: its kind and a short label (`exit 3`, `signal TERM`, `timed out`). */
export function describeExit(code: number | undefined): { kind: ExitKind; label: string } {
  if (code === undefined) return { kind: 'running', label: 'running' };
  if (code === 0) return { kind: 'success', label: 'exit 0' };
  if (code === EXIT.timeout) return { kind: 'timeout', label: `timed out (${code})` };
  if (code === EXIT.cancelled) return { kind: 'cancelled', label: `cancelled (${code})` };
  const signal = code - EXIT.signalBase;
  if (signal > 0 && signal < 32) return { kind: 'signal', label: `signal ${SIGNALS[signal] ?? signal} (${code})` };
  return { kind: 'failure', label: `exit ${code}` };
}

/** A duration as `850 ms`, `12.3 s`, `4 m 05 s` or `2 h 03 m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (seconds < 3600) return `${Math.floor(seconds / 60)} m ${pad(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${pad(Math.floor(seconds / 60) % 60)} m`;
}
