import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4, getSigningKey } from '@smithy/signature-v4';
import type { HeaderBag, HttpRequest, QueryParameterBag } from '@smithy/types';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const MAX_PRESIGNED_TTL_SECONDS = 7 * 24 * 3600;
const Sha256 = Hash.bind(null, 'sha256');

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** What a request claims about its signature, read from the Authorization header or presigned query. */
export interface SigV4Claim {
  kind: 'header' | 'query';
  accessKeyId: string;
  /** Scope date, YYYYMMDD. */
  scopeDate: string;
  region: string;
  service: string;
  /** Signing time, YYYYMMDDTHHMMSSZ. */
  amzDate: string;
  signedHeaders: string[];
  signature: string;
  /** Presigned URLs only: validity in seconds from amzDate. */
  expiresSeconds?: number;
}

export type AuthFailureKind =
  | 'missing'
  | 'malformed'
  | 'unsupported-algorithm'
  | 'unknown-key'
  | 'skewed'
  | 'expired'
  | 'not-yet-valid'
  | 'mismatch'
  /** Temporary credentials with a session token that is not theirs. */
  | 'invalid-token'
  /** Temporary credentials whose session has ended. */
  | 'expired-token';

/** A request that failed authentication; each service renders it in its own error format. */
export class AuthError extends Error {
  constructor(
    readonly kind: AuthFailureKind,
    message: string,
    /** The session token the request carried, for the token errors (S3 echoes it as `Token-0`). */
    readonly token?: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/** The parts of an HTTP request that its signature covers. */
export interface SignedRequestParts {
  method: string;
  /** Path exactly as received (still percent-encoded), without the query. */
  rawPath: string;
  query: QueryParameterBag;
  headers: IncomingHttpHeaders;
}

/** Parses a raw query string without treating '+' as a space (SigV4 clients encode spaces as %20). */
export function parseQuery(rawQuery: string): QueryParameterBag {
  const query: QueryParameterBag = {};
  if (rawQuery === '') return query;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeQueryComponent(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? '' : decodeQueryComponent(part.slice(eq + 1));
    const existing = query[key];
    if (existing === undefined || existing === null) query[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[key] = [existing, value];
  }
  return query;
}

function decodeQueryComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new AuthError('malformed', `Expected a percent-encoded query string, got \`${text.slice(0, 100)}\``);
  }
}

/** Returns the first value of a query parameter, matching its name case-insensitively. */
export function queryValue(query: QueryParameterBag, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const key of Object.keys(query)) {
    if (key.toLowerCase() !== lower) continue;
    const value = query[key];
    if (Array.isArray(value)) return value[0];
    return value ?? undefined;
  }
  return undefined;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

const AUTH_HEADER_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-fA-F]+)\s*$/;

/** Reads the signature claim from a request, or returns null when the request carries none. */
export function readClaim(headers: IncomingHttpHeaders, query: QueryParameterBag): SigV4Claim | null {
  const authorization = headerValue(headers, 'authorization');
  if (authorization !== undefined) return readHeaderClaim(authorization, headers);
  if (queryValue(query, 'X-Amz-Credential') !== undefined || queryValue(query, 'X-Amz-Signature') !== undefined) {
    return readQueryClaim(query);
  }
  return null;
}

function readHeaderClaim(authorization: string, headers: IncomingHttpHeaders): SigV4Claim {
  if (!authorization.startsWith(ALGORITHM)) {
    throw new AuthError(
      'unsupported-algorithm',
      `Expected an Authorization header using ${ALGORITHM}, got \`${authorization.split(' ')[0] ?? ''}\``,
    );
  }
  const match = AUTH_HEADER_PATTERN.exec(authorization);
  if (!match) {
    throw new AuthError(
      'malformed',
      'Expected an Authorization header of the form `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`',
    );
  }
  const amzDate = headerValue(headers, 'x-amz-date');
  if (amzDate === undefined) throw new AuthError('malformed', 'Expected an X-Amz-Date header on a signed request');
  return buildClaim('header', match[1] ?? '', match[2] ?? '', match[3] ?? '', amzDate);
}

