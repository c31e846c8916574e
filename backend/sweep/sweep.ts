import { EXIT } from '../../protocol/index.js';
import type { Config } from '../config.js';
import { closeJob } from '../jobs/close.js';
import type { LogObjects } from '../jobs/objects.js';
import type { JobRecord } from '../jobs/record.js';
import type { JobStore } from '../jobs/store.js';
import type { Logger } from '../log.js';

export interface SweepDeps {
  config: Pick<Config, 'lostQueuedAfterMs'>;
  jobs: JobStore;
  objects: LogObjects;
  logger: Logger;
  now?: () => number;
}

export interface SweepOptions {
  /** Jobs claimed (or queued) before this time (epoch ms) lost their runner: the runtime restarted since. */
  lostBefore?: number;
}

export interface SweepResult {
  finished: { uid: string; line: string }[];
}

/** A runner may still be finishing its final uploads this long past its deadline. */
const DEADLINE_SLACK_MS = 30_000;
/** How long a sweep owns a job it is closing before another sweep may retry it. */
const TAKEOVER_MS = 60_000;
const PARALLEL = 8;

/**
 * Finishes the jobs whose runner is gone, with exit 137 and a closing line saying why:
 * running jobs claimed before `lostBefore` or past their deadline, and queued jobs never
 * claimed (queued before `lostBefore`, or for longer than `lostQueuedAfterMs`). Each is
 * taken over first (a conditional write), so a late runner or a second sweep leaves it be.
 */
export async function sweepLostJobs(deps: SweepDeps, options: SweepOptions = {}): Promise<SweepResult> {
  const now = (deps.now ?? Date.now)();
  const lost = (await deps.jobs.listUnfinishedJobs())
    .map((record) => ({ record, line: lostReason(record, now, options.lostBefore, deps.config.lostQueuedAfterMs) }))
    .filter((entry): entry is { record: JobRecord; line: string } => entry.line !== undefined);
  const finished: SweepResult['finished'] = [];
  for (let i = 0; i < lost.length; i += PARALLEL) {
    await Promise.all(
      lost.slice(i, i + PARALLEL).map(async ({ record, line }) => {
        try {
          if (!(await deps.jobs.takeOverJob(record, { claimedAt: now, deadline: now + TAKEOVER_MS }))) return;
          await closeJob(deps, record, EXIT.lost, line);
          finished.push({ uid: record.uid, line });
        } catch (error) {
          deps.logger.error('could not finish a lost job', { uid: record.uid, error });
        }
      }),
    );
  }
  return { finished };
}

/** The closing line for a job whose runner is gone, or undefined when it may still be running. */
export function lostReason(record: JobRecord, now: number, lostBefore: number | undefined, lostQueuedAfterMs: number): string | undefined {
  const suffix = `; exit ${EXIT.lost}`;
  if (record.status === 'running') {
    const claimedAt = record['claimed-at'] ?? record['started-at'];
    if (lostBefore !== undefined && claimedAt < lostBefore) return `[aws-exec] the runtime running this job stopped${suffix}`;
    if (record.deadline !== undefined && record.deadline + DEADLINE_SLACK_MS < now) {
      return `[aws-exec] the runner of this job stopped before it finished${suffix}`;
    }
    return undefined;
  }
  if (record.status === 'queued') {
    if (lostBefore !== undefined && record['started-at'] < lostBefore) return `[aws-exec] the runtime stopped before this job started${suffix}`;
    if (record['started-at'] + lostQueuedAfterMs < now) return `[aws-exec] this job was never started${suffix}`;
  }
  return undefined;
}
