import type { JobRecord, NewJobRecord } from './record.js';

/** What a cancel request found. */
export type CancelResult = 'cancelling' | 'already-exited' | 'not-found';

/** How a job ended, as recorded on its record. */
export interface JobEnd {
  exit: number;
  /** The final log's byte length; unknown only for a lost job that pushed to the caller's URLs. */
  size?: number;
  endedAt: number;
  /** Log bytes the runner uploaded over the job, and in how many uploads (the shipping cost). */
  uploadedBytes?: number;
  uploads?: number;
}

/** Job records: the one place that knows how jobs are stored (DynamoDB, or a fake in tests). */
export interface JobStore {
  /** Writes a new queued record; fails if the uid exists. */
  createJob(record: NewJobRecord): Promise<void>;
  /** The record of a uid, or undefined. */
  getJob(uid: string): Promise<JobRecord | undefined>;
  /**
   * Claims a queued job for one runner (queued → running) and returns its record; undefined
   * when it was claimed before (a retried or duplicated event) or does not exist.
   */
  claimJob(uid: string, authName: string, claim: { claimedAt: number; deadline: number }): Promise<JobRecord | undefined>;
  /** Whether someone asked to cancel the job. */
  readCancelRequested(uid: string): Promise<boolean>;
  /** Records a cancel request on a job of that auth name that has not exited. */
  requestCancel(uid: string, authName: string, at: number): Promise<CancelResult>;
  /** Marks the job exited with its exit code and log size. */
  finishJob(uid: string, end: JobEnd): Promise<void>;
  /** The auth name's jobs, newest first, at most `limit`. */
  listJobs(authName: string, limit: number): Promise<JobRecord[]>;
  /** Every job not yet exited (for the sweep). */
  listUnfinishedJobs(): Promise<JobRecord[]>;
  /**
   * Takes a job over from a runner that is gone, if the record is still as seen (same
   * status and claim time): sets a fresh claim so that a late event or a second sweep
   * leaves it alone. False when the record changed meanwhile.
   */
  takeOverJob(seen: JobRecord, claim: { claimedAt: number; deadline: number }): Promise<boolean>;
}
