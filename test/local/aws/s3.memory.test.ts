import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCredentials } from '../../../local/aws/credentials.js';
import { startChildServer, type ChildServer } from './s3/child.js';
import { REGION } from './s3/endpoint.js';
import { signHeaders } from './s3/raw.js';

const MiB = 1024 * 1024;
const SIZE = 256 * MiB;

/** The peak resident memory of a process so far (Linux VmHWM), in bytes. */
function readPeakRss(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`Expected VmHWM in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

function* chunksOf(total: number): Generator<Buffer> {
  for (let sent = 0; sent < total; sent += MiB) yield Buffer.alloc(Math.min(MiB, total - sent), sent / MiB);
}

describe('S3 memory use with large bodies', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-s3-memory-'));
  let server: ChildServer | undefined;
  afterAll(async () => {
    server?.child.kill();
    await server?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('streams a 256 MiB aws-chunked PUT and GET without holding the body in memory', async () => {
    const credentials = generateCredentials();
    server = await startChildServer(dataDir, credentials);
    const pid = server.child.pid ?? 0;
    const s3 = new S3Client({ endpoint: `http://127.0.0.1:${server.port}`, region: REGION, credentials, forcePathStyle: true, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: 'big' }));
    const before = readPeakRss(pid);

    const expected = createHash('md5');
    for (const chunk of chunksOf(SIZE)) expected.update(chunk);
    await s3.send(new PutObjectCommand({ Bucket: 'big', Key: 'blob', Body: Readable.from(chunksOf(SIZE)), ContentLength: SIZE }));

    const path = '/big/blob';
    const headers = await signHeaders(credentials, { port: server.port, method: 'GET', path, payloadHash: 'UNSIGNED-PAYLOAD' });
    const received = createHash('md5');
    let size = 0;
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server!.port, path, headers }, (res) => {
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          received.update(chunk);
        });
        res.on('end', resolve);
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    s3.destroy();

    expect(size).toBe(SIZE);
    expect(received.digest('hex')).toBe(expected.digest('hex'));
    const growth = readPeakRss(pid) - before;
    expect(growth).toBeLessThan(96 * MiB);
  }, 180_000);
});
