import {
  CancelResponse,
  ExecResponse,
  JobStatus,
  JobSummary,
  KeyInfoResponse,
  ListCommandsResponse,
  ListCursor,
  ListJobsResponse,
  MAX_SHARE_SECONDS,
  PATHS,
  RevokeShareResponse,
  ShareId,
  ShareResponse,
  Uid,
} from '../protocol/index.js';
import type { CommandInfo } from '../protocol/index.js';
import { combineSignals } from './abort.js';
import { callApi } from './api.js';
import { TimeoutError, ValidationError } from './errors.js';
import { followLog } from './follow.js';
import { LogTail } from './log-tail.js';
import { resolveClientOptions, resolvePolicy, PollPolicy } from './options.js';
import type { ClientOptions, PollOptions, ResolvedClientOptions } from './options.js';
import { toWireRequest } from './request.js';
import type { JobRequest } from './request.js';
import { createApiSource, createPushedSource } from './sources.js';
import type { ApiJobUrls, PushedUrlsInput } from './sources.js';

/** Options of `tail` and `tailPushed`. */
export interface TailOptions {
  /** Byte offset to start from (default 0): resume a tail with the previous one's `offset`. */
  from?: number;
  signal?: AbortSignal;
  /** Overrides the client's poll policy for this tail. */
  poll?: PollOptions;
}

/** Options of `exec`. */
export interface ExecOptions {
  /** Each chunk of the log as it arrives (bytes; see `createLogDecoder` for text). */
  onLog?: (chunk: Uint8Array) => void | Promise<void>;
  /** Called with the uid once the job has started. */
  onStart?: (uid: string) => void;
  /** Stops waiting; rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Stops waiting after this many ms; rejects with TimeoutError. (The job's own limit is the request's `timeout`.) */
  timeout?: number;
  /** Cancel the job when the wait is aborted or times out (default true). */
  cancelOnAbort?: boolean;
  poll?: PollOptions;
}

/** Options of `list` and `listPage`. */
export interface ListOptions {
  /** At most this many jobs (1-1000, default 50). */
  limit?: number;
  /** Only jobs in one of these statuses. */
  status?: JobStatus | readonly JobStatus[];
  /** The `next` of the previous page (with the same `status`): the page after it. */
  cursor?: string;
  signal?: AbortSignal;
}

/** A page of `listPage`. */
export interface JobPage {
  jobs: JobSummary[];
  /** The cursor of the next page; absent on the last. */
  next?: string;
}

/** The aws-exec API, for Node and browsers. */
export interface AwsExecClient {
  /** Starts a job and waits for it; resolves with its exit code. */
  exec(request: JobRequest, options?: ExecOptions): Promise<number>;
  /** Starts a job; resolves with its uid at once. */
  start(request: JobRequest, options?: { signal?: AbortSignal }): Promise<string>;
  /** Follows a job's log: an async iterable of byte chunks with the exit code at the end. */
  tail(uid: string, options?: TailOptions): LogTail;
  /** Follows a push-url job through the caller's own presigned GET URLs (no API calls). */
  tailPushed(urls: PushedUrlsInput, options?: TailOptions): LogTail;
  /** Asks the job to stop (it exits 130). */
  cancel(uid: string, options?: { signal?: AbortSignal }): Promise<CancelResponse>;
  /** The caller's recent jobs, newest first (one page: see `listPage` for the cursor of the next). */
  list(options?: ListOptions): Promise<JobSummary[]>;
  /** A page of the caller's jobs, newest first, with `next` when more may follow (pass it back as `cursor`, with the same `status`). */
  listPage(options?: ListOptions): Promise<JobPage>;
  /** One of the caller's jobs as `list` shows it, by uid (`GET /api/job`); NotFoundError for an unknown job or another key's. */
  summary(uid: string, options?: { signal?: AbortSignal }): Promise<JobSummary>;
  /** The registered commands the key may start, with their argument JSON Schemas. */
  commands(options?: { signal?: AbortSignal }): Promise<CommandInfo[]>;
  /** What the key may do (its auth-name, scopes, expiry, cap), or which job a share link follows. */
  key(options?: { signal?: AbortSignal }): Promise<KeyInfoResponse>;
  /** A share link of one of the caller's jobs: `path` is the page's address of it; `token` follows the job as an auth value. */
  share(uid: string, options?: { expiresInSeconds?: number; signal?: AbortSignal }): Promise<ShareResponse>;
  /** Revokes a share link by its id: refused from then on. */
  revokeShare(id: string, options?: { signal?: AbortSignal }): Promise<RevokeShareResponse>;
}

