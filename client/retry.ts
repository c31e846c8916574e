import { retry, retryDelayMs, type RetryPolicy } from '../protocol/index.js';
import { abortReason, sleep, throwIfAborted } from './abort.js';
import { NetworkError } from './errors.js';
import type { FetchFunction } from './options.js';

/** The delay before retry number `attempt` (0-based): the shared policy's full jitter under an exponential ceiling. */
export function computeRetryDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  return retryDelayMs(policy, attempt + 1, random);
}

/** Whether a status is worth retrying: 5xx only (4xx are the caller's to fix). */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 && status <= 599;
}

/**
 * Fetches with retries (protocol/retry.ts) on network errors and 5xx answers. Returns the
 * last answer as is (a 5xx after the last retry too, for the caller to turn into its own
 * error); throws NetworkError when the last attempt could not connect, and the abort reason
 * on abort. `describe` names the target in messages without leaking a presigned URL's signature.
 */
export async function fetchWithRetry(
  fetch: FetchFunction,
  url: string,
  init: RequestInit,
  policy: RetryPolicy,
  describe: string,
): Promise<Response> {
  const signal = init.signal ?? undefined;
  let attempts = 0;
  try {
    return await retry(
      async (attempt) => {
        attempts = attempt;
        throwIfAborted(signal);
        return fetch(url, init);
      },
      policy,
      {
        isRetryable: () => !signal?.aborted,
        isRetryableResult: (response) => isRetryableStatus(response.status),
        onRetry: async ({ value }) => {
          if (value) await discardBody(value);
        },
        wait: (ms) => sleep(ms, signal),
      },
    );
  } catch (error) {
    if (signal?.aborted) throw abortReason(signal);
    throw new NetworkError(`Could not reach ${describe} after ${attempts} attempts: ${describeFetchError(error)}`, {
      cause: error,
      code: findErrorCode(error),
    });
  }
}

/** A fetch failure in a few words: its message and the underlying code (e.g. `fetch failed (ECONNREFUSED)`). */
function describeFetchError(error: unknown): string {
  const message = String((error as Error)?.message ?? error);
  const code = findErrorCode(error);
  return code !== undefined && !message.includes(code) ? `${message} (${code})` : message;
}

/** The system error code under a fetch failure (Node's fetch puts it in `cause`, sometimes a level deeper). */
function findErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Reads and drops a body so that the connection can be reused. */
export async function discardBody(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // A body that cannot be cancelled is already closed; nothing to free.
  }
}
