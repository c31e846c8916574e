import { S3Error } from './errors.js';

/** Which bucket and key a request addresses; either may be empty (service or bucket level). */
export interface Target {
  bucket: string;
  key: string;
  /** True when the bucket came from the Host header (virtual-hosted-style). */
  virtualHost: boolean;
}

const LOCAL_SUFFIXES = ['.s3.localhost', '.localhost'];

/** Returns the bucket named by a virtual-hosted-style Host (`bucket.localhost:PORT`, `bucket.s3.localhost`), if any. */
export function readHostBucket(host: string): string | undefined {
  const name = stripPort(host);
  for (const suffix of LOCAL_SUFFIXES) {
    if (name.endsWith(suffix) && name.length > suffix.length) {
      const bucket = name.slice(0, -suffix.length);
      return bucket === 's3' ? undefined : bucket;
    }
  }
  return undefined;
}

function stripPort(host: string): string {
  if (host.startsWith('[')) return host;
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/** Reads the bucket and key from the Host header and the still-encoded path. */
export function readTarget(host: string, rawPath: string): Target {
  const hostBucket = readHostBucket(host);
  if (!rawPath.startsWith('/')) throw invalidUri(rawPath);
  if (hostBucket !== undefined) return { bucket: hostBucket, key: decodePath(rawPath.slice(1)), virtualHost: true };
  const slash = rawPath.indexOf('/', 1);
  if (slash === -1) return { bucket: decodePath(rawPath.slice(1)), key: '', virtualHost: false };
  return { bucket: decodePath(rawPath.slice(1, slash)), key: decodePath(rawPath.slice(slash + 1)), virtualHost: false };
}

/** Like readTarget, but never throws: for rendering errors (CORS headers) about a request that may be malformed. */
export function tryReadTarget(host: string, rawPath: string): Target | undefined {
  try {
    return readTarget(host, rawPath);
  } catch {
    return undefined;
  }
}

function decodePath(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch (error) {
    throw invalidUri(text, error);
  }
}

function invalidUri(text: string, cause?: unknown): S3Error {
  return new S3Error(400, 'InvalidURI', `Couldn't parse the specified URI: expected valid percent-encoded UTF-8, got \`${text.slice(0, 200)}\``, {}, { cause });
}
