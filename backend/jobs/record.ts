import { z } from 'zod';
import { DeliveryAttempt, EventState, JobAuthName, JobStatus, PushUrls, Uid, type JobSummary } from '../../protocol/index.js';

/** Prefix of the table ids of job records: `job.<uid>`. */
export const JOB_ID_PREFIX = 'job.';

/**
 * The table's global secondary index that lists one auth name's jobs (infra.yaml declares it):
 * partition key `auth-name` (S), sort key `started-at` (N), every attribute projected. Job
 * records have carried both attributes since the first release, so records written before
 * the index existed are in it too (DynamoDB backfills an index added to a table, and so does
 * the local endpoint): no migration. Items without them (auth keys) are not in it. Once the
 * index exists, DynamoDB refuses any write of an item whose `auth-name` is not a string or
 * `started-at` not a number.
 */
export const JOBS_BY_AUTH_NAME_INDEX = 'jobs-by-auth-name';

/** The table id of a job's record. */
export function jobRecordId(uid: string): string {
  return `${JOB_ID_PREFIX}${uid}`;
}

/** A job's record in the table, as stored (times in epoch ms, `ttl` in epoch seconds). */
export const JobRecord = z.object({
  id: z.string(),
  uid: Uid,
  'auth-name': JobAuthName,
  status: JobStatus,
  argv: z.array(z.string()).optional(),
  'rpc-name': z.string().optional(),
  /** A registered command's arguments as started (JSON text), when at most MAX_LISTED_RPC_ARGS_BYTES. */
  'rpc-args': z.string().optional(),
  'started-at': z.number().int(),
  /** Per-job timeout in seconds, when the request set one. */
  timeout: z.number().int().optional(),
  ttl: z.number().int(),
  'push-urls': z.optional(PushUrls),
  'claimed-at': z.number().int().optional(),
  /** When the runner is surely gone: claim time + timeout + the margin for the final upload. */
  deadline: z.number().int().optional(),
  /**
   * Until when the runner's last heartbeat vouches for it (epoch ms, the runner's clock): a
   * running job whose lease ran out has lost its runner and is closed as lost. Absent on
   * records of runners from before heartbeats (they are judged by `deadline` only).
   */
  'alive-until': z.number().int().optional(),
  /** A random token of the claim that set `claimed-at` (tells a retried write of it from another claim). */
  'claim-token': z.string().optional(),
  /** The command's exit code, recorded by a runner whose final writes are slow, so that a closer keeps it. */
  'pending-exit': z.number().int().optional(),
  /** The stored log is not the whole output (its final upload failed, or a closer could not append its line). */
  'log-incomplete': z.boolean().optional(),
  'cancel-requested': z.boolean().optional(),
  'cancel-requested-at': z.number().int().optional(),
  exit: z.number().int().optional(),
  size: z.number().int().optional(),
  'ended-at': z.number().int().optional(),
  'uploaded-bytes': z.number().int().optional(),
  uploads: z.number().int().optional(),
  // The job's end event (backend/events/): pending from the start when the job has a webhook
  // URL or the project a queue, sent once the job has exited.
  'event-state': z.optional(EventState),
  /** The webhook URL (`notify.url`, or the key's default). */
  'event-url': z.string().optional(),
  /** The key's webhook secret (`whsec_…`) at the job's start; removed once the event is delivered or has failed. */
  'event-secret': z.string().optional(),
  /** Every webhook attempt so far. */
  'event-attempts': z.array(DeliveryAttempt).optional(),
  /** Delivery passes made (webhook and queue together): the place in the retry schedule. */
  'event-tries': z.number().int().optional(),
  /** When the next pass is due (epoch ms); absent: at once. */
  'event-next-at': z.number().int().optional(),
  /** Until when a deliverer holds the event (so the runner and the sweep never send it at once). */
  'event-lease': z.number().int().optional(),
  /** The webhook answered 2xx. */
  'event-delivered': z.boolean().optional(),
  /** The project's queue has the event. */
  'event-queued': z.boolean().optional(),
});
export type JobRecord = z.infer<typeof JobRecord>;

/**
 * Largest `rpc-args` kept in a record (and so listed back by `GET /api/jobs`, for titles and
 * Re-run): larger ones are left out rather than cut, which would not be JSON any more.
 */
export const MAX_LISTED_RPC_ARGS_BYTES = 8192;

/** The fields a new (queued) job's record starts with. */
export type NewJobRecord = Omit<
  JobRecord,
  | 'id'
  | 'status'
  | 'claimed-at'
  | 'deadline'
  | 'alive-until'
  | 'pending-exit'
  | 'log-incomplete'
  | 'cancel-requested'
  | 'cancel-requested-at'
  | 'exit'
  | 'size'
  | 'ended-at'
  | 'uploaded-bytes'
  | 'uploads'
  | 'event-attempts'
  | 'event-tries'
  | 'event-next-at'
  | 'event-lease'
  | 'event-delivered'
  | 'event-queued'
>;

/** The `webhook-id` of a job's end event: the same on every attempt (and unique per job). */
export function jobEventId(uid: string): string {
  return `msg_${uid}`;
}

/** Reads a stored item as a job record, or undefined when it is not one. */
export function parseJobRecord(item: unknown): JobRecord | undefined {
  const parsed = JobRecord.safeParse(item);
  return parsed.success ? parsed.data : undefined;
}

/** A record as `GET /api/jobs` shows it. */
export function summarizeJob(record: JobRecord): JobSummary {
  return {
    uid: record.uid,
    status: record.status,
    ...(record.argv ? { argv: record.argv } : {}),
    ...(record['rpc-name'] ? { 'rpc-name': record['rpc-name'] } : {}),
    ...(record['rpc-args'] !== undefined ? { 'rpc-args': record['rpc-args'] } : {}),
    'started-at': record['started-at'],
    ...(record['ended-at'] !== undefined ? { 'ended-at': record['ended-at'] } : {}),
    ...(record.exit !== undefined ? { exit: record.exit } : {}),
    ...(record.size !== undefined ? { size: record.size } : {}),
    ...(record['cancel-requested'] ? { 'cancel-requested': true } : {}),
    ...(record['log-incomplete'] ? { 'log-incomplete': true } : {}),
    ...(record['event-state'] ? { event: summarizeEvent(record, record['event-state']) } : {}),
  };
}

function summarizeEvent(record: JobRecord, state: EventState): NonNullable<JobSummary['event']> {
  return {
    id: jobEventId(record.uid),
    state,
    ...(record['event-url'] !== undefined ? { url: record['event-url'] } : {}),
    attempts: record['event-attempts'] ?? [],
    ...(state === 'pending' && record['event-next-at'] !== undefined ? { 'next-attempt-at': record['event-next-at'] } : {}),
    ...(record['event-queued'] !== undefined ? { queued: record['event-queued'] } : {}),
  };
}
