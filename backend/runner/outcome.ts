import { constants } from 'node:os';
import { EXIT } from '../../protocol/index.js';
import { cutText } from '../log.js';
import type { ProcessEnd } from './subprocess.js';

/** A job's exit code and, when the exit was not a normal one, the closing log line saying why. */
export interface Outcome {
  exit: number;
  line?: string;
}

/**
 * Why the runner stopped a job: its timeout, a cancel request, the process running it
 * shutting down (SIGTERM), or a closer that took the job over (its lease had run out).
 */
export type StopReason = { kind: 'timeout'; afterMs: number } | { kind: 'cancel' } | { kind: 'shutdown' } | { kind: 'taken-over' };

const PREFIX = '[aws-exec]';
/** The exit code of a job stopped by a shutdown: as a process killed by SIGTERM. */
const EXIT_SHUTDOWN = EXIT.signalBase + constants.signals.SIGTERM;
/** Longest program name quoted in a closing line. */
const MAX_PROGRAM_CHARS = 256;

/** The outcome of a job the runner stopped. */
export function outcomeOfStop(reason: StopReason): Outcome {
  switch (reason.kind) {
    case 'timeout':
      return { exit: EXIT.timeout, line: `${PREFIX} timed out after ${formatDuration(reason.afterMs)}` };
    case 'cancel':
      return { exit: EXIT.cancelled, line: `${PREFIX} cancelled` };
    case 'shutdown':
      return { exit: EXIT_SHUTDOWN, line: `${PREFIX} stopped: the runtime running this job is shutting down (SIGTERM); exit ${EXIT_SHUTDOWN}` };
    case 'taken-over':
      return { exit: EXIT.lost, line: `${PREFIX} the job was closed as lost while its runner was unreachable; exit ${EXIT.lost}` };
  }
}

/** The outcome of a subprocess that ended on its own (or could not start). */
export function outcomeOfProcess(end: ProcessEnd, argv0: string): Outcome {
  const program = cutText(argv0, MAX_PROGRAM_CHARS);
  switch (end.kind) {
    case 'exited':
      return { exit: end.code };
    case 'signalled':
      return { exit: EXIT.signalBase + end.number, line: `${PREFIX} killed by signal ${end.signal} (${end.number})` };
    case 'not-started':
      if (end.errno === 'ENOENT') return { exit: 127, line: `${PREFIX} command not found: ${program}` };
      if (end.errno === 'EACCES') return { exit: 126, line: `${PREFIX} permission denied: ${program}` };
      // The message may quote the program again (`spawn <program> ENAMETOOLONG`).
      return { exit: 127, line: `${PREFIX} could not start ${program}: ${cutText(end.message, MAX_PROGRAM_CHARS)}` };
  }
}

/** The outcome of an RPC that threw: its message (no stack) and exit 1. */
export function outcomeOfThrow(error: unknown): Outcome {
  const message = error instanceof Error ? error.message : String(error);
  return { exit: EXIT.failure, line: `${PREFIX} error: ${message}` };
}

/** A closing line for failures of the runner itself. */
export function outcomeOfFailure(exit: number, message: string): Outcome {
  return { exit, line: `${PREFIX} ${message}` };
}

/** `30s`, `1.5s`, `2m5s`. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) {
    const seconds = ms / 1000;
    return `${Number.isInteger(seconds) ? seconds : Number(seconds.toFixed(seconds < 10 ? 1 : 0))}s`;
  }
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return seconds === 0 ? `${minutes}m` : `${minutes}m${seconds}s`;
}
