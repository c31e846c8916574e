import { randomUUID } from 'node:crypto';
import type { RunningJobs } from '../../../backend/auth/running-jobs.js';
import { generateShareToken, shareIdOf, type ShareRecord, type ShareStore } from '../../../backend/auth/shares.js';
import { loadConfig, type Config } from '../../../backend/config.js';
import type { JobInvoker } from '../../../backend/jobs/invoker.js';
import { MIN_KEPT_BYTES, type LogObjects } from '../../../backend/jobs/objects.js';
import { jobRecordId, type JobRecord } from '../../../backend/jobs/record.js';
import { JobExistsError, JobNotFoundError, type JobClaim, type JobStore } from '../../../backend/jobs/store.js';
import type { JobEvent } from '../../../protocol/index.js';

/** A config as loadConfig builds it from a minimal environment, with overrides. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({ PROJECT_NAME: 'test', PROJECT_BUCKET: 'test-bucket', AWS_LAMBDA_FUNCTION_NAME: 'test-fn' });
  return { ...base, authFailDelayMs: 0, cancelCheckMs: 50, killGraceMs: 500, ...overrides };
}

/**
 * An in-memory job store with the same conditional semantics as the DynamoDB one: held to it
 * by the JobStore contract suite (test/backend/contract/job-store.ts). Records go in and come
 * out as copies, as they would over the wire.
 */
export function createMemoryJobStore(): JobStore & { records: Map<string, JobRecord> } {
  const records = new Map<string, JobRecord>();
  const get = (uid: string) => records.get(jobRecordId(uid));
  const copy = (record: JobRecord): JobRecord => structuredClone(record);
  return {
    records,
    async createJob(record) {
      if (records.has(jobRecordId(record.uid))) throw new JobExistsError(record.uid);
      records.set(jobRecordId(record.uid), structuredClone({ ...record, id: jobRecordId(record.uid), status: 'queued' as const }));
    },
    getJob: async (uid) => {
      const record = get(uid);
      return record ? copy(record) : undefined;
    },
    async claimJob(uid, authName, claim) {
      const record = get(uid);
      if (!record || record.status !== 'queued' || record['auth-name'] !== authName) return undefined;
      setClaim(record, claim);
      record['claim-token'] = randomUUID();
      return copy(record);
    },
    async renewLease(uid, claimedAt, aliveUntil, pendingExit) {
      const record = get(uid);
      if (!record || record.status !== 'running' || record['claimed-at'] !== claimedAt) return 'lost';
      record['alive-until'] = aliveUntil;
      if (pendingExit !== undefined) record['pending-exit'] = pendingExit;
      return 'renewed';
    },
    readCancelRequested: async (uid) => get(uid)?.['cancel-requested'] === true,
    async requestCancel(uid, authName, at) {
      const record = get(uid);
      if (!record || record['auth-name'] !== authName) return 'not-found';
      if (record.status === 'exited') return 'already-exited';
      Object.assign(record, { 'cancel-requested': true, 'cancel-requested-at': at });
      return 'cancelling';
    },
    async finishJob(uid, end, claimedAt) {
      const record = get(uid);
      if (claimedAt !== undefined && record?.['claimed-at'] !== claimedAt) return false;
      if (!record) throw new JobNotFoundError(uid);
      Object.assign(record, { status: 'exited', exit: end.exit, 'ended-at': end.endedAt });
      delete record['pending-exit'];
      if (end.size !== undefined) record.size = end.size;
      if (end.uploadedBytes !== undefined) record['uploaded-bytes'] = end.uploadedBytes;
      if (end.uploads !== undefined) record.uploads = end.uploads;
      if (end.logIncomplete) record['log-incomplete'] = true;
      return true;
    },
    async listJobs(authName, { limit, statuses, after }) {
      // Newest first, as the jobs-by-auth-name index; ties by id (the index's own tie order differs, stably).
      const isAfter = (record: JobRecord) =>
        !after || record['started-at'] < after.startedAt || (record['started-at'] === after.startedAt && record.id < after.id);
      const matching = [...records.values()]
        .filter((record) => record['auth-name'] === authName && isAfter(record) && (!statuses || statuses.includes(record.status)))
        .sort((a, b) => b['started-at'] - a['started-at'] || (a.id < b.id ? 1 : -1))
        .map(copy);
      const page = matching.slice(0, limit);
      const last = page[page.length - 1];
      return matching.length > limit && last ? { records: page, next: { startedAt: last['started-at'], id: last.id } } : { records: page };
    },
    listUnfinishedJobs: async () => [...records.values()].filter((record) => record.status !== 'exited').map(copy),
    async takeOverJob(seen, claim) {
      const record = get(seen.uid);
      if (!record || record.status !== seen.status || record['claimed-at'] !== seen['claimed-at'] || record['alive-until'] !== seen['alive-until']) {
        return false;
      }
      setClaim(record, claim);
      return true;
    },
  };
}

function setClaim(record: JobRecord, claim: JobClaim): void {
  Object.assign(record, { status: 'running', 'claimed-at': claim.claimedAt, deadline: claim.deadline });
  if (claim.aliveUntil !== undefined) record['alive-until'] = claim.aliveUntil;
}

/** The host of the fake's presigned URLs (served by its `fetch`). */
const FAKE_OBJECTS_ORIGIN = 'https://objects.test';

/** A presigned URL's date as SigV4 writes it (`20240101T000000Z`). */
function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseAmzDate(value: string | null): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6])) : Number.NaN;
}

/**
 * In-memory objects that remember every write in order; held to the LogObjects contract
 * (test/backend/contract/log-objects.ts). Its presigned GETs are served by its own `fetch`
 * as S3 serves them (`Range: bytes=N-` → 206, past the end → 416, missing → 404, expired →
 * 403). `refused` makes every call fail as a 403 AccessDenied does; `failNext` fails that many writes.
 */
