import { afterEach, describe, expect, it } from 'vitest';
import { ExpiredUrlError } from '../../client/index.js';
import { playJob, startFakeServer } from './fake-server.js';
import type { FakeServer } from './fake-server.js';
import { createTestClient, text } from './helpers.js';

let server: FakeServer;
afterEach(async () => server?.close());

const pushUrls = { log: 'https://bucket.example/log?sig=1', exit: 'https://bucket.example/exit?sig=2', size: 'https://bucket.example/size?sig=3' };

describe('push-url mode', () => {
  it('starts with push-urls and follows the caller own bucket without calling the API', async () => {
    server = await startFakeServer();
    const client = createTestClient(server);
    const uid = await client.start({ argv: ['make'], pushUrls });
    expect(server.jobs.get(uid)?.request['push-urls']).toEqual(pushUrls);
    const played = playJob(server, uid, ['building\n', 40, 'built\n'], 0);
    const urls = { logUrl: server.signUrl(uid, 'log'), sizeUrl: server.signUrl(uid, 'size'), exitUrl: server.signUrl(uid, 'exit') };
    const tail = client.tailPushed(urls);
    const { bytes, exitCode } = await tail.collect();
    await played;
    expect(text(bytes)).toBe('building\nbuilt\n');
    expect(exitCode).toBe(0);
    expect(tail.jobUid).toBeUndefined();
    expect(server.counters.apiStatus).toBe(0);
  });

  it('resumes a pushed tail from an offset', async () => {
    server = await startFakeServer();
    const job = server.addJob();
    server.append(job.uid, '0123456789');
    server.finish(job.uid, 9);
    const urls = { logUrl: server.signUrl(job.uid, 'log'), sizeUrl: server.signUrl(job.uid, 'size'), exitUrl: server.signUrl(job.uid, 'exit') };
    const { bytes, exitCode } = await createTestClient(server).tailPushed(urls, { from: 7 }).collect();
    expect(text(bytes)).toBe('789');
    expect(exitCode).toBe(9);
  });

  it('calls a signing function again shortly before its URLs expire', async () => {
    server = await startFakeServer({ mode: 'amz' });
    const job = server.addJob();
    let signed = 0;
    const sign = () => {
      signed++;
      return { logUrl: server.signUrl(job.uid, 'log', 2_000), sizeUrl: server.signUrl(job.uid, 'size', 2_000), exitUrl: server.signUrl(job.uid, 'exit', 2_000) };
    };
    const played = playJob(server, job.uid, ['a', 1_500, 'b', 1_500, 'c'], 0);
    const client = createTestClient(server, { poll: { minDelayMs: 2, maxDelayMs: 20, refreshMarginMs: 1_000 } });
    const { bytes } = await client.tailPushed(sign, { signal: AbortSignal.timeout(15_000) }).collect();
    await played;
    expect(text(bytes)).toBe('abc');
    expect(signed).toBeGreaterThan(1);
  });

  it('ends with ExpiredUrlError and the offset to resume from when fixed URLs expire', async () => {
    server = await startFakeServer({ mode: 'amz' });
    const job = server.addJob();
    server.append(job.uid, 'partial');
    // X-Amz-Date has whole seconds, so a 1 s URL signed at .999 has already (nearly) expired
    // when the client first reads it: 2 s leaves at least 1 s to read the 7 bytes.
    const urls = { logUrl: server.signUrl(job.uid, 'log', 2_000), sizeUrl: server.signUrl(job.uid, 'size', 2_000), exitUrl: server.signUrl(job.uid, 'exit', 2_000) };
    const tail = createTestClient(server).tailPushed(urls);
    const error = await tail.exit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExpiredUrlError);
    expect((error as ExpiredUrlError).offset).toBe(7);
    expect((error as Error).message).toMatch(/resume with fresh URLs from offset 7/);
  });

  it('refuses URLs that are not http(s), naming the field', async () => {
    server = await startFakeServer();
    const tail = createTestClient(server).tailPushed({ logUrl: 'file:///etc/passwd', sizeUrl: 'http://x/s', exitUrl: 'http://x/e' });
    await expect(tail.exit()).rejects.toThrow(/Expected logUrl to be an http\(s\) presigned GET URL, got `file:\/\/\/etc\/passwd`/);
  });
});