function readQueryClaim(query: QueryParameterBag): SigV4Claim {
  const algorithm = queryValue(query, 'X-Amz-Algorithm');
  if (algorithm !== ALGORITHM) {
    throw new AuthError('unsupported-algorithm', `Expected X-Amz-Algorithm=${ALGORITHM}, got \`${algorithm ?? ''}\``);
  }
  const required = ['X-Amz-Credential', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Expires'];
  const missing = required.filter((name) => queryValue(query, name) === undefined);
  if (missing.length > 0) {
    throw new AuthError('malformed', `Expected the presigned query parameters ${missing.join(', ')}`);
  }
  const claim = buildClaim(
    'query',
    queryValue(query, 'X-Amz-Credential') ?? '',
    queryValue(query, 'X-Amz-SignedHeaders') ?? '',
    queryValue(query, 'X-Amz-Signature') ?? '',
    queryValue(query, 'X-Amz-Date') ?? '',
  );
  const expiresText = queryValue(query, 'X-Amz-Expires') ?? '';
  const expires = Number(expiresText);
  if (!/^\d+$/.test(expiresText) || expires < 1 || expires > MAX_PRESIGNED_TTL_SECONDS) {
    throw new AuthError(
      'malformed',
      `Expected X-Amz-Expires to be an integer from 1 to ${MAX_PRESIGNED_TTL_SECONDS}, got \`${expiresText}\``,
    );
  }
  return { ...claim, expiresSeconds: expires };
}

function buildClaim(
  kind: SigV4Claim['kind'],
  credential: string,
  signedHeaders: string,
  signature: string,
  amzDate: string,
): SigV4Claim {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || parts.some((p) => p === '')) {
    throw new AuthError(
      'malformed',
      `Expected a credential of the form ACCESS_KEY/YYYYMMDD/REGION/SERVICE/aws4_request, got \`${credential}\``,
    );
  }
  const [accessKeyId = '', scopeDate = '', region = '', service = ''] = parts;
  if (!/^\d{8}T\d{6}Z$/.test(amzDate)) {
    throw new AuthError('malformed', `Expected X-Amz-Date in the form YYYYMMDDTHHMMSSZ, got \`${amzDate}\``);
  }
  if (!amzDate.startsWith(scopeDate)) {
    throw new AuthError(
      'malformed',
      `Expected the credential scope date ${amzDate.slice(0, 8)} (from X-Amz-Date), got ${scopeDate}`,
    );
  }
  if (!/^[0-9a-f]{64}$/i.test(signature)) {
    throw new AuthError('malformed', 'Expected a signature of 64 hexadecimal characters');
  }
  return {
    kind,
    accessKeyId,
    scopeDate,
    region,
    service,
    amzDate,
    signedHeaders: signedHeaders.toLowerCase().split(';'),
    signature: signature.toLowerCase(),
  };
}

/** Parses an X-Amz-Date value (YYYYMMDDTHHMMSSZ) into epoch milliseconds. */
export function parseAmzDate(amzDate: string): number {
  const iso = `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new AuthError('malformed', `Expected a valid X-Amz-Date, got \`${amzDate}\``);
  return ms;
}

/** Checks the signing time of a claim against the clock: skew for header signatures, expiry for presigned URLs. */
export function checkClaimTime(claim: SigV4Claim, nowMs: number, maxSkewMs: number): void {
  const signedAt = parseAmzDate(claim.amzDate);
  if (claim.kind === 'query') {
    if (signedAt - nowMs > maxSkewMs) throw new AuthError('not-yet-valid', 'Request is not valid yet');
    const expiresAt = signedAt + (claim.expiresSeconds ?? 0) * 1000;
    if (nowMs > expiresAt) throw new AuthError('expired', 'Request has expired');
    return;
  }
  if (Math.abs(nowMs - signedAt) > maxSkewMs) {
    throw new AuthError(
      'skewed',
      `The difference between the request time (${claim.amzDate}) and the server time is too large`,
    );
  }
}

/**
 * Recomputes a request's canonical request with @smithy/signature-v4's own code (path
 * escaping, query and header canonicalization), so the verifier and the clients can never
 * disagree on the algorithm. The string to sign around it is a fixed four-line format,
 * hashed here with node:crypto synchronously: the library's `createStringToSign` is async
 * and goes through its Hash wrapper, which cost more than the rest of the check.
 */
class CanonicalSigner extends SignatureV4 {
  constructor(uriEscapePath: boolean) {
    super({
      service: 'unused',
      region: 'unused',
      credentials: { accessKeyId: '', secretAccessKey: '' },
      sha256: Sha256,
      uriEscapePath,
      applyChecksum: false,
    });
  }

  computeSignature(request: HttpRequest, canonicalHeaders: HeaderBag, payloadHash: string, claim: SigV4Claim, signingKey: Uint8Array): string {
    const canonicalRequest = this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    const stringToSign = `${ALGORITHM}\n${claim.amzDate}\n${scopeOf(claim)}\n${sha256Hex(canonicalRequest)}`;
    return hmacHex(signingKey, stringToSign);
  }
}