/** Creates a client for one API URL and auth key. */
export function createClient(clientOptions: ClientOptions): AwsExecClient {
  const options = resolveClientOptions(clientOptions);
  const client: AwsExecClient = {
    async start(request, { signal } = {}) {
      return (await postJob(options, request, signal)).uid;
    },

    tail(uid, tailOptions = {}) {
      return tailJob(options, uid, tailOptions);
    },

    tailPushed(urls, tailOptions = {}) {
      const from = checkOffset(tailOptions.from);
      const poll = resolvePolicy(PollPolicy, { ...options.poll, ...tailOptions.poll }, 'poll');
      const source = createPushedSource(urls, poll);
      const reader = { fetch: options.fetch, retry: options.retry, signal: tailOptions.signal };
      return new LogTail(undefined, from, (onOffset) => followLog(source, { reader, poll, from, onOffset }));
    },

    async exec(request, execOptions = {}) {
      return runJob(client, options, request, execOptions);
    },

    async cancel(uid, { signal } = {}) {
      checkUid(uid);
      return callApi(options, { method: 'DELETE', path: PATHS.exec, query: { uid }, schema: CancelResponse, signal });
    },

    async list(listOptions = {}) {
      return (await client.listPage(listOptions)).jobs;
    },

    async listPage({ signal, ...page } = {}) {
      const answer = await callApi(options, { method: 'GET', path: PATHS.jobs, query: toListQuery(page), schema: ListJobsResponse, signal });
      return answer.next === undefined ? { jobs: answer.jobs } : { jobs: answer.jobs, next: answer.next };
    },

    async summary(uid, { signal } = {}) {
      checkUid(uid);
      return callApi(options, { method: 'GET', path: PATHS.job, query: { uid }, schema: JobSummary, signal });
    },

    async commands({ signal } = {}) {
      const answer = await callApi(options, { method: 'GET', path: PATHS.commands, schema: ListCommandsResponse, signal });
      return answer.commands;
    },

    key: ({ signal } = {}) => callApi(options, { method: 'GET', path: PATHS.key, schema: KeyInfoResponse, signal }),

    async share(uid, { expiresInSeconds, signal } = {}) {
      checkUid(uid);
      if (expiresInSeconds !== undefined && !(Number.isInteger(expiresInSeconds) && expiresInSeconds >= 60 && expiresInSeconds <= MAX_SHARE_SECONDS)) {
        throw new ValidationError(`Expected expiresInSeconds to be an integer from 60 to ${MAX_SHARE_SECONDS}, got ${String(expiresInSeconds)}`);
      }
      const body = { uid, ...(expiresInSeconds !== undefined ? { 'expires-in': expiresInSeconds } : {}) };
      return callApi(options, { method: 'POST', path: PATHS.share, body, schema: ShareResponse, signal });
    },

    async revokeShare(id, { signal } = {}) {
      if (!ShareId.safeParse(id).success) throw new ValidationError(`Expected a share id of 64 hex characters, got \`${id.slice(0, 80)}\``);
      return callApi(options, { method: 'DELETE', path: PATHS.share, query: { id }, schema: RevokeShareResponse, signal });
    },
  };
  return client;
}

