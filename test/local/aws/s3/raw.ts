import { createHash, createHmac } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { QueryParameterBag } from '@smithy/types';
import type { Credentials } from '../../../../local/aws/sigv4.js';
import { REGION } from './endpoint.js';

/** A whole HTTP answer. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** One HTTP request, sent byte for byte as described. */
export interface RawRequest {
  port: number;
  method: string;
  /** Percent-encoded path, e.g. /bucket/key. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Host header; defaults to 127.0.0.1:PORT. */
  host?: string;
}

function queryString(query: Record<string, string> = {}): string {
  const parts = Object.entries(query).map(([k, v]) => (v === '' ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`));
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** Sends one HTTP request exactly as given (Host header included) and reads the whole answer. */
export function sendRaw(req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body = req.body === undefined ? undefined : Buffer.from(req.body);
    const headers: Record<string, string> = { host: req.host ?? `127.0.0.1:${req.port}`, ...req.headers };
    if (body && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) headers['content-length'] = String(body.length);
    const outgoing = httpRequest({ host: '127.0.0.1', port: req.port, method: req.method, path: `${req.path}${queryString(req.query)}`, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const all = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: all, text: all.toString('utf8') });
      });
      res.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Signs a request with SigV4 (header signature) as an S3 client would, then sends it. */
export async function sendSigned(
  credentials: Credentials,
  req: RawRequest & { payloadHash?: string; signingDate?: Date },
): Promise<RawResponse> {
  const body = req.body === undefined ? Buffer.alloc(0) : Buffer.from(req.body);
  const payloadHash = req.payloadHash ?? createHash('sha256').update(body).digest('hex');
  const signed = await signHeaders(credentials, { ...req, payloadHash });
  return sendRaw({ ...req, headers: signed });
}

/** The signed headers (incl. authorization) of a request. */
export async function signHeaders(
  credentials: Credentials,
  req: RawRequest & { payloadHash: string; signingDate?: Date },
): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: 's3', region: REGION, credentials, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false, applyChecksum: false });
  const query: QueryParameterBag = { ...req.query };
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: req.port,
      path: req.path,
      query,
      headers: { host: req.host ?? `127.0.0.1:${req.port}`, 'x-amz-content-sha256': req.payloadHash, ...req.headers },
    },
    req.signingDate ? { signingDate: req.signingDate } : {},
  );
  return signed.headers as Record<string, string>;
}

/**
 * Frames a body as aws-chunked with chunk signatures (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]),
 * as the Java SDK and others do; the JS SDK never sends it, so tests build it here.
 */
export function frameSignedChunks(options: {
  signingKey: Buffer;
  amzDate: string;
  scope: string;
  seedSignature: string;
  chunks: Buffer[];
  trailer?: [string, string];
}): Buffer {
  const empty = createHash('sha256').update('').digest('hex');
  let previous = options.seedSignature;
  const parts: Buffer[] = [];
  for (const data of [...options.chunks, Buffer.alloc(0)]) {
    const hash = createHash('sha256').update(data).digest('hex');
    const toSign = ['AWS4-HMAC-SHA256-PAYLOAD', options.amzDate, options.scope, previous, empty, hash].join('\n');
    previous = createHmac('sha256', options.signingKey).update(toSign).digest('hex');
    parts.push(Buffer.from(`${data.length.toString(16)};chunk-signature=${previous}\r\n`), data);
    if (data.length > 0) parts.push(Buffer.from('\r\n'));
  }
  if (options.trailer) {
    const [name, value] = options.trailer;
    const trailerHash = createHash('sha256').update(`${name}:${value}\n`).digest('hex');
    const toSign = ['AWS4-HMAC-SHA256-TRAILER', options.amzDate, options.scope, previous, trailerHash].join('\n');
    const signature = createHmac('sha256', options.signingKey).update(toSign).digest('hex');
    parts.push(Buffer.from(`${name}:${value}\r\nx-amz-trailer-signature:${signature}\r\n`));
  }
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

/** Derives the SigV4 signing key of a date for S3 in the test region. */
export function deriveTestSigningKey(secret: string, date: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(REGION).digest();
  const kService = createHmac('sha256', kRegion).update('s3').digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}