const s3Signer = new CanonicalSigner(false);
const defaultSigner = new CanonicalSigner(true);

/** The credential scope string of a claim. */
export function scopeOf(claim: SigV4Claim): string {
  return `${claim.scopeDate}/${claim.region}/${claim.service}/aws4_request`;
}

/** Derived signing keys, and the derivations still running (the library's derivation is async). */
const signingKeys = new Map<string, Uint8Array>();
const derivingKeys = new Map<string, Promise<Uint8Array>>();
const MAX_SIGNING_KEYS = 256;

function signingKeyCacheKey(claim: SigV4Claim, credentials: Credentials): string {
  return `${credentials.accessKeyId}\n${credentials.secretAccessKey}\n${claim.scopeDate}\n${claim.region}\n${claim.service}`;
}

/**
 * Derives the signing key for a claim with @smithy/signature-v4's derivation, cached per
 * key pair, day, region and service (the library's own cache still hashes the secret on
 * every lookup; this one makes a hit a Map read, without waiting for a promise).
 */
export async function deriveSigningKey(claim: SigV4Claim, credentials: Credentials): Promise<Uint8Array> {
  const cacheKey = signingKeyCacheKey(claim, credentials);
  const cached = signingKeys.get(cacheKey);
  if (cached !== undefined) return cached;
  let deriving = derivingKeys.get(cacheKey);
  if (deriving === undefined) {
    deriving = getSigningKey(Sha256, credentials, claim.scopeDate, claim.region, claim.service);
    derivingKeys.set(cacheKey, deriving);
  }
  try {
    const key = await deriving;
    if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.clear();
    signingKeys.set(cacheKey, key);
    return key;
  } finally {
    derivingKeys.delete(cacheKey);
  }
}

/** HMAC-SHA256 of a string with a key, as lowercase hex. */
export function hmacHex(key: Uint8Array, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('hex');
}

/** SHA-256 of bytes as lowercase hex (one-shot `crypto.hash`: no Hash object per call). */
export function sha256Hex(data: Uint8Array | string): string {
  return hash('sha256', data, 'hex');
}

/** Characters that make a header value differ from its canonical form (SigV4 trims and folds whitespace). */
const NON_CANONICAL_VALUE = /[\r\n\t]| {2}|^ | $/;

function canonicalHeadersOf(claim: SigV4Claim, headers: IncomingHttpHeaders): HeaderBag {
  const canonical: HeaderBag = {};
  for (const name of claim.signedHeaders) {
    const value = headerValue(headers, name);
    if (value === undefined) {
      throw new AuthError('mismatch', `The request lists ${name} as a signed header but does not send it`);
    }
    canonical[name] = NON_CANONICAL_VALUE.test(value)
      ? value
          .replace(/[\r\n]/g, ' ')
          .replace(/[ \t]+/g, ' ')
          .replace(/^ | $/g, '')
      : value;
  }
  if (!('host' in canonical)) throw new AuthError('malformed', 'Expected the host header to be signed');
  return canonical;
}

/**
 * Verifies a request's signature. `payloadHash` is what the canonical request carries as
 * its last line: the x-amz-content-sha256 value for S3, the body's SHA-256 otherwise,
 * UNSIGNED-PAYLOAD for presigned URLs. Returns the signing key (for aws-chunked chunk
 * signatures). Throws AuthError('mismatch') when the signature is wrong.
 */
export async function verifySignature(
  claim: SigV4Claim,
  parts: SignedRequestParts,
  payloadHash: string,
  credentials: Credentials,
): Promise<Uint8Array> {
  const signer = claim.service === 's3' ? s3Signer : defaultSigner;
  const signingKey = signingKeys.get(signingKeyCacheKey(claim, credentials)) ?? (await deriveSigningKey(claim, credentials));
  // The canonical query leaves X-Amz-Signature out by itself (smithy's getCanonicalQuery).
  const request: HttpRequest = {
    method: parts.method,
    protocol: 'http:',
    hostname: '',
    path: parts.rawPath,
    query: parts.query,
    headers: {},
  };
  const expected = signer.computeSignature(request, canonicalHeadersOf(claim, parts.headers), payloadHash, claim, signingKey);
  if (!safeEqualHex(expected, claim.signature)) {
    throw new AuthError(
      'mismatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
  return signingKey;
}

/** Compares two signatures in constant time. */
export function safeEqualHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
