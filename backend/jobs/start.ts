import { EXIT, jobKeys, type JobEvent, type PushUrls } from '../../protocol/index.js';
import type { Config } from '../config.js';
import type { EventDeliverer } from '../events/deliver.js';
import { BadRequestError, UpstreamError } from '../errors.js';
import type { Logger } from '../log.js';
import { closeJob } from './close.js';
import type { JobInvoker } from './invoker.js';
import type { LogObjects } from './objects.js';
import { MAX_LISTED_RPC_ARGS_BYTES, type NewJobRecord } from './record.js';
import type { JobStore } from './store.js';
import { createUid } from './uid.js';
import type { CheckedJob } from './validate.js';

export interface StartJobDeps {
  config: Pick<Config, 'jobTtlSeconds'>;
  jobs: JobStore;
  objects: LogObjects;
  invoker: JobInvoker;
  fetch: typeof fetch;
  logger: Logger;
  /** Job end events; without it no job records one. */
  events?: EventDeliverer;
  now?: () => number;
}

/** Where a job's end goes as a signed webhook: the URL and the key's secret (`whsec_…`). */
export interface JobWebhook {
  url: string;
  secret: string;
}

/**
 * Starts a checked job: writes its queued record and its empty log object (in parallel:
 * the Go client treats a 404 log as an error, so the log must exist before the uid is
 * returned), then sends the job event to the function itself. If that send fails and no
 * runner claimed the job meanwhile, the job is closed with exit 1 and the caller gets 502.
 * `uid` is made here unless the caller made it already (to presign its URLs meanwhile).
 */
export async function startJob(deps: StartJobDeps, authName: string, job: CheckedJob, uid?: string, webhook?: JobWebhook): Promise<string> {
  const now = (deps.now ?? Date.now)();
  uid ??= createUid(now);
  const record: NewJobRecord = {
    uid,
    'auth-name': authName,
    'started-at': now,
    ttl: Math.floor(now / 1000) + deps.config.jobTtlSeconds,
    ...('argv' in job ? { argv: job.argv } : { 'rpc-name': job.rpcName, ...listedRpcArgs(job.rpcArgsJson) }),
    ...(job.timeout !== undefined ? { timeout: job.timeout } : {}),
    ...(job.pushUrls ? { 'push-urls': job.pushUrls } : {}),
    // Pending from the start: whoever ends the job, its event is sent (backend/events/deliver.ts).
    ...(deps.events?.wantsEvent(webhook !== undefined) ? { 'event-state': 'pending' as const } : {}),
    ...(webhook ? { 'event-url': webhook.url, 'event-secret': webhook.secret } : {}),
  };
  const [created, emptyLog] = await Promise.allSettled([
    deps.jobs.createJob(record),
    job.pushUrls ? putEmptyPushLog(deps.fetch, job.pushUrls) : deps.objects.putObject(jobKeys(authName, uid).log, ''),
  ]);
  if (created.status === 'rejected') throw new UpstreamError('Could not record the job', { cause: created.reason });
  if (emptyLog.status === 'rejected') {
    await abandonJob(deps, uid, 'could not create the log object');
    if (emptyLog.reason instanceof BadRequestError) throw emptyLog.reason;
    throw new UpstreamError('Could not create the log object', { cause: emptyLog.reason });
  }
  const event: JobEvent = {
    'event-type': 'exec',
    'auth-name': authName,
    uid,
    ...('argv' in job ? { argv: job.argv } : { 'rpc-name': job.rpcName, 'rpc-args': job.rpcArgsJson }),
    ...(job.timeout !== undefined ? { timeout: job.timeout } : {}),
    ...(job.pushUrls ? { 'push-urls': job.pushUrls } : {}),
    ...(job.confined ? { confined: true } : {}),
  };
  try {
    await deps.invoker.invokeJob(event);
  } catch (error) {
    // The event may have been queued even though the call failed; if a runner claimed
    // the job, it runs and the uid is good.
    if (await abandonJob(deps, uid, 'could not start the job')) throw new UpstreamError('Could not start the job', { cause: error });
    deps.logger.warn('the job event call failed but a runner claimed the job', { uid, error });
  }
  return uid;
}

/** Closes a job that will not run, unless a runner claimed it; true when it was closed. */
async function abandonJob(deps: StartJobDeps, uid: string, why: string): Promise<boolean> {
  const record = await deps.jobs.getJob(uid);
  if (!record || record.status !== 'queued') return false;
  const now = (deps.now ?? Date.now)();
  const claim = { claimedAt: now, deadline: now + 60_000, aliveUntil: now + 60_000 };
  if (!(await deps.jobs.takeOverJob(record, claim))) return false;
  try {
    await closeJob(deps, record, EXIT.failure, `[aws-exec] ${why}`, claim.claimedAt);
  } catch (error) {
    deps.logger.error('could not close an abandoned job', { uid, error });
  }
  return true;
}

/** Creates the caller's log object empty, as the bucket's is, so tailing can start at once. */
async function putEmptyPushLog(fetchFn: typeof fetch, urls: PushUrls): Promise<void> {
  let response: Response;
  try {
    response = await fetchFn(urls.log, { method: 'PUT', body: new Uint8Array(), signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new BadRequestError(`Expected push-urls.log to accept a PUT, but it failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new BadRequestError(`Expected push-urls.log to accept a PUT, got ${response.status} ${response.statusText}`);
}

/** The arguments kept on the record (as argv is), unless too large to list. */
function listedRpcArgs(json: string): { 'rpc-args'?: string } {
  return Buffer.byteLength(json) <= MAX_LISTED_RPC_ARGS_BYTES ? { 'rpc-args': json } : {};
}
