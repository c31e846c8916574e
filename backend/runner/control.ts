import type { Logger } from '../log.js';
import type { StopReason } from './outcome.js';

export interface JobControlOptions {
  timeoutMs: number;
  cancelCheckMs: number;
  /** Reads the job's record: true once someone asked to cancel it. */
  readCancelRequested(): Promise<boolean>;
  logger: Logger;
}

/** The signal a running job obeys, and why it fired. */
export interface JobControl {
  signal: AbortSignal;
  /** Why the signal fired; undefined while it has not. */
  stopReason(): StopReason | undefined;
  /** Stops the job for a reason of the runner's own (the process shuts down, the job was taken over). */
  stop(reason: StopReason): void;
  /** Starts the timer and the cancel checks (until then only `stop` fires the signal). */
  start(): void;
  /** Stops the timer and the cancel checks. */
  dispose(): void;
}

/** An error carried as the abort reason, so that commands awaiting the signal see why. */
export class JobStoppedError extends Error {
  constructor(readonly reason: StopReason) {
    super(describeStop(reason));
    this.name = 'JobStoppedError';
  }
}

function describeStop(reason: StopReason): string {
  switch (reason.kind) {
    case 'timeout':
      return 'The job timed out';
    case 'cancel':
      return 'The job was cancelled';
    case 'shutdown':
      return 'The process running the job is shutting down';
    case 'taken-over':
      return 'The job was closed as lost';
  }
}

/** The jobs this process runs now, so that a shutdown can stop them all. */
const live = new Set<JobControl>();
let shuttingDown = false;

/**
 * Stops every job this process runs, because the process is shutting down (SIGTERM):
 * each ends as a stopped job (its process group gets SIGTERM, then SIGKILL after the
 * grace) and its runner writes its end. Jobs that start later stop at once. Returns how
 * many were running.
 */
export function stopJobsForShutdown(): number {
  shuttingDown = true;
  for (const control of live) control.stop({ kind: 'shutdown' });
  return live.size;
}

/** Aborts on the timeout, when a check of the job's record finds a cancel request, or on `stop`. */
export function createJobControl(options: JobControlOptions): JobControl {
  const controller = new AbortController();
  let reason: StopReason | undefined;
  let timer: NodeJS.Timeout | undefined;
  let poller: NodeJS.Timeout | undefined;
  let checking = false;
  const dispose = () => {
    clearTimeout(timer);
    clearInterval(poller);
    live.delete(control);
  };
  const stop = (why: StopReason) => {
    if (reason) return;
    reason = why;
    clearTimeout(timer);
    clearInterval(poller);
    controller.abort(new JobStoppedError(why));
  };
  const check = () => {
    if (checking || reason) return;
    checking = true;
    options
      .readCancelRequested()
      .then((requested) => {
        if (requested) stop({ kind: 'cancel' });
      })
      .catch((error: unknown) => options.logger.warn('could not check the job for a cancel request', { error }))
      .finally(() => (checking = false));
  };
  const control: JobControl = {
    signal: controller.signal,
    stopReason: () => reason,
    stop,
    start() {
      if (reason) return;
      timer = setTimeout(() => stop({ kind: 'timeout', afterMs: options.timeoutMs }), options.timeoutMs);
      poller = setInterval(check, options.cancelCheckMs);
    },
    dispose,
  };
  live.add(control);
  if (shuttingDown) stop({ kind: 'shutdown' });
  return control;
}

/** Creates a job control and starts it at once. */
export function startJobControl(options: JobControlOptions): JobControl {
  const control = createJobControl(options);
  control.start();
  return control;
}
