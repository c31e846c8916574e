import { describe, expect, it } from 'vitest';
import { decodeAwsChunked } from '../../../local/aws/s3/chunked.js';
import { S3Error } from '../../../local/aws/s3/errors.js';
import { deriveTestSigningKey, frameSignedChunks } from './s3/raw.js';

async function decode(pieces: Buffer[], options: Parameters<typeof decodeAwsChunked>[1]): Promise<Buffer> {
  async function* source() {
    yield* pieces;
  }
  const out: Buffer[] = [];
  for await (const chunk of decodeAwsChunked(source(), options)) out.push(chunk);
  return Buffer.concat(out);
}

function splitAt(data: Buffer, size: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) pieces.push(data.subarray(i, i + size));
  return pieces;
}

const UNSIGNED = Buffer.from('5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n');

describe('aws-chunked decoding', () => {
  it('decodes an unsigned body with trailers however the network splits it', async () => {
    for (const size of [1, 2, 3, 7, 1000]) {
      const trailers = new Map<string, string>();
      const body = await decode(splitAt(UNSIGNED, size), { signedTrailer: false, trailers });
      expect(body.toString()).toBe('hello world');
      expect(trailers.get('x-amz-checksum-crc32')).toBe('DUoRhQ==');
    }
  });

  it('verifies chunk signatures and the trailer signature however the network splits the body', async () => {
    const signingKey = deriveTestSigningKey('secret', '20240101');
    const signing = { signingKey, amzDate: '20240101T000000Z', scope: '20240101/us-east-1/s3/aws4_request', seedSignature: 'a'.repeat(64) };
    const framed = frameSignedChunks({ ...signing, chunks: [Buffer.from('abc'), Buffer.from('defgh')], trailer: ['x-amz-checksum-crc32', 'AAAAAA=='] });
    for (const size of [1, 5, 64, 4096]) {
      const body = await decode(splitAt(framed, size), { signing, signedTrailer: true, trailers: new Map() });
      expect(body.toString()).toBe('abcdefgh');
    }
    const wrongSeed = { ...signing, seedSignature: 'b'.repeat(64) };
    await expect(decode([framed], { signing: wrongSeed, signedTrailer: true, trailers: new Map() })).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
    const wrongTrailer = Buffer.from(framed.toString().replace('AAAAAA==', 'BBBBBB=='));
    await expect(decode([wrongTrailer], { signing, signedTrailer: true, trailers: new Map() })).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('refuses a signed body whose chunks carry no signature', async () => {
    const signing = { signingKey: Buffer.alloc(32), amzDate: '20240101T000000Z', scope: 's', seedSignature: 'a'.repeat(64) };
    await expect(decode([Buffer.from('3\r\nabc\r\n0\r\n\r\n')], { signing, signedTrailer: false, trailers: new Map() })).rejects.toBeInstanceOf(S3Error);
  });

  it.each([
    ['a header line without CRLF', '3\nabc\r\n0\r\n\r\n'],
    ['a chunk not followed by CRLF', '3\r\nabcX\r\n0\r\n\r\n'],
    ['a malformed trailer', '3\r\nabc\r\n0\r\nno-colon-here\r\n\r\n'],
    ['a header line that never ends', 'f'.repeat(10_000)],
  ])('refuses %s', async (_name, text) => {
    await expect(decode([Buffer.from(text)], { signedTrailer: false, trailers: new Map() })).rejects.toBeInstanceOf(S3Error);
  });
});
