import * as z from 'zod/mini';
import { ensureEnglishMessages } from './locale.js';

// Wire names follow the original Go aws-exec (kebab-case JSON keys). Its Go client sends
// every field, unset ones as null or "", so optional request fields accept those too.
// zod/mini (the functional API) rather than classic zod: the web page bundles these, and
// mini's schemas tree-shake (see frontend/README.md).

ensureEnglishMessages();

/** A job id: unix seconds, a dot, a random UUID (sorts by start time). */
export const Uid = z
  .string({ error: (issue) => (issue.input === undefined ? 'Expected a job uid, got none' : 'Expected a job uid (a string)') })
  .check(
    z.regex(/^\d{10}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
      error: 'Expected a job uid like `1700000000.<uuid>`',
    }),
  );
export type Uid = z.infer<typeof Uid>;

const PLAIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;

/**
 * The name `aws-exec auth new` gives a new key. Stricter than the original (whose
 * `auth-new` takes any string): a key written by it, whatever its name, still works (see
 * JobAuthName).
 */
export const AuthName = z.string().check(
  z.regex(PLAIN_NAME, {
    error: "Expected an auth name of 1-64 letters, digits, '.', '_' or '-', not starting with '.' or '-'",
  }),
);
export type AuthName = z.infer<typeof AuthName>;

/**
 * Most UTF-8 bytes of a job's auth-name: an S3 key holds at most 1024 bytes and
 * `jobs/<auth-name>/<uid>/log.txt` adds 61 (a longer name failed on the original too).
 */
export const MAX_JOB_AUTH_NAME_BYTES = 963;

const GO_JOB_AUTH_NAME = /^[\s\S]+:[0-9a-f]{16}$/;

/**
 * Whose a job is, the folder of its objects (`jobs/<auth-name>/<uid>/`): the key's name,
 * any non-empty string, a colon and the first 16 hex of the key's hash, as the original
 * forms it (backend.go checkAuth). A key made by our releases before that (SHA-256) keeps
 * its bare name, so that its earlier jobs stay its own.
 */
export const JobAuthName = z.string().check(
  z.refine((value) => GO_JOB_AUTH_NAME.test(value) || PLAIN_NAME.test(value), {
    error: 'Expected a job auth-name `<name>:<16 hex>` (or the bare name of an earlier SHA-256 key)',
  }),
  z.refine((value) => new TextEncoder().encode(value).length <= MAX_JOB_AUTH_NAME_BYTES, {
    error: `Expected a job auth-name of at most ${MAX_JOB_AUTH_NAME_BYTES} UTF-8 bytes (it is part of S3 object keys)`,
  }),
);
export type JobAuthName = z.infer<typeof JobAuthName>;

const HttpUrl = z.url({ protocol: /^https?$/, error: 'Expected an http(s) URL' });

/**
 * Where a job's end is sent as a signed webhook (Standard Webhooks). An http(s) URL; the API
 * further refuses hosts of the function's own network (loopback, link-local, private) unless
 * the deployment allows them (the local runtime does: see backend/events/url-rule.ts).
 */
export const NotifyRequest = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'Expected notify.url to be an http(s) URL such as https://example.com/hooks/aws-exec' }),
});
export type NotifyRequest = z.infer<typeof NotifyRequest>;

/** Caller-owned presigned PUT URLs: the job's three objects go there instead of our bucket. */
export const PushUrls = z.object({ log: HttpUrl, exit: HttpUrl, size: HttpUrl });
export type PushUrls = z.infer<typeof PushUrls>;

const absent = (value: unknown): unknown => value === null || value === '' ? undefined : value;

/** An optional field that also takes the Go client's null and "" for unset (classic zod's `preprocess`). */
const unsetOr = <Schema extends z.core.SomeType>(schema: Schema) => z.pipe(z.transform(absent), z.optional(schema));

/**
 * `POST /api/exec` body: a subprocess (`argv`) or a registered command (`rpc-name` + `rpc-args`).
 * Strict: a misspelled key (`timeot`) is refused by name, not dropped (the Go client sends
 * only these keys: exec/exec.go PostRequest).
 */
