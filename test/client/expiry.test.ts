import { describe, expect, it } from 'vitest';
import { computeRefreshAt, findUrlExpiry } from '../../client/expiry.js';
import { PollPolicy } from '../../client/options.js';
import { parseContentRangeStart, redactUrl } from '../../client/objects.js';

describe('findUrlExpiry', () => {
  it('prefers the API expires-at', () => {
    expect(findUrlExpiry('https://b/k?X-Amz-Date=20240101T000000Z&X-Amz-Expires=60', 42)).toBe(42);
  });

  it('adds X-Amz-Expires seconds to X-Amz-Date', () => {
    expect(findUrlExpiry('https://b/k?X-Amz-Date=20240102T030405Z&X-Amz-Expires=900&X-Amz-Signature=x')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5) + 900_000);
  });

  it('returns undefined for a URL without a recognisable expiry', () => {
    expect(findUrlExpiry('https://b/k')).toBeUndefined();
    expect(findUrlExpiry('https://b/k?X-Amz-Date=yesterday&X-Amz-Expires=60')).toBeUndefined();
    expect(findUrlExpiry('not a url')).toBeUndefined();
  });
});

describe('computeRefreshAt', () => {
  const policy = PollPolicy.parse({ refreshMarginMs: 30_000, unknownExpiryMaxAgeMs: 60_000 });

  it('renews a margin before expiry, at most a quarter of the remaining lifetime', () => {
    expect(computeRefreshAt(1_000_000 + 900_000, 1_000_000, policy)).toBe(1_000_000 + 870_000);
    expect(computeRefreshAt(1_000_000 + 8_000, 1_000_000, policy)).toBe(1_000_000 + 6_000);
  });

  it('renews after the max age when the expiry is unknown', () => {
    expect(computeRefreshAt(undefined, 5, policy)).toBe(60_005);
  });
});

describe('object helpers', () => {
  it('reads the start of a Content-Range', () => {
    expect(parseContentRangeStart('bytes 10-19/20')).toBe(10);
    expect(parseContentRangeStart('bytes 0-0/*')).toBe(0);
    expect(parseContentRangeStart('bytes */20')).toBeUndefined();
    expect(parseContentRangeStart(null)).toBeUndefined();
  });

  it('drops the signature of a presigned URL from messages', () => {
    expect(redactUrl('https://b.s3/k/log.txt?X-Amz-Signature=secret')).toBe('https://b.s3/k/log.txt?…');
  });
});