export function createMemoryObjects(options: { refused?: boolean } = {}): LogObjects & {
  objects: Map<string, Uint8Array>;
  writes: { key: string; bytes: number }[];
  failNext: number;
  fetch: typeof fetch;
} {
  const objects = new Map<string, Uint8Array>();
  const refuse = () => {
    if (options.refused) throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
  };
  const state = {
    objects,
    writes: [] as { key: string; bytes: number }[],
    failNext: 0,
    async putObject(key: string, body: Uint8Array | string) {
      refuse();
      if (state.failNext > 0) {
        state.failNext -= 1;
        throw new Error('injected failure');
      }
      const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body);
      objects.set(key, bytes);
      state.writes.push({ key, bytes: bytes.byteLength });
    },
    async readObject(key: string) {
      refuse();
      const bytes = objects.get(key);
      return bytes ? new Uint8Array(bytes) : undefined;
    },
    async hasObject(key: string) {
      refuse();
      return objects.has(key);
    },
    presignGet: async (key: string, expiresIn: number) =>
      `${FAKE_OBJECTS_ORIGIN}/${key.split('/').map(encodeURIComponent).join('/')}?X-Amz-Date=${formatAmzDate(Date.now())}&X-Amz-Expires=${expiresIn}`,
    openWriter: async (key: string) => (body: Uint8Array | string) => state.putObject(key, body),
    /** As S3's multipart upload refuses them: a kept part under 5 MiB (EntityTooSmall), a range past the object (InvalidArgument). */
    async extendObject(key: string, keptBytes: number, rest: Uint8Array) {
      refuse();
      if (!(Number.isSafeInteger(keptBytes) && keptBytes >= MIN_KEPT_BYTES)) throw new RangeError(`Expected to keep at least ${MIN_KEPT_BYTES} bytes, got ${keptBytes}`);
      const current = objects.get(key);
      if (current === undefined) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
      if (keptBytes > current.byteLength) {
        throw Object.assign(new Error(`Range specified is not valid for source object of size: ${current.byteLength}`), { name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
      }
      if (state.failNext > 0) {
        state.failNext -= 1;
        throw new Error('injected failure');
      }
      const bytes = new Uint8Array(keptBytes + rest.byteLength);
      bytes.set(current.subarray(0, keptBytes));
      bytes.set(rest, keptBytes);
      objects.set(key, bytes);
      state.writes.push({ key, bytes: rest.byteLength });
    },
    fetch: async (input: string | URL | Request, init?: RequestInit) => serveObject(objects, new Request(input, init)),
  };
  return state;
}

/** Answers a GET of one of the fake's presigned URLs as S3 would. */
function serveObject(objects: Map<string, Uint8Array>, request: Request): Response {
  const url = new URL(request.url);
  if (url.origin !== FAKE_OBJECTS_ORIGIN) throw new TypeError(`Expected a URL of ${FAKE_OBJECTS_ORIGIN}, got ${request.url}`);
  const expiresAt = parseAmzDate(url.searchParams.get('X-Amz-Date')) + Number(url.searchParams.get('X-Amz-Expires')) * 1000;
  if (!(Date.now() <= expiresAt)) return new Response('AccessDenied: Request has expired', { status: 403 });
  const body = objects.get(decodeURIComponent(url.pathname.slice(1)));
  if (!body) return new Response('NoSuchKey', { status: 404 });
  const range = /^bytes=(\d+)-$/.exec(request.headers.get('range') ?? '');
  if (!range) return new Response(new Uint8Array(body), { status: 200 });
  const start = Number(range[1]);
  if (start >= body.byteLength) return new Response('InvalidRange', { status: 416, headers: { 'content-range': `bytes */${body.byteLength}` } });
  return new Response(body.slice(start), { status: 206, headers: { 'content-range': `bytes ${start}-${body.byteLength - 1}/${body.byteLength}` } });
}

/** An invoker that records the events it was asked to send. */
export function createRecordingInvoker(): JobInvoker & { events: JobEvent[]; fail: boolean } {
  const invoker = {
    events: [] as JobEvent[],
    fail: false,
    async invokeJob(event: JobEvent) {
      if (invoker.fail) throw new Error('injected invoke failure');
      invoker.events.push(event);
    },
  };
  return invoker;
}

/** A Lambda context with that much time left. */
export function contextWithRemaining(ms: number): { getRemainingTimeInMillis(): number } {
  const end = Date.now() + ms;
  return { getRemainingTimeInMillis: () => end - Date.now() };
}

/** In-memory share links, as the DynamoDB store keeps them (tokens hashed). */
export function createMemoryShareStore(): ShareStore {
  const shares = new Map<string, ShareRecord>();
  return {
    async createShare(share) {
      const token = generateShareToken();
      const id = shareIdOf(token);
      shares.set(id, { ...share, id });
      return { token, id };
    },
    findShare: async (token) => shares.get(shareIdOf(token)),
    async deleteShare(id, authName) {
      if (shares.get(id)?.authName !== authName) return false;
      return shares.delete(id);
    },
  };
}

/** In-memory per-key sets of running jobs; every job counts until released. */
export function createMemoryRunningJobs(): RunningJobs {
  const sets = new Map<string, Set<string>>();
  return {
    async reserve(keyHash, uid, max) {
      const set = sets.get(keyHash) ?? new Set<string>();
      sets.set(keyHash, set);
      if (set.size >= max) return false;
      set.add(uid);
      return true;
    },
    release: async (keyHash, uid) => void sets.get(keyHash)?.delete(uid),
  };
}
