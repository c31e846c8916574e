import type { Config } from '../config.js';
import type { LogObjects } from '../jobs/objects.js';
import type { JobStore } from '../jobs/store.js';
import type { Logger } from '../log.js';
import { closeLostJob } from './close-lost.js';
import { judgeLostJob, type LostVerdict } from './lost.js';

export interface SweepDeps {
  config: Pick<Config, 'lostQueuedAfterMs' | 'leaseMs'>;
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

const PARALLEL = 8;

/**
 * Finishes the jobs whose runner is gone (see `judgeLostJob`): running jobs claimed before
 * `lostBefore`, whose lease ran out, or (without heartbeats) past their deadline, and
 * queued jobs never claimed. Each is taken over first (a conditional write), so a live
 * runner, a late one, or a second sweep leaves it be.
 */
export async function sweepLostJobs(deps: SweepDeps, options: SweepOptions = {}): Promise<SweepResult> {
  const now = (deps.now ?? Date.now)();
  const judge = { lostQueuedAfterMs: deps.config.lostQueuedAfterMs, leaseMs: deps.config.leaseMs, ...options };
  const lost = (await deps.jobs.listUnfinishedJobs())
    .map((record) => ({ record, verdict: judgeLostJob(record, now, judge) }))
    .filter((entry): entry is { record: (typeof entry)['record']; verdict: LostVerdict } => entry.verdict !== undefined);
  const finished: SweepResult['finished'] = [];
  for (let i = 0; i < lost.length; i += PARALLEL) {
    await Promise.all(
      lost.slice(i, i + PARALLEL).map(async ({ record, verdict }) => {
        try {
          if (await closeLostJob(deps, record, verdict)) finished.push({ uid: record.uid, line: verdict.line });
        } catch (error) {
          deps.logger.error('could not finish a lost job', { uid: record.uid, error });
        }
      }),
    );
  }
  return { finished };
}