/** The query of `GET /api/jobs`, checked as the server checks it. */
function toListQuery({ limit, status, cursor }: Omit<ListOptions, 'signal'>): Record<string, string | number> | undefined {
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 1000)) {
    throw new ValidationError(`Expected limit to be an integer from 1 to 1000, got ${String(limit)}`);
  }
  const statuses = status === undefined ? undefined : typeof status === 'string' ? [status] : [...status];
  const badStatus = statuses?.find((candidate) => !JobStatus.safeParse(candidate).success);
  if (statuses?.length === 0 || badStatus !== undefined) {
    throw new ValidationError(`Expected status to be one or more of ${JobStatus.options.join(', ')}, got ${JSON.stringify(status)}`);
  }
  if (cursor !== undefined && !ListCursor.safeParse(cursor).success) {
    throw new ValidationError(`Expected cursor to be the \`next\` of an earlier page, got ${JSON.stringify(cursor).slice(0, 100)}`);
  }
  const query = {
    ...(limit !== undefined ? { limit } : {}),
    ...(statuses ? { status: statuses.join(',') } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
  };
  return Object.keys(query).length > 0 ? query : undefined;
}

/** exec = start + tail, with a client-side deadline and cancel-on-abort. */
async function runJob(client: AwsExecClient, options: ResolvedClientOptions, request: JobRequest, execOptions: ExecOptions): Promise<number> {
  const { timeout, signal } = execOptions;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
    throw new ValidationError(`Expected timeout to be a positive number of milliseconds, got ${String(timeout)}`);
  }
  const deadline = timeout === undefined ? undefined : AbortSignal.timeout(timeout);
  const waitSignal = combineSignals(signal, deadline);
  const started = await postJob(options, request, waitSignal);
  const uid = started.uid;
  execOptions.onStart?.(uid);
  try {
    const initial = started.url === undefined ? undefined : { ...started, url: started.url };
    const tail = tailJob(options, uid, { signal: waitSignal, poll: { ...options.poll, ...execOptions.poll } }, initial);
    return await tail.exit(execOptions.onLog);
  } catch (error) {
    if (!waitSignal?.aborted) throw error;
    if (execOptions.cancelOnAbort !== false) await cancelQuietly(client, uid);
    if (deadline?.aborted && !signal?.aborted) throw new TimeoutError(uid, timeout as number);
    throw error;
  }
}

/** `POST /api/exec`: the uid, and from our server the URLs to follow the job with. */
async function postJob(options: ResolvedClientOptions, request: JobRequest, signal: AbortSignal | undefined): Promise<ExecResponse> {
  const body = toWireRequest(request);
  return callApi(options, { method: 'POST', path: PATHS.exec, body, schema: ExecResponse, signal });
}

/** A tail of a job through the API, starting from URLs the POST answer carried when there are some. */
function tailJob(options: ResolvedClientOptions, uid: string, tailOptions: TailOptions, initial?: ApiJobUrls): LogTail {
  checkUid(uid);
  const from = checkOffset(tailOptions.from);
  const poll = resolvePolicy(PollPolicy, { ...options.poll, ...tailOptions.poll }, 'poll');
  const source = createApiSource({ ...options, poll }, uid, Date.now, initial);
  const reader = { fetch: options.fetch, retry: options.retry, signal: tailOptions.signal };
  const justStarted = initial !== undefined;
  return new LogTail(uid, from, (onOffset) => followLog(source, { reader, poll, from, onOffset, justStarted }));
}

/** Best-effort cancel after an abort: the caller's error matters more than a failed cancel. */
async function cancelQuietly(client: AwsExecClient, uid: string): Promise<void> {
  try {
    await client.cancel(uid, { signal: AbortSignal.timeout(5_000) });
  } catch {
    // The job may already have exited, or the API be unreachable: the abort is reported either way.
  }
}

function checkUid(uid: string): void {
  if (!Uid.safeParse(uid).success) throw new ValidationError(`Expected a job uid like \`1700000000.<uuid>\`, got \`${String(uid)}\``);
}

function checkOffset(from: number | undefined): number {
  if (from === undefined) return 0;
  if (!Number.isSafeInteger(from) || from < 0) throw new ValidationError(`Expected from to be a non-negative integer, got ${String(from)}`);
  return from;
}
