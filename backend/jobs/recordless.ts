import { jobKeys, type JobEvent, type JobKeys } from '../../protocol/index.js';
import { BadRequestError, UpstreamError } from '../errors.js';
import type { Logger } from '../log.js';
import type { LogObjects } from './objects.js';
import type { NewJobRecord } from './record.js';
import type { JobStore } from './store.js';

// Jobs with no record: those the original Go backend started. It kept no job records (its
// httpExecGet looked only at the objects `jobs/<auth-name>/<uid>/{size,exit,log.txt}`), so
// jobs running or queued while a Go deployment is switched to this one have none.

/** What the objects of a job with no record say. */
export type RecordlessStatus = { kind: 'exited'; exit: number } | { kind: 'follow' } | { kind: 'missing' };

/**
 * Reads a recordless job's state from its objects, as the original's httpExecGet did: once
 * the size object exists and `rangeStart` equals it, the exit code; otherwise the log is to
 * be followed, if it exists. A job whose runner has written nothing yet (the original
 * writes its log at the first output) looks like a uid that never existed: `missing`.
 */
export async function readRecordlessStatus(objects: LogObjects, keys: JobKeys, rangeStart: number): Promise<RecordlessStatus> {
  const sizeText = await objects.readObject(keys.size);
  if (sizeText === undefined) return (await objects.hasObject(keys.log)) ? { kind: 'follow' } : { kind: 'missing' };
  const size = parseDecimal(sizeText, keys.size);
  if (rangeStart > size) throw new BadRequestError(`Expected range-start to be at most the log's final size ${size}, got ${rangeStart}`);
  if (rangeStart < size) return { kind: 'follow' };
  // The original writes exit before size (backend.go handleAsyncEvent), so it is there.
  const exitText = await objects.readObject(keys.exit);
  if (exitText === undefined) throw new UpstreamError(`Expected the exit object of a job whose size object exists: \`${keys.exit}\``);
  return { kind: 'exited', exit: parseDecimal(exitText, keys.exit) };
}

/** Whether a recordless job has any object (so it exists, though this backend did not start it). */
export async function hasRecordlessObjects(objects: LogObjects, keys: JobKeys): Promise<boolean> {
  const found = await Promise.all([objects.hasObject(keys.log), objects.hasObject(keys.size)]);
  return found.some(Boolean);
}

function parseDecimal(bytes: Uint8Array, key: string): number {
  const text = Buffer.from(bytes).toString('utf8').trim();
  if (!/^-?\d{1,15}$/.test(text)) throw new UpstreamError(`Expected \`${key}\` to hold a decimal integer, got \`${text.slice(0, 40)}\``);
  return Number(text);
}

/** Longest Lambda keeps an async event before it drops it (its maximum event age). */
const MAX_EVENT_AGE_MS = 6 * 60 * 60 * 1000;
/** How far ahead of our clock a uid's time may be (clock skew between invocations). */
const MAX_UID_SKEW_MS = 60 * 1000;

/** What adopting a recordless event needs. */
export interface AdoptDeps {
  jobs: JobStore;
  objects: LogObjects;
  config: { jobTtlSeconds: number };
  logger: Logger;
  now?: () => number;
}

/**
 * Gives a job event that has no record one (queued) and an empty log object, so that the
 * runner can claim and run it: our own events always have a record before they are sent (startJob), so a recordless
 * event is one the Go backend queued before the switch (at most 6 hours old: Lambda's
 * maximum event age, https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-configuring.html).
 * Only the function itself may send it events. False when the uid has a record already,
 * or is too old or too far ahead to be such an event.
 */
export async function adoptRecordlessJob(deps: AdoptDeps, event: JobEvent): Promise<boolean> {
  const now = (deps.now ?? Date.now)();
  const startedAt = Number(event.uid.slice(0, event.uid.indexOf('.'))) * 1000;
  if (now - startedAt > MAX_EVENT_AGE_MS || startedAt - now > MAX_UID_SKEW_MS) return false;
  if (await deps.jobs.getJob(event.uid)) return false;
  const record: NewJobRecord = {
    uid: event.uid,
    'auth-name': event['auth-name'],
    'started-at': startedAt,
    ttl: Math.floor(now / 1000) + deps.config.jobTtlSeconds,
    ...(event.argv ? { argv: event.argv } : { 'rpc-name': event['rpc-name'] ?? '' }),
    ...(event.timeout !== undefined ? { timeout: event.timeout } : {}),
    ...(event['push-urls'] ? { 'push-urls': event['push-urls'] } : {}),
  };
  try {
    await deps.jobs.createJob(record);
  } catch (error) {
    // Another delivery of the same event created it meanwhile: that one's claim decides.
    if (await deps.jobs.getJob(event.uid)) return false;
    throw error;
  }
  // As startJob does: the log exists before anyone is told to read it (the Go client takes a 404 log for an error).
  if (!event['push-urls']) await deps.objects.putObject(jobKeys(event['auth-name'], event.uid).log, '');
  deps.logger.info('adopted a job event that had no record (queued by the Go backend before the switch)', { uid: event.uid });
  return true;
}