export const ExecRequest = z
  .strictObject({
    argv: unsetOr(z.array(z.string()).check(z.minLength(1, { error: 'Expected argv to hold at least the program name' }))),
    'rpc-name': unsetOr(z.string().check(z.minLength(1), z.maxLength(128))),
    /** A JSON string (as the Go client sends it) or an object. */
    'rpc-args': unsetOr(z.union([z.string(), z.record(z.string(), z.unknown())], { error: 'Expected rpc-args to be a JSON string or an object' })),
    'push-urls': unsetOr(PushUrls),
    /** Send the job's end to this URL as a signed webhook (our extension). */
    notify: unsetOr(NotifyRequest),
    /** Per-job timeout in seconds; at most the function's own timeout. */
    timeout: unsetOr(z.number().check(z.int(), z.positive())),
  })
  .check(
    z.superRefine((request, ctx) => {
      const hasArgv = request.argv !== undefined;
      const hasRpc = request['rpc-name'] !== undefined;
      if (hasArgv === hasRpc) {
        ctx.addIssue({
          code: 'custom',
          message: hasArgv
            ? 'Expected either argv or rpc-name, got both'
            : 'Expected either argv (a subprocess) or rpc-name (a registered command), got neither',
        });
      }
      if (!hasRpc && request['rpc-args'] !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['rpc-args'], message: 'Expected rpc-args only together with rpc-name' });
      }
    }),
  );
export type ExecRequest = z.infer<typeof ExecRequest>;

/** Presigned GETs of a job's log, size and exit objects, and when they expire (our extension). */
const JobObjectUrls = {
  url: z.string(),
  'size-url': z.optional(z.string()),
  'exit-url': z.optional(z.string()),
  /** When the URLs stop working, epoch milliseconds. */
  'expires-at': z.optional(z.int()),
};

/**
 * `POST /api/exec` answer: `{uid}` as the original. Beyond it (ignored by clients that do
 * not know them), a job that logs to the bucket also gets the presigned GETs that
 * `GET /api/exec` would answer, so a client can follow it without asking the API again.
 */
export const ExecResponse = z.object({
  uid: Uid,
  url: z.optional(JobObjectUrls.url),
  'size-url': JobObjectUrls['size-url'],
  'exit-url': JobObjectUrls['exit-url'],
  'expires-at': JobObjectUrls['expires-at'],
});
export type ExecResponse = z.infer<typeof ExecResponse>;

/** `GET /api/exec` query. */
export const ExecStatusQuery = z.object({
  uid: Uid,
  'range-start': z._default(
    z.pipe(z.string().check(z.regex(/^\d{1,15}$/, { error: 'Expected range-start to be a non-negative integer' })), z.transform(Number)),
    0,
  ),
});
export type ExecStatusQuery = z.infer<typeof ExecStatusQuery>;

/**
 * `GET /api/exec` answer: a presigned GET of the log (read it with `Range: bytes=N-`),
 * or, once the size object exists and range-start equals it, the exit code. Beyond the
 * original: presigned GETs of the size and exit objects and the URLs' expiry, so that a
 * client can follow the job without asking the API on every poll.
 */
export const ExecStatusResponse = z.union([z.object({ exit: z.int() }), z.object(JobObjectUrls)]);
export type ExecStatusResponse = z.infer<typeof ExecStatusResponse>;

/** `DELETE /api/exec` query. */
export const CancelQuery = z.object({ uid: Uid });
export type CancelQuery = z.infer<typeof CancelQuery>;

/** `DELETE /api/exec` answer: whether the job was still running when the cancel was recorded. */
export const CancelResponse = z.object({
  uid: Uid,
  status: z.enum(['cancelling', 'already-exited']),
});
export type CancelResponse = z.infer<typeof CancelResponse>;

/** Where a job is in its life. */
export const JobStatus = z.enum(['queued', 'running', 'exited']);
export type JobStatus = z.infer<typeof JobStatus>;

