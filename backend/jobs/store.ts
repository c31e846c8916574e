import type { JobStatus } from '../../protocol/index.js';
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

/** A place in an auth name's listing (newest first): a record's start time and table id. */
export interface JobPosition {
  startedAt: number;
  id: string;
}

/** What `listJobs` reads: at most `limit` jobs, only those in `statuses` (all when absent), after `after`. */
export interface ListJobsOptions {
  limit: number;
  statuses?: readonly JobStatus[];
  after?: JobPosition;
}

/** A page of a listing, and where the next page starts when more may follow. */
export interface JobPage {
  records: JobRecord[];
  next?: JobPosition;
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
  /**
   * A page of the auth name's jobs, newest first (jobs of the same start time in an order the
   * store chooses, the same on every call, so pages never repeat or skip one). Reads only that
   * name's records: its cost does not grow with other names' jobs. A page may hold fewer
   * than `limit` jobs and still have a `next` when a status filter skipped many records.
   */
  listJobs(authName: string, options: ListJobsOptions): Promise<JobPage>;
  /** Every job not yet exited (for the sweep). */
  listUnfinishedJobs(): Promise<JobRecord[]>;
  /**
   * Takes a job over from a runner that is gone, if the record is still as seen (same
   * status and claim time): sets a fresh claim so that a late event or a second sweep
   * leaves it alone. False when the record changed meanwhile.
   */
  takeOverJob(seen: JobRecord, claim: { claimedAt: number; deadline: number }): Promise<boolean>;
}
