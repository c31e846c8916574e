import type { RunningJobs } from '../../../backend/auth/running-jobs.js';
import { generateShareToken, shareIdOf, type ShareRecord, type ShareStore } from '../../../backend/auth/shares.js';
import { loadConfig, type Config } from '../../../backend/config.js';
import type { JobInvoker } from '../../../backend/jobs/invoker.js';
import type { LogObjects } from '../../../backend/jobs/objects.js';
import { jobRecordId, type JobRecord } from '../../../backend/jobs/record.js';
import type { JobClaim, JobStore } from '../../../backend/jobs/store.js';
import type { JobEvent } from '../../../protocol/index.js';

/** A config as loadConfig builds it from a minimal environment, with overrides. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({ PROJECT_NAME: 'test', PROJECT_BUCKET: 'test-bucket', AWS_LAMBDA_FUNCTION_NAME: 'test-fn' });
  return { ...base, authFailDelayMs: 0, cancelCheckMs: 50, killGraceMs: 500, ...overrides };
}

/** An in-memory job store with the same conditional semantics as the DynamoDB one. */
export function createMemoryJobStore(): JobStore & { records: Map<string, JobRecord> } {
  const records = new Map<string, JobRecord>();
  const get = (uid: string) => records.get(jobRecordId(uid));
  return {
    records,
    async createJob(record) {
      if (records.has(jobRecordId(record.uid))) throw new Error('ConditionalCheckFailedException');
      records.set(jobRecordId(record.uid), { ...record, id: jobRecordId(record.uid), status: 'queued' });
    },
    getJob: async (uid) => (get(uid) ? { ...get(uid)! } : undefined),
    async claimJob(uid, authName, claim) {
      const record = get(uid);
      if (!record || record.status !== 'queued' || record['auth-name'] !== authName) return undefined;
      setClaim(record, claim);
      return { ...record };
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
      if (!record) throw new Error('ConditionalCheckFailedException');
      if (claimedAt !== undefined && record['claimed-at'] !== claimedAt) return false;
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
        .map((record) => ({ ...record }));
      const page = matching.slice(0, limit);
      const last = page[page.length - 1];
      return matching.length > limit && last ? { records: page, next: { startedAt: last['started-at'], id: last.id } } : { records: page };
    },
    listUnfinishedJobs: async () => [...records.values()].filter((record) => record.status !== 'exited').map((r) => ({ ...r })),
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

/** In-memory objects that remember every write in order. */
export function createMemoryObjects(): LogObjects & {
  objects: Map<string, Uint8Array>;
  writes: { key: string; bytes: number }[];
  failNext: number;
} {
  const objects = new Map<string, Uint8Array>();
  const state = {
    objects,
    writes: [] as { key: string; bytes: number }[],
    failNext: 0,
    async putObject(key: string, body: Uint8Array | string) {
      if (state.failNext > 0) {
        state.failNext -= 1;
        throw new Error('injected failure');
      }
      const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
      objects.set(key, bytes);
      state.writes.push({ key, bytes: bytes.byteLength });
    },
    readObject: async (key: string) => objects.get(key),
    hasObject: async (key: string) => objects.has(key),
    presignGet: async (key: string, expiresIn: number) => `https://objects.test/${key}?X-Amz-Expires=${expiresIn}`,
    openWriter: async (key: string) => (body: Uint8Array | string) => state.putObject(key, body),
  };
  return state;
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
