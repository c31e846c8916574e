import { EXIT } from '../../protocol/index.js';
import type { JobRecord } from '../jobs/record.js';

/** How to close a job whose runner is gone: its exit code and the closing line saying why. */
export interface LostVerdict {
  exit: number;
  line: string;
}

/** What judging a job needs besides the record and the time. */
export interface JudgeOptions {
  /** Jobs claimed (or queued) before this time (epoch ms) lost their runner: the runtime restarted since. */
  lostBefore?: number;
  /** A job queued this long and never claimed was never started. */
  lostQueuedAfterMs: number;
  /** How long one heartbeat vouches for a runner (to say how long it has been silent). */
  leaseMs: number;
}

/** A runner may still be finishing its final uploads this long past its deadline. */
const DEADLINE_SLACK_MS = 30_000;

/**
 * Whether a job not yet exited has lost its runner, and if so how to close it; undefined
 * when it may still be running (or waiting to start). A running job is lost when the
 * runtime restarted since its claim (`lostBefore`), when its runner's lease ran out (no
 * heartbeat renewed it), or, for records of runners without heartbeats, well past its
 * deadline. A lost job closes with 137, or with the command's own code when its runner
 * had recorded it (`pending-exit`) before its final writes stalled.
 */
export function judgeLostJob(record: JobRecord, now: number, options: JudgeOptions): LostVerdict | undefined {
  if (record.status === 'running') {
    const why = whyRunnerLost(record, now, options);
    if (why === undefined) return undefined;
    const pending = record['pending-exit'];
    if (pending !== undefined) {
      return { exit: pending, line: `[aws-exec] ${why} while it stored the end of this job; the command exited with ${pending}` };
    }
    return { exit: EXIT.lost, line: `[aws-exec] ${why}; exit ${EXIT.lost}` };
  }
  if (record.status === 'queued') {
    const suffix = `; exit ${EXIT.lost}`;
    if (options.lostBefore !== undefined && record['started-at'] < options.lostBefore) {
      return { exit: EXIT.lost, line: `[aws-exec] the runtime stopped before this job started${suffix}` };
    }
    if (record['started-at'] + options.lostQueuedAfterMs < now) return { exit: EXIT.lost, line: `[aws-exec] this job was never started${suffix}` };
  }
  return undefined;
}

function whyRunnerLost(record: JobRecord, now: number, options: JudgeOptions): string | undefined {
  const claimedAt = record['claimed-at'] ?? record['started-at'];
  if (options.lostBefore !== undefined && claimedAt < options.lostBefore) return 'the runtime running this job stopped';
  const aliveUntil = record['alive-until'];
  if (aliveUntil !== undefined && aliveUntil < now) {
    const silentSeconds = Math.round((now - aliveUntil + options.leaseMs) / 1000);
    return `the runner of this job stopped (no heartbeat for ${silentSeconds} s)`;
  }
  if (record.deadline !== undefined && record.deadline + DEADLINE_SLACK_MS < now) return 'the runner of this job stopped before it finished';
  return undefined;
}
