import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ServiceRequest } from '../service.js';
import { scopeOf, UNSIGNED_PAYLOAD } from '../sigv4.js';
import { CHECKSUM_ALGORITHMS, createChecksum, readChecksumAlgorithm, type Checksum, type ChecksumAlgorithm } from './checksums.js';
import { decodeAwsChunked } from './chunked.js';
import { S3Error } from './errors.js';
import { header } from './http.js';

/** What is known about a body once it has been read completely and verified. */
export interface PayloadResult {
  size: number;
  /** MD5 of the decoded bytes (the ETag of a simple object). */
  md5: Buffer;
  /** The flexible checksum the client sent (in a header or trailer) and that the bytes matched. */
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
}

/** A request body being decoded: iterate `chunks` to the end, then read `result()`. */
export interface Payload {
  readonly size: number;
  chunks: AsyncIterable<Buffer>;
  result(): PayloadResult;
}

/** Limits on reading one request body. */
export interface PayloadLimits {
  maxBytes: number;
  /** A body that sends nothing for this long fails with RequestTimeout. */
  idleTimeoutMs: number;
  /**
   * False when x-amz-checksum-* headers describe something else than the body (on
   * CompleteMultipartUpload they are the whole object's checksum).
   */
  checksumHeadersDescribeBody?: boolean;
}

const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/**
 * Opens a request body for streaming, whatever its framing: a plain body whose SHA-256 was
 * signed (verified while streaming), UNSIGNED-PAYLOAD, or aws-chunked (signed chunks or
 * unsigned with trailers). Content-MD5 and x-amz-checksum-* are verified at the end; any
 * failure throws from the iteration, so a caller writing the chunks to a temp file discards it.
 */
