import { createHash, type Hash } from 'node:crypto';
import { EMPTY_SHA256, hmacHex, safeEqualHex, sha256Hex } from '../sigv4.js';
import { S3Error } from './errors.js';

/** What is needed to verify aws-chunked chunk signatures (STREAMING-AWS4-HMAC-SHA256-PAYLOAD*). */
export interface ChunkSigning {
  signingKey: Uint8Array;
  amzDate: string;
  scope: string;
  /** The request's own (seed) signature. */
  seedSignature: string;
}

/** How to decode one aws-chunked body. */
export interface AwsChunkedOptions {
  /** Set for signed streaming payloads; every chunk then carries a chunk-signature. */
  signing?: ChunkSigning;
  /** Whether the trailer section must end with x-amz-trailer-signature (signed *-TRAILER payloads). */
  signedTrailer: boolean;
  /** Receives the trailing headers (lowercase name → value) once the body is complete. */
  trailers: Map<string, string>;
}

const MAX_LINE_BYTES = 8 * 1024;
const EMPTY = Buffer.alloc(0);
const CHUNK_HEADER = /^([0-9a-fA-F]{1,16})(?:;chunk-signature=([0-9a-f]{64}))?$/;

type State = 'header' | 'data' | 'data-end' | 'trailer' | 'done';

/**
 * Decodes an aws-chunked body (`SIZE[;chunk-signature=SIG]\r\nDATA\r\n … 0…\r\nTRAILERS\r\n`),
 * yielding the payload bytes as they arrive and verifying chunk and trailer signatures.
 * Hand-written because no maintained npm package decodes aws-chunked on the server side.
 */
export async function* decodeAwsChunked(source: AsyncIterable<Buffer>, options: AwsChunkedOptions): AsyncGenerator<Buffer> {
  const { signing } = options;
  let state = 'header' as State;
  let carry = EMPTY;
  let remaining = 0;
  let chunkHash: Hash | undefined;
  let chunkSignature = '';
  let previousSignature = signing?.seedSignature ?? '';
  let trailerSignature: string | undefined;
  let canonicalTrailers = '';

  const verifyChunk = (payloadHash: string): void => {
    if (!signing) return;
    const stringToSign = ['AWS4-HMAC-SHA256-PAYLOAD', signing.amzDate, signing.scope, previousSignature, EMPTY_SHA256, payloadHash].join('\n');
    checkSignature(signing, stringToSign, chunkSignature, 'chunk signature', 'chunk-signature');
    previousSignature = chunkSignature;
  };

  const handleLine = (line: string): void => {
    switch (state) {
      case 'header': {
        const match = CHUNK_HEADER.exec(line);
        if (!match) throw framingError(`expected a chunk header \`HEX-SIZE${signing ? ';chunk-signature=SIG' : ''}\`, got \`${line.slice(0, 100)}\``);
        if (signing && match[2] === undefined) throw framingError('expected a chunk-signature on every chunk of a signed streaming payload');
        chunkSignature = match[2] ?? '';
        remaining = Number.parseInt(match[1] ?? '0', 16);
        if (remaining === 0) {
          verifyChunk(EMPTY_SHA256);
          state = 'trailer';
        } else {
          chunkHash = signing ? createHash('sha256') : undefined;
          state = 'data';
        }
        return;
      }
      case 'data-end':
        if (line !== '') throw framingError('expected CRLF after the chunk data');
        verifyChunk(chunkHash ? chunkHash.digest('hex') : '');
        state = 'header';
        return;
      case 'trailer': {
        if (line === '') {
          state = 'done';
          return;
        }
        const colon = line.indexOf(':');
        if (colon <= 0) throw new S3Error(400, 'MalformedTrailerError', `Expected a trailing header \`name:value\`, got \`${line.slice(0, 100)}\``);
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (name === 'x-amz-trailer-signature') trailerSignature = value;
        else {
          options.trailers.set(name, value);
          canonicalTrailers += `${name}:${value}\n`;
        }
        return;
      }
      default:
        throw framingError('expected nothing after the final chunk and its trailers');
    }
  };

  for await (const input of source) {
    let pos = 0;
    while (pos < input.length) {
      if (state === 'data') {
        const n = Math.min(remaining, input.length - pos);
        const slice = input.subarray(pos, pos + n);
        chunkHash?.update(slice);
        pos += n;
        remaining -= n;
        if (remaining === 0) state = 'data-end';
        yield slice;
        continue;
      }
      if (state === 'done') throw framingError('expected nothing after the final chunk and its trailers');
      const newline = input.indexOf(0x0a, pos);
      if (newline === -1) {
        carry = carry.length === 0 ? Buffer.from(input.subarray(pos)) : Buffer.concat([carry, input.subarray(pos)]);
        if (carry.length > MAX_LINE_BYTES) throw framingError(`expected a chunk header line of at most ${MAX_LINE_BYTES} bytes`);
        break;
      }
      const line = carry.length === 0 ? input.subarray(pos, newline + 1) : Buffer.concat([carry, input.subarray(pos, newline + 1)]);
      carry = EMPTY;
      pos = newline + 1;
      if (line.length < 2 || line[line.length - 2] !== 0x0d) throw framingError('expected lines ending in CRLF');
      handleLine(line.toString('latin1', 0, line.length - 2));
    }
  }
  if (state !== 'done') {
    throw new S3Error(400, 'IncompleteBody', 'The aws-chunked body ended before its final chunk and trailers');
  }
  if (options.signedTrailer && signing) {
    if (trailerSignature === undefined) throw framingError('expected an x-amz-trailer-signature after the trailing headers');
    const stringToSign = ['AWS4-HMAC-SHA256-TRAILER', signing.amzDate, signing.scope, previousSignature, sha256Hex(canonicalTrailers)].join('\n');
    checkSignature(signing, stringToSign, trailerSignature, 'trailer signature', 'x-amz-trailer-signature');
  }
}

/** Throws 403 SignatureDoesNotMatch unless `given` is the signature of `stringToSign` (compared in constant time). */
function checkSignature(signing: ChunkSigning, stringToSign: string, given: string, what: string, field: string): void {
  if (!safeEqualHex(hmacHex(signing.signingKey, stringToSign), given)) {
    throw new S3Error(403, 'SignatureDoesNotMatch', `The ${what} we calculated does not match the ${field} you provided`);
  }
}

function framingError(detail: string): S3Error {
  return new S3Error(400, 'InvalidRequest', `Malformed aws-chunked body: ${detail}`);
}
