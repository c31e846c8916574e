import { ExecStatusResponse, PATHS } from '../protocol/index.js';
import { callApi } from './api.js';
import { ExpiredUrlError, ValidationError } from './errors.js';
import { computeRefreshAt, findUrlExpiry } from './expiry.js';
import type { JobUrls, UrlSource } from './follow.js';
import type { PollPolicy, ResolvedClientOptions } from './options.js';

/** The URLs part of a `GET /api/exec` (or, from our server, `POST /api/exec`) answer. */
export interface ApiJobUrls {
  url: string;
  'size-url'?: string | undefined;
  'exit-url'?: string | undefined;
  'expires-at'?: number | undefined;
}

/**
 * Follows a job through the API: `GET /api/exec?uid&range-start=N`. `initial` are URLs
 * the POST answer carried already (our server's extension): the first resolve uses them
 * instead of asking the API.
 */
export function createApiSource(
  options: ResolvedClientOptions,
  uid: string,
  now: () => number = Date.now,
  initial?: ApiJobUrls,
): UrlSource & { apiCalls: number } {
  let seed = initial;
  const toJobUrls = (answer: ApiJobUrls): JobUrls => {
    const expiry = findUrlExpiry(answer.url, answer['expires-at']);
    // Quiet: the size and exit objects (404 until the end) are left alone; the API says when the job ended.
    const followsObjects = answer['size-url'] !== undefined && !options.poll.quiet;
    return {
      logUrl: answer.url,
      sizeUrl: followsObjects ? answer['size-url'] : undefined,
      exitUrl: followsObjects ? answer['exit-url'] : undefined,
      overlapReads: options.poll.quiet,
      // A `{url}`-only server is asked on every idle poll anyway; its URL is kept while data flows.
      refreshAt: followsObjects || expiry !== undefined ? computeRefreshAt(expiry, now(), options.poll) : Number.POSITIVE_INFINITY,
      askWhenIdle: !followsObjects,
    };
  };
  const source = {
    apiCalls: 0,
    async resolve(offset: number, signal: AbortSignal | undefined): Promise<JobUrls | { exit: number }> {
      if (seed !== undefined) {
        const urls = toJobUrls(seed);
        seed = undefined;
        if (now() < urls.refreshAt) return urls;
      }
      source.apiCalls++;
      const answer = await callApi(options, {
        method: 'GET',
        path: PATHS.exec,
        query: { uid, 'range-start': offset },
        schema: ExecStatusResponse,
        signal,
      });
      return 'exit' in answer ? { exit: answer.exit } : toJobUrls(answer);
    },
  };
  return source;
}

/** Presigned GET URLs of the three objects a push-url job writes to the caller's bucket. */
export interface PushedUrls {
  logUrl: string;
  sizeUrl: string;
  exitUrl: string;
}

/** The URLs themselves, or a function that signs fresh ones (called again shortly before they expire). */
export type PushedUrlsInput = PushedUrls | ((signal: AbortSignal | undefined) => PushedUrls | Promise<PushedUrls>);

/**
 * Follows a push-url job through the caller's own presigned GETs (no API). Fixed URLs
 * that expire end the tail with ExpiredUrlError (resume with fresh ones from its offset);
 * a signing function is simply called again.
 */
export function createPushedSource(input: PushedUrlsInput, policy: PollPolicy, now: () => number = Date.now): UrlSource {
  return {
    async resolve(offset, signal) {
      const urls = typeof input === 'function' ? await input(signal) : input;
      checkPushedUrls(urls);
      const expiry = findUrlExpiry(urls.logUrl);
      if (typeof input !== 'function' && expiry !== undefined && now() >= expiry) {
        throw new ExpiredUrlError(offset, `The presigned log URL expired at ${new Date(expiry).toISOString()}; resume with fresh URLs from offset ${offset}`);
      }
      return {
        logUrl: urls.logUrl,
        sizeUrl: urls.sizeUrl,
        exitUrl: urls.exitUrl,
        // Fixed URLs are used until they expire; a signer is asked shortly before.
        refreshAt: typeof input === 'function' ? computeRefreshAt(expiry, now(), policy) : (expiry ?? Number.POSITIVE_INFINITY),
        askWhenIdle: false,
      };
    },
  };
}

function checkPushedUrls(urls: PushedUrls): void {
  for (const key of ['logUrl', 'sizeUrl', 'exitUrl'] as const) {
    const value: unknown = urls?.[key];
    if (typeof value !== 'string' || !/^https?:\/\//.test(value)) {
      throw new ValidationError(`Expected ${key} to be an http(s) presigned GET URL, got ${value === undefined ? 'nothing' : `\`${String(value).slice(0, 80)}\``}`);
    }
  }
}
