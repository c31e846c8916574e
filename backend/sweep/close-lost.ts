import type { Config } from '../config.js';
import { closeJob, type CloseJobDeps } from '../jobs/close.js';
import type { JobRecord } from '../jobs/record.js';
import { judgeLostJob, type LostVerdict } from './lost.js';

/** What closing lost jobs needs. */
export interface CloseLostDeps extends CloseJobDeps {
  config: Pick<Config, 'lostQueuedAfterMs' | 'leaseMs'>;
}

/**
 * How long a closer holds a job it took over (its lease) before another closer may retry
 * it: long enough to read and rewrite a capped log.
 */
export const TAKEOVER_MS = 60_000;

/**
 * Takes a lost job over (a conditional write: a runner that renewed its lease meanwhile,
 * or another closer that came first, keeps it) and closes it with the verdict's exit code
 * and line. False when the job was not taken over.
 */
export async function closeLostJob(deps: CloseJobDeps, record: JobRecord, verdict: LostVerdict): Promise<boolean> {
  const now = (deps.now ?? Date.now)();
  const claim = { claimedAt: now, deadline: now + TAKEOVER_MS, aliveUntil: now + TAKEOVER_MS };
  if (!(await deps.jobs.takeOverJob(record, claim))) return false;
  await closeJob(deps, record, verdict.exit, verdict.line, claim.claimedAt);
  return true;
}

/**
 * Closes a job whose runner is gone when a reader comes by (`GET /api/exec`, `GET
 * /api/jobs`, a retried job event), so a job ends soon after its runner's death without
 * waiting for the scheduled sweep. Returns the record as it now stands (unchanged when
 * the job is not lost). Never throws for a failed close: it is logged, and the next
 * reader or the sweep tries again.
 */
export async function finishIfLost(deps: CloseLostDeps, record: JobRecord): Promise<JobRecord> {
  if (record.status === 'exited') return record;
  const now = (deps.now ?? Date.now)();
  const verdict = judgeLostJob(record, now, { lostQueuedAfterMs: deps.config.lostQueuedAfterMs, leaseMs: deps.config.leaseMs });
  if (verdict === undefined) return record;
  try {
    await closeLostJob(deps, record, verdict);
  } catch (error) {
    deps.logger.error('could not close a lost job', { uid: record.uid, error });
  }
  return (await deps.jobs.getJob(record.uid)) ?? record;
}
