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
  /** Stops the timer and the cancel checks. */
  dispose(): void;
}

/** An error carried as the abort reason, so that commands awaiting the signal see why. */
export class JobStoppedError extends Error {
  constructor(readonly reason: StopReason) {
    super(reason.kind === 'timeout' ? 'The job timed out' : 'The job was cancelled');
    this.name = 'JobStoppedError';
  }
}

/** Aborts on the timeout, or when a check of the job's record finds a cancel request. */
export function startJobControl(options: JobControlOptions): JobControl {
  const controller = new AbortController();
  let reason: StopReason | undefined;
  const stop = (why: StopReason) => {
    if (reason) return;
    reason = why;
    clearTimeout(timer);
    clearInterval(poller);
    controller.abort(new JobStoppedError(why));
  };
  const timer = setTimeout(() => stop({ kind: 'timeout', afterMs: options.timeoutMs }), options.timeoutMs);
  let checking = false;
  const poller = setInterval(() => {
    if (checking || reason) return;
    checking = true;
    options
      .readCancelRequested()
      .then((requested) => {
        if (requested) stop({ kind: 'cancel' });
      })
      .catch((error: unknown) => options.logger.warn('could not check the job for a cancel request', { error }))
      .finally(() => (checking = false));
  }, options.cancelCheckMs);
  return {
    signal: controller.signal,
    stopReason: () => reason,
    dispose() {
      clearTimeout(timer);
      clearInterval(poller);
    },
  };
}