export function openPayload(request: ServiceRequest, limits: PayloadLimits): Payload {
  const { caller, headers } = request;
  if (!caller) throw new S3Error(403, 'AccessDenied', 'Expected a signed request to carry a body');
  const mode = caller.payloadHash;
  const streaming = mode.startsWith('STREAMING-');
  if (streaming && mode !== STREAMING_SIGNED && mode !== STREAMING_SIGNED_TRAILER && mode !== STREAMING_UNSIGNED_TRAILER) {
    throw new S3Error(501, 'NotImplemented', `The x-amz-content-sha256 value \`${mode}\` is not implemented by the local S3 endpoint`);
  }
  if (!streaming && mode !== UNSIGNED_PAYLOAD && !HEX_SHA256.test(mode)) {
    throw new S3Error(400, 'InvalidArgument', `Expected x-amz-content-sha256 to be a hex SHA-256, UNSIGNED-PAYLOAD or STREAMING-*, got \`${mode.slice(0, 100)}\``);
  }
  // aws-chunked bodies may come with Transfer-Encoding: chunked (the JS SDK sends them so);
  // their size is x-amz-decoded-content-length. Plain bodies need a Content-Length, as in S3.
  const contentLength = header(headers, 'content-length');
  if (!streaming && contentLength === undefined) {
    throw new S3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  const size = readSize(streaming ? header(headers, 'x-amz-decoded-content-length') : contentLength, streaming);
  if (size > limits.maxBytes) {
    throw new S3Error(400, 'EntityTooLarge', `Your proposed upload exceeds the maximum allowed size: expected at most ${limits.maxBytes} bytes, got ${size}`, {
      ProposedSize: String(size),
      MaxSizeAllowed: String(limits.maxBytes),
    });
  }
  const expectedMd5 = readContentMd5(headers);
  const checksumSpec = readChecksumSpec(headers, streaming, limits.checksumHeadersDescribeBody ?? true);
  const trailers = new Map<string, string>();
  const raw = readWithIdleTimeout(request.incoming, limits.idleTimeoutMs);
  const decoded = streaming
    ? decodeAwsChunked(raw, {
        signedTrailer: mode === STREAMING_SIGNED_TRAILER,
        trailers,
        ...(mode === STREAMING_UNSIGNED_TRAILER
          ? {}
          : { signing: { signingKey: caller.signingKey, amzDate: caller.claim.amzDate, scope: scopeOf(caller.claim), seedSignature: caller.claim.signature } }),
      })
    : raw;

  let result: PayloadResult | undefined;
  async function* verify(): AsyncGenerator<Buffer> {
    const md5 = createHash('md5');
    const sha256 = HEX_SHA256.test(mode) ? createHash('sha256') : undefined;
    const checksum: Checksum | undefined = checksumSpec ? createChecksum(checksumSpec.algorithm) : undefined;
    let received = 0;
    for await (const chunk of decoded) {
      received += chunk.length;
      if (received > size) throw incompleteBody(`expected ${size} bytes, got more`);
      md5.update(chunk);
      sha256?.update(chunk);
      checksum?.update(chunk);
      yield chunk;
    }
    if (received !== size) throw incompleteBody(`expected ${size} bytes, got ${received}`);
    if (sha256 && sha256.digest('hex') !== mode) {
      throw new S3Error(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    const digest = md5.digest();
    if (expectedMd5 && !expectedMd5.equals(digest)) {
      throw new S3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    let verified: PayloadResult['checksum'];
    if (checksumSpec && checksum) {
      const expected = checksumSpec.value ?? trailers.get(`x-amz-checksum-${checksumSpec.algorithm}`);
      if (expected === undefined) {
        throw new S3Error(400, 'MalformedTrailerError', `Expected the trailing header x-amz-checksum-${checksumSpec.algorithm} announced by x-amz-trailer`);
      }
      const actual = checksum.digest().toString('base64');
      if (actual !== expected) {
        throw new S3Error(400, 'BadDigest', `The ${checksumSpec.algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
      }
      verified = { algorithm: checksumSpec.algorithm, value: actual };
    }
    result = { size, md5: digest, ...(verified ? { checksum: verified } : {}) };
  }

  return {
    size,
    chunks: verify(),
    result() {
      if (!result) throw new Error('Expected the payload to be read completely before asking for its result');
      return result;
    },
  };
}

/** Reads a whole (small) body, verified, into memory: for XML request bodies. */
export async function readPayload(request: ServiceRequest, limits: PayloadLimits): Promise<Buffer> {
  const payload = openPayload(request, limits);
  const chunks: Buffer[] = [];
  for await (const chunk of payload.chunks) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function readSize(text: string | undefined, streaming: boolean): number {
  if (text === undefined) {
    throw new S3Error(411, 'MissingContentLength', 'Expected an x-amz-decoded-content-length header on an aws-chunked body');
  }
  if (!/^\d{1,16}$/.test(text)) {
    const name = streaming ? 'x-amz-decoded-content-length' : 'Content-Length';
    throw new S3Error(400, 'InvalidArgument', `Expected ${name} to be a non-negative integer, got \`${text.slice(0, 50)}\``);
  }
  return Number(text);
}

function readContentMd5(headers: ServiceRequest['headers']): Buffer | undefined {
  const value = header(headers, 'content-md5');
  if (value === undefined) return undefined;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 16 || bytes.toString('base64') !== value.trim()) {
    throw new S3Error(400, 'InvalidDigest', `Expected Content-MD5 to be the base64 of 16 bytes, got \`${value.slice(0, 50)}\``);
  }
  return bytes;
}

interface ChecksumSpec {
  algorithm: ChecksumAlgorithm;
  /** From a header; undefined when it comes as a trailer. */
  value?: string;
}

function readChecksumSpec(headers: ServiceRequest['headers'], streaming: boolean, fromHeaders: boolean): ChecksumSpec | undefined {
  const present = fromHeaders ? CHECKSUM_ALGORITHMS.filter((a) => headers[`x-amz-checksum-${a}`] !== undefined) : [];
  if (present.length > 1) throw new S3Error(400, 'InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const algorithm = present[0];
  if (algorithm !== undefined) return { algorithm, value: header(headers, `x-amz-checksum-${algorithm}`) ?? '' };
  const trailer = header(headers, 'x-amz-trailer');
  if (trailer === undefined) return undefined;
  if (!streaming) throw new S3Error(400, 'InvalidRequest', 'Expected x-amz-trailer only on an aws-chunked (STREAMING-*-TRAILER) body');
  const names = trailer.split(',').map((n) => n.trim().toLowerCase());
  const checksumNames = names.filter((n) => n.startsWith('x-amz-checksum-'));
  if (checksumNames.length > 1) throw new S3Error(400, 'InvalidRequest', 'Expecting a single x-amz-checksum- trailer.');
  const name = checksumNames[0];
  if (name === undefined) return undefined;
  const trailerAlgorithm = readChecksumAlgorithm(name.slice('x-amz-checksum-'.length));
  if (!trailerAlgorithm) throw new S3Error(400, 'InvalidRequest', `Expected a trailing checksum of ${CHECKSUM_ALGORITHMS.join(', ')}, got \`${name}\``);
  return { algorithm: trailerAlgorithm };
}

function incompleteBody(detail: string): S3Error {
  return new S3Error(400, 'IncompleteBody', `You did not provide the number of bytes specified by the Content-Length HTTP header: ${detail}`);
}

/**
 * Iterates a request body, failing with RequestTimeout when it stalls and with IncompleteBody
 * when the client goes away. The body stream is never destroyed here (that would close the
 * socket before the error answer is sent); the endpoint closes the connection after answering.
 */
async function* readWithIdleTimeout(incoming: IncomingMessage, idleTimeoutMs: number): AsyncGenerator<Buffer> {
  const iterator = (incoming as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new S3Error(400, 'RequestTimeout', `Your socket connection to the server was not read from or written to within the timeout period (${idleTimeoutMs} ms).`)),
        idleTimeoutMs,
      );
    });
    let next: IteratorResult<Buffer>;
    try {
      next = await Promise.race([iterator.next(), stalled]);
    } catch (error) {
      if (error instanceof S3Error) throw error;
      throw incompleteBody('the connection closed before the body was complete');
    } finally {
      clearTimeout(timer);
    }
    if (next.done) break;
    yield next.value;
  }
  if (!incoming.complete) throw incompleteBody('the connection closed before the body was complete');
}
