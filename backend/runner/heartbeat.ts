import type { LeaseResult } from '../jobs/store.js';
import type { Logger } from '../log.js';

export interface HeartbeatOptions {
  /** How often the lease is renewed. */
  everyMs: number;
  /** How far each renewal extends the lease. */
  leaseMs: number;
  /** Renews the job's lease until `aliveUntil` (recording the command's exit code when given). */
  renew(aliveUntil: number, pendingExit?: number): Promise<LeaseResult>;
  /** Called once, when a renewal finds the job no longer this runner's (a closer took it over). */
  onLost(): void;
  logger: Logger;
  now?: () => number;
}

/** A running job's heartbeat: its lease on the record, renewed until stopped. */
export interface Heartbeat {
  /** Whether a renewal found the job taken over. */
  readonly lost: boolean;
  /**
   * Records the command's exit code on the record now (with a renewal), so that if this
   * runner dies during its final writes, whoever closes the job keeps the real code.
   */
  recordPendingExit(exit: number): Promise<void>;
  stop(): void;
}

/**
 * Renews the job's lease every `everyMs`, one renewal at a time. A failed renewal (the
 * table unreachable) is logged and tried again at the next beat: the lease is several
 * beats long, so a passing failure costs nothing. A renewal that finds the job no longer
 * held under this claim stops the beats and calls `onLost` once.
 */
export function startHeartbeat(options: HeartbeatOptions): Heartbeat {
  const now = options.now ?? Date.now;
  let lost = false;
  let stopped = false;
  let pendingExit: number | undefined;
  let inFlight: Promise<void> | undefined;

  const beat = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    const exit = pendingExit;
    return options.renew(now() + options.leaseMs, exit).then(
      (result) => {
        if (result === 'renewed' || stopped) return;
        lost = true;
        stop();
        options.logger.warn('the job was taken over by a closer: its lease had run out; stopping it', {});
        options.onLost();
      },
      (error: unknown) => options.logger.warn('could not renew the job lease', { error }),
    );
  };
  const tick = () => {
    if (inFlight) return;
    inFlight = beat().finally(() => (inFlight = undefined));
  };
  const timer = setInterval(tick, options.everyMs);
  timer.unref();
  const stop = () => {
    stopped = true;
    clearInterval(timer);
  };
  return {
    get lost() {
      return lost;
    },
    async recordPendingExit(exit) {
      pendingExit = exit;
      await inFlight;
      await beat();
    },
    stop,
  };
}
