import * as z from 'zod/mini';
import { ensureEnglishMessages, RetryPolicy } from '../protocol/index.js';
import { ValidationError } from './errors.js';

// zod/mini, as protocol/: the web page bundles the client. Its default messages are English
// ("Invalid poll options: maxDelayMs: Too small: expected number to be >=0").
ensureEnglishMessages();

/** The fetch the client uses; inject one for tests, proxies or old runtimes. */
export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;

/** Retries with exponential backoff and full jitter, on network errors and 5xx only (the shared policy, protocol/retry.ts). */
export { RetryPolicy };

/** Adaptive polling: fast right after new data, backing off to a ceiling while idle. */
export const PollPolicy = z.object({
  /** Delay after new data before the log is read again, and where idle delays grow from after data. */
  minDelayMs: z._default(z.number().check(z.gte(0)), 20),
  /**
   * The first idle delay of a tail (growing by `factor` from there), and the pause before
   * checking whether a job ended right after new data came: most jobs end soon after their
   * last output, and a short job is often over within a few of these.
   */
  quickDelayMs: z._default(z.number().check(z.gte(0)), 2),
  /** Ceiling of the idle delay (a benchmark matching a 20 ms peer sets 20). */
  maxDelayMs: z._default(z.number().check(z.gte(0)), 1_000),
  /** Growth of the idle delay per empty poll. */
  factor: z._default(z.number().check(z.gte(1)), 1.5),
  /** A presigned URL is renewed this long before it expires (at most a quarter of its lifetime). */
  refreshMarginMs: z._default(z.number().check(z.gte(0)), 30_000),
  /** How long to reuse a URL whose expiry is unknown (no `expires-at`, no X-Amz-Expires). */
  unknownExpiryMaxAgeMs: z._default(z.number().check(z.gte(0)), 5 * 60_000),
  /**
   * Poll without reads that answer 4xx while nothing is new (a browser prints each as a
   * red console error): the log is read from one byte before the offset (a 206 even when
   * nothing came; offset 0 reads the whole object, a 200 even when it is empty), and whether
   * the job ended is asked of the API (`GET /api/exec` answers `{exit}` then) instead of
   * read from the size object, which is 404 until the end. Costs an API call per idle
   * poll; the web page uses it. A tail of push-urls has no API to ask and ignores it.
   */
  quiet: z._default(z.boolean(), false),
});
export type PollPolicy = z.infer<typeof PollPolicy>;

/** Partial policies as callers pass them. */
export type RetryOptions = z.input<typeof RetryPolicy>;
export type PollOptions = z.input<typeof PollPolicy>;

/** Options of `createClient`. */
export interface ClientOptions {
  /** Base URL of the API, e.g. `https://exec.example.com` or the local runtime's URL. */
  url: string;
  /** The auth key, sent as the `auth` header. */
  auth: string;
  /** Defaults to the global fetch. */
  fetch?: FetchFunction;
  retry?: RetryOptions;
  poll?: PollOptions;
}

/** Client options once checked and defaulted. */
export interface ResolvedClientOptions {
  url: string;
  auth: string;
  fetch: FetchFunction;
  retry: RetryPolicy;
  poll: PollPolicy;
}

const BaseOptions = z.object({
  url: z.url({ protocol: /^https?$/, error: 'Expected url to be an http(s) URL' }),
  auth: z.string().check(z.minLength(1, { error: 'Expected auth to be a non-empty key' })),
});

/** Checks the options and fills in the defaults; throws ValidationError saying what was wrong. */
export function resolveClientOptions(options: ClientOptions): ResolvedClientOptions {
  const base = BaseOptions.safeParse({ url: options.url, auth: options.auth });
  if (!base.success) throw new ValidationError(describeIssues('client options', base.error));
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new ValidationError(`Expected the fetch option to be a function, got ${typeof options.fetch}`);
  }
  // An unbound global fetch throws "Illegal invocation" in browsers, hence the wrapper.
  const fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  return {
    url: base.data.url.replace(/\/+$/, ''),
    auth: base.data.auth,
    fetch,
    retry: resolvePolicy(RetryPolicy, options.retry, 'retry'),
    poll: resolvePolicy(PollPolicy, options.poll, 'poll'),
  };
}

/** Parses a partial policy over its defaults; throws ValidationError naming the bad field. */
export function resolvePolicy<Schema extends z.ZodMiniType>(schema: Schema, value: unknown, what: string): z.output<Schema> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw new ValidationError(describeIssues(`${what} options`, parsed.error));
  return parsed.data;
}

/** One line per zod issue, naming the field: "Invalid poll options: maxDelayMs: Too small…". */
export function describeIssues(what: string, error: z.core.$ZodError): string {
  const lines = error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
  return `Invalid ${what}: ${lines.join('; ')}`;
}
