import type { PollPolicy } from './options.js';

/**
 * When a presigned URL expires, epoch ms: from the API's `expires-at` when given, else
 * from the URL's own X-Amz-Date + X-Amz-Expires (SigV4 query signing); undefined if neither.
 */
export function findUrlExpiry(url: string, expiresAt?: number): number | undefined {
  if (expiresAt !== undefined) return expiresAt;
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return undefined;
  }
  const date = params.get('X-Amz-Date');
  const seconds = params.get('X-Amz-Expires');
  if (date === null || seconds === null || !/^\d+$/.test(seconds)) return undefined;
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(year, month - 1, day, hour, minute, second) + Number(seconds) * 1000;
}

/**
 * When to stop reusing a URL and ask for a new one: shortly before it expires (the
 * policy's margin, at most a quarter of the remaining lifetime), or after the policy's
 * max age when the expiry is unknown.
 */
export function computeRefreshAt(expiry: number | undefined, now: number, policy: PollPolicy): number {
  if (expiry === undefined) return now + policy.unknownExpiryMaxAgeMs;
  const lifetime = Math.max(0, expiry - now);
  return expiry - Math.min(policy.refreshMarginMs, lifetime / 4);
}
