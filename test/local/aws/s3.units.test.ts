import { describe, expect, it } from 'vitest';
import { checksumBase64 } from '../../../local/aws/s3/checksums.js';
import { findCorsRule, matchesWildcard, type CorsRule } from '../../../local/aws/s3/cors.js';
import { resolveRange } from '../../../local/aws/s3/http.js';
import { successorOf } from '../../../local/aws/s3/listing.js';
import { explainInvalidBucketName, validateKey } from '../../../local/aws/s3/names.js';
import { readTarget } from '../../../local/aws/s3/target.js';

describe('S3 building blocks', () => {
  it('computes CRC32, CRC32C and CRC64/NVME check values', () => {
    const check = Buffer.from('123456789');
    expect(Buffer.from(checksumBase64('crc32', check), 'base64').toString('hex')).toBe('cbf43926');
    expect(Buffer.from(checksumBase64('crc32c', check), 'base64').toString('hex')).toBe('e3069283');
    expect(Buffer.from(checksumBase64('crc64nvme', check), 'base64').toString('hex')).toBe('ae8b14860a799888');
  });

  it('resolves ranges as S3 does', () => {
    expect(resolveRange(undefined, 10)).toBeUndefined();
    expect(resolveRange('bytes=2-', 10)).toEqual({ start: 2, end: 9 });
    expect(resolveRange('bytes=2-4', 10)).toEqual({ start: 2, end: 4 });
    expect(resolveRange('bytes=-4', 10)).toEqual({ start: 6, end: 9 });
    expect(resolveRange('bytes=5-2', 10)).toBeUndefined();
    expect(resolveRange('bytes=0-1,3-4', 10)).toBeUndefined();
    expect(() => resolveRange('bytes=10-', 10)).toThrow('not satisfiable');
    expect(() => resolveRange('bytes=0-', 0)).toThrow('not satisfiable');
    expect(() => resolveRange('bytes=-0', 10)).toThrow('not satisfiable');
  });

  it('finds the successor of a prefix in code point order', () => {
    expect(successorOf('abc')).toBe('abd');
    expect(successorOf('a/')).toBe('a0');
    expect(successorOf('\u{10FFFF}')).toBeUndefined();
    expect(successorOf('a\u{10FFFF}')).toBe('b');
    expect(successorOf('\uD7FF')).toBe('\uE000');
    const next = successorOf('é') ?? '';
    expect(Buffer.compare(Buffer.from('é\u{10FFFF}'), Buffer.from(next))).toBeLessThan(0);
  });

  it('matches CORS origins with one wildcard and picks the first matching rule', () => {
    expect(matchesWildcard('https://*.example.com', 'https://app.example.com')).toBe(true);
    expect(matchesWildcard('https://*.example.com', 'https://example.com')).toBe(false);
    expect(matchesWildcard('*', 'anything')).toBe(true);
    const rules: CorsRule[] = [
      { allowedOrigins: ['https://a.test'], allowedMethods: ['GET'], allowedHeaders: [], exposeHeaders: [] },
      { allowedOrigins: ['*'], allowedMethods: ['GET', 'PUT'], allowedHeaders: ['x-amz-*'], exposeHeaders: [] },
    ];
    expect(findCorsRule(rules, 'https://a.test', 'GET')).toBe(rules[0]);
    expect(findCorsRule(rules, 'https://a.test', 'GET', ['x-amz-date'])).toBe(rules[1]);
    expect(findCorsRule(rules, 'https://b.test', 'DELETE')).toBeUndefined();
  });

  it('explains why a bucket name is invalid and accepts valid ones', () => {
    expect(explainInvalidBucketName('my-bucket.logs')).toBeUndefined();
    expect(explainInvalidBucketName('10.0.0.1')).toContain('IP address');
    expect(explainInvalidBucketName('bucket-s3alias')).toContain('-s3alias');
  });

  it('validates keys by UTF-8 length and control characters', () => {
    expect(() => validateKey('€'.repeat(341))).not.toThrow();
    expect(() => validateKey('€'.repeat(342))).toThrow('at most 1024 bytes, got 1026');
    expect(() => validateKey('tab\there')).toThrow('U+0009');
    expect(() => validateKey('')).toThrow('non-empty');
  });

  it('reads path-style and virtual-hosted-style addresses', () => {
    expect(readTarget('127.0.0.1:4566', '/bucket/a%20b/c')).toEqual({ bucket: 'bucket', key: 'a b/c', virtualHost: false });
    expect(readTarget('localhost:4566', '/bucket')).toEqual({ bucket: 'bucket', key: '', virtualHost: false });
    expect(readTarget('bucket.localhost:4566', '/k/%2F')).toEqual({ bucket: 'bucket', key: 'k//', virtualHost: true });
    expect(readTarget('my.bucket.s3.localhost:4566', '/')).toEqual({ bucket: 'my.bucket', key: '', virtualHost: true });
    expect(readTarget('s3.localhost:4566', '/b/k')).toEqual({ bucket: 'b', key: 'k', virtualHost: false });
    expect(() => readTarget('localhost', '/b/%E0%A4%A')).toThrow('percent-encoded');
  });
});
