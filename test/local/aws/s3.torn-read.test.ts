import { createHash } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Endpoint, type S3TestEndpoint } from './s3/endpoint.js';

const BUCKET = 'torn';
const VERSIONS = 80;

// Version i of the log is the first lines of one master log, so every version is a prefix of the next.
const MASTER = Array.from({ length: VERSIONS * 40 }, (_, n) => `line ${n} ${'x'.repeat(n % 50)}\n`).join('');
const logLengths = Array.from({ length: VERSIONS }, (_, i) => Buffer.byteLength(MASTER.split('\n').slice(0, (i + 1) * 40).join('\n') + '\n'));
const logVersion = (i: number) => Buffer.from(MASTER, 'utf8').subarray(0, logLengths[i]);
const logEtags = new Map(logLengths.map((length, i) => [length, `"${createHash('md5').update(logVersion(i)).digest('hex')}"`]));

// Version i of the flip object is one repeated letter, of a length of its own: any mix of two
// versions shows. Sizes run from 1 KB to 1 MB, so both the small-body read and the streamed read are used.
const flipSize = (i: number) => 1000 + ((i * 104_729) % 1_000_000);
const flipLetter = (i: number) => 97 + (i % 26);
const flipVersion = (i: number) => Buffer.alloc(flipSize(i), flipLetter(i));

describe('overwrite while reading (torn reads)', () => {
  let endpoint: S3TestEndpoint;

  beforeAll(async () => {
    endpoint = await startS3Endpoint();
    const s3 = endpoint.client();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'log.txt', Body: logVersion(0) }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'flip', Body: flipVersion(0) }));
  });
  afterAll(async () => endpoint.close());

  it('never shows a reader a mix of versions, a short body or an error while the object is rewritten', async () => {
    const s3 = endpoint.client();
    const logUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: 'log.txt' }), { expiresIn: 600 });
    let writing = true;
    const problems: string[] = [];
    let reads = 0;

    const writer = (async () => {
      try {
        for (let i = 1; i < VERSIONS; i++) {
          await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'log.txt', Body: logVersion(i) }));
          await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'flip', Body: flipVersion(i) }));
        }
      } finally {
        writing = false;
      }
    })();

    // Tails the log as the aws-exec clients do: Range: bytes=N-, 206 = new bytes, 416 = nothing new yet.
    const tail = async (name: string) => {
      let offset = 0;
      while (writing || offset < logLengths.at(-1)!) {
        const response = await fetch(logUrl, { headers: { range: `bytes=${offset}-` } });
        const body = Buffer.from(await response.arrayBuffer());
        reads++;
        if (response.status === 416) {
          await new Promise((resolve) => setTimeout(resolve, 2));
          continue;
        }
        if (response.status !== 206) {
          problems.push(`${name}: status ${response.status} ${body.toString().slice(0, 200)}`);
          return;
        }
        const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
        const total = Number(match?.[3]);
        const etag = logEtags.get(total);
        if (!match || Number(match[1]) !== offset || Number(match[2]) !== total - 1 || etag === undefined) {
          problems.push(`${name}: unexpected Content-Range ${response.headers.get('content-range')} at offset ${offset}`);
          return;
        }
        if (response.headers.get('etag') !== etag) problems.push(`${name}: ETag of another version for length ${total}`);
        if (!body.equals(Buffer.from(MASTER, 'utf8').subarray(offset, total))) {
          problems.push(`${name}: bytes ${offset}-${total - 1} differ from every version`);
          return;
        }
        offset = total;
      }
    };

    // Reads the whole flip object: it must be one version, whole.
    const readWhole = async (name: string) => {
      const client = endpoint.client();
      while (writing) {
        try {
          const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'flip' }));
          const body = Buffer.from(await got.Body!.transformToByteArray());
          reads++;
          const letter = body[0] ?? 0;
          const version = Array.from({ length: VERSIONS }, (_, i) => i).find((i) => flipSize(i) === body.length && flipLetter(i) === letter);
          if (version === undefined || !body.equals(flipVersion(version))) problems.push(`${name}: a body of ${body.length} bytes matching no version`);
          else if (got.ETag !== `"${createHash('md5').update(body).digest('hex')}"`) problems.push(`${name}: ETag of another version`);
        } catch (error) {
          problems.push(`${name}: ${String(error)}`);
          return;
        }
      }
    };

    await Promise.all([writer, tail('tail-1'), tail('tail-2'), tail('tail-3'), readWhole('whole-1'), readWhole('whole-2')]);
    expect(problems).toEqual([]);
    expect(reads).toBeGreaterThan(VERSIONS);
    expect(endpoint.loggedErrors).toEqual([]);
  }, 180_000);
});