/** One try at delivering a job's end event to its webhook URL. */
export const DeliveryAttempt = z.object({
  /** When it was made, epoch ms. */
  at: z.int(),
  /** The receiver's HTTP status, when it answered. */
  status: z.optional(z.int()),
  /** Why it failed without an answer (timeout, refused connection, a redirect not followed). */
  error: z.optional(z.string()),
  'duration-ms': z.optional(z.int()),
});
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

/** Where a job's end event stands: `pending` until sent to every place it goes, `failed` after retries for 24 h. */
export const EventState = z.enum(['pending', 'delivered', 'failed']);
export type EventState = z.infer<typeof EventState>;

/** A job's end event as `GET /api/jobs` lists it: its `webhook-id`, state and delivery attempts. */
export const JobEventStatus = z.object({
  /** The `webhook-id` of every attempt (and the queue message's `event-id` attribute). */
  id: z.string(),
  state: EventState,
  /** The webhook URL, when the job has one. */
  url: z.optional(z.string()),
  attempts: z.array(DeliveryAttempt),
  /** When the next webhook attempt is due (while pending), epoch ms. */
  'next-attempt-at': z.optional(z.int()),
  /** Whether the project's queue has the event. */
  queued: z.optional(z.boolean()),
});
export type JobEventStatus = z.infer<typeof JobEventStatus>;

/**
 * The event sent when a job ends, to its webhook (the body, signed per Standard Webhooks:
 * `{type, timestamp, data}`, https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#payload-structure)
 * and to the project's queue (the message body). The command is summarized: its program
 * (argv[0]) or registered command name, never its arguments (they may hold secrets).
 */
export const JobEndedEvent = z.object({
  type: z.literal('job.ended'),
  /** When the job ended, ISO 8601. */
  timestamp: z.string(),
  data: z.object({
    uid: Uid,
    'auth-name': z.string(),
    exit: z.int(),
    /** The final log's byte length (absent only for a push-url job closed as lost). */
    size: z.optional(z.int()),
    'duration-ms': z.int(),
    'started-at': z.int(),
    'ended-at': z.int(),
    command: z.union([
      z.object({ kind: z.literal('argv'), program: z.string(), args: z.int() }),
      z.object({ kind: z.literal('rpc'), 'rpc-name': z.string() }),
    ]),
    'log-incomplete': z.optional(z.boolean()),
  }),
});
export type JobEndedEvent = z.infer<typeof JobEndedEvent>;

/** One of the caller's jobs, as `GET /api/jobs` lists it (newest first). */
export const JobSummary = z.object({
  uid: Uid,
  status: JobStatus,
  argv: z.optional(z.array(z.string())),
  'rpc-name': z.optional(z.string()),
  /** The arguments of a registered command, as the JSON text it was started with (when the server lists them). */
  'rpc-args': z.optional(z.string()),
  'started-at': z.int(),
  'ended-at': z.optional(z.int()),
  exit: z.optional(z.int()),
  size: z.optional(z.int()),
  'cancel-requested': z.optional(z.boolean()),
  /** The stored log is not the whole output (storage failed at the end); `exit` is still the real one when it was known. */
  'log-incomplete': z.optional(z.boolean()),
  /** Its end event (webhook and queue), when it has one. */
  event: z.optional(JobEventStatus),
});
export type JobSummary = z.infer<typeof JobSummary>;

/** `GET /api/job` query: one of the caller's jobs by uid; the answer is its JobSummary (404 for another key's job). */
export const JobQuery = z.object({ uid: Uid });
export type JobQuery = z.infer<typeof JobQuery>;

/** Longest listing cursor the API accepts (it makes them far shorter). */
export const MAX_LIST_CURSOR_LENGTH = 1024;

/** A listing cursor: the `next` of an earlier `GET /api/jobs` answer, opaque to clients. */
export const ListCursor = z.string().check(
  z.regex(new RegExp(`^[A-Za-z0-9_.-]{1,${MAX_LIST_CURSOR_LENGTH}}$`), {
    error: `Expected cursor to be the \`next\` of an earlier GET /api/jobs answer (up to ${MAX_LIST_CURSOR_LENGTH} characters of A-Z a-z 0-9 _ . -)`,
  }),
);

const STATUS_LIST = new RegExp(`^(${JobStatus.options.join('|')})(,(${JobStatus.options.join('|')}))*$`);

