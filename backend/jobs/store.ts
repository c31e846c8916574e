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
  /** The stored log is not the whole output. */
  logIncomplete?: boolean;
}

/** A runner's (or a closer's) hold on a job: its claim time, and until when its lease runs. */
export interface JobClaim {
  claimedAt: number;
  /** When the runner is surely gone even without heartbeats: claim + timeout + the final margin. */
  deadline: number;
  /** The lease: until then nobody takes the job over (absent: only the deadline counts). */
  aliveUntil?: number;
}

/** What a heartbeat found: the lease renewed, or the job no longer this claim's (taken over, or ended). */
export type LeaseResult = 'renewed' | 'lost';

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

/** A job store's refusal about one uid's record (a failed DynamoDB condition, told apart by class). */
export class JobRecordError extends Error {
  constructor(
    readonly uid: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** `createJob` found a record of that uid already (DynamoDB's condition `attribute_not_exists(id)` failed). */
export class JobExistsError extends JobRecordError {
  constructor(uid: string, options?: { cause?: unknown }) {
    super(uid, `Expected no job record of uid ${uid}, found one`, options);
  }
}

/** `finishJob` without a claim found no record of that uid (DynamoDB's condition `attribute_exists(id)` failed). */
export class JobNotFoundError extends JobRecordError {
  constructor(uid: string, options?: { cause?: unknown }) {
    super(uid, `Expected a job record of uid ${uid}, found none`, options);
  }
}

/** Job records: the one place that knows how jobs are stored (DynamoDB, or a fake in tests). */
export interface JobStore {
  /** Writes a new queued record; rejects with JobExistsError if the uid has one. */
  createJob(record: NewJobRecord): Promise<void>;
  /** The record of a uid, or undefined. */
  getJob(uid: string): Promise<JobRecord | undefined>;
  /**
   * Claims a queued job for one runner (queued → running) and returns its record, which
   * carries a `claim-token` of this claim alone; undefined when it was claimed before (a
   * retried or duplicated event, even one with the same times) or does not exist.
   */
  claimJob(uid: string, authName: string, claim: JobClaim): Promise<JobRecord | undefined>;
  /**
   * The runner's heartbeat: extends the lease of the claim made at `claimedAt` to
   * `aliveUntil` (and records the command's exit code while the final writes go on, when
   * given); 'lost' when the job is no longer running under that claim.
   */
  renewLease(uid: string, claimedAt: number, aliveUntil: number, pendingExit?: number): Promise<LeaseResult>;
  /** Whether someone asked to cancel the job. */
  readCancelRequested(uid: string): Promise<boolean>;
  /** Records a cancel request on a job of that auth name that has not exited. */
  requestCancel(uid: string, authName: string, at: number): Promise<CancelResult>;
  /**
   * Marks the job exited with its exit code and log size. With `claimedAt`, only while the
   * job is still held under that claim: false when someone took it over meanwhile (or the
   * record is gone). Without it, rejects with JobNotFoundError when there is no record.
   */
  finishJob(uid: string, end: JobEnd, claimedAt?: number): Promise<boolean>;
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
   * status, claim time and lease: a runner that renewed its lease meanwhile keeps its job):
   * sets a fresh claim so that a late event, a late runner or a second closer leaves it
   * alone. False when the record changed meanwhile.
   */
  takeOverJob(seen: JobRecord, claim: JobClaim): Promise<boolean>;
}