/** `status=` of `GET /api/jobs`: one status or several separated by commas (`queued,running`). */
export const ListStatusFilter = z.pipe(
  z.string().check(z.regex(STATUS_LIST, { error: `Expected status to be one or more of ${JobStatus.options.join(', ')}, separated by commas` })),
  z.transform((text: string) => [...new Set(text.split(','))] as JobStatus[]),
);

/**
 * `GET /api/jobs` query: at most `limit` jobs, newest first; only those in one of `status`;
 * after the position `cursor` names (the `next` of the previous page, with the same `status`).
 */
export const ListJobsQuery = z.object({
  limit: z._default(
    z.pipe(
      z.pipe(z.string().check(z.regex(/^\d{1,4}$/, { error: 'Expected limit to be an integer from 1 to 1000' })), z.transform(Number)),
      z.int().check(z.gte(1), z.lte(1000)),
    ),
    50,
  ),
  status: z.optional(ListStatusFilter),
  cursor: z.optional(ListCursor),
});
export type ListJobsQuery = z.infer<typeof ListJobsQuery>;

/**
 * `GET /api/jobs` answer: a page of jobs, and `next` when more may follow (pass it as
 * `cursor`, with the same `status`, for the next page). Jobs that start meanwhile come
 * before the first page, never inside later ones.
 */
export const ListJobsResponse = z.object({ jobs: z.array(JobSummary), next: z.optional(ListCursor) });
export type ListJobsResponse = z.infer<typeof ListJobsResponse>;

/** A registered command, with its argument JSON Schema (for the web form and the CLI). */
export const CommandInfo = z.object({
  name: z.string(),
  describe: z.string(),
  args: z.record(z.string(), z.unknown()),
});
export type CommandInfo = z.infer<typeof CommandInfo>;

/** `GET /api/commands` answer. */
export const ListCommandsResponse = z.object({ commands: z.array(CommandInfo) });
export type ListCommandsResponse = z.infer<typeof ListCommandsResponse>;

/** `GET /_version` answer. */
export const VersionResponse = z.object({ name: z.string(), version: z.string() });
export type VersionResponse = z.infer<typeof VersionResponse>;

/** Every 4xx/5xx answer of the API: a message that says what was expected and what came. */
export const ErrorResponse = z.object({ error: z.string() });
export type ErrorResponse = z.infer<typeof ErrorResponse>;

/** The event the backend sends to itself (Lambda `Event` invocation) to run a job. */
export const JobEvent = z.object({
  'event-type': z.literal('exec'),
  'auth-name': JobAuthName,
  uid: Uid,
  'push-urls': unsetOr(PushUrls),
  argv: unsetOr(z.array(z.string()).check(z.minLength(1))),
  'rpc-name': unsetOr(z.string()),
  /** Always the JSON string form once the backend has checked it. */
  'rpc-args': unsetOr(z.string()),
  timeout: unsetOr(z.number().check(z.int(), z.positive())),
  /**
   * Set when the key that started the job lacks the `exec` scope: its registered command
   * then reaches files, URLs and environment variables only as far as `context.reach`
   * allows (see README, "Security model"). Absent (every job of a full key, and the Go
   * backend's events): the command runs with the job function's reach.
   */
  confined: unsetOr(z.boolean()),
});
export type JobEvent = z.infer<typeof JobEvent>;

/** An EventBridge scheduled event (the backend's periodic sweep). */
export const ScheduledEvent = z.object({
  'detail-type': z.literal('Scheduled Event'),
  source: z.string(),
  time: z.optional(z.string()),
});
export type ScheduledEvent = z.infer<typeof ScheduledEvent>;

/**
 * The event that finishes lost jobs: those whose runner died (claimed before `lost-before`,
 * epoch ms — the local runtime sends its own start time) or ran past their deadline. Sent
 * by the local runtime at start and, on AWS, by the schedule trigger's sweep.
 */
export const SweepEvent = z.object({
  'event-type': z.literal('sweep'),
  'lost-before': z.optional(z.int()),
});
export type SweepEvent = z.infer<typeof SweepEvent>;
