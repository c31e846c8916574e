import { afterEach, describe, expect, it } from 'vitest';
import { playJob, startFakeServer } from './fake-server.js';
import type { FakeServer } from './fake-server.js';
import { createTestClient, text } from './helpers.js';

let server: FakeServer;
afterEach(async () => server?.close());

describe('tail', () => {
  it('yields the log byte-exact as it grows and ends with the exit code', async () => {
    server = await startFakeServer();
    const job = server.addJob();
    const binary = new Uint8Array([0, 255, 254, 10, 0xc3]);
    const played = playJob(server, job.uid, ['one\n', 30, 'two\n', 30, binary, 20, 'three'], 3);
    const tail = createTestClient(server).tail(job.uid);
    const chunks: Uint8Array[] = [];
    for await (const chunk of tail) chunks.push(chunk);
    await played;
    const joined = Buffer.concat(chunks);
    expect(joined).toEqual(Buffer.concat([Buffer.from('one\ntwo\n'), binary, Buffer.from('three')]));
    expect(await tail.exit()).toBe(3);
    expect(tail.exitCode).toBe(3);
    expect(tail.offset).toBe(joined.length);
  });

  it('sees a job that ended right after its output at once, without waiting the poll delay', async () => {
    server = await startFakeServer();
    const job = server.addJob();
    const client = createTestClient(server, { poll: { quickDelayMs: 1, minDelayMs: 120_000, maxDelayMs: 120_000 } });
    const tail = client.tail(job.uid);
    const played = playJob(server, job.uid, [20, 'last words\n'], 7);
    const { bytes, exitCode } = await tail.collect();
    await played;
    expect(text(bytes)).toBe('last words\n');
    expect(exitCode).toBe(7);
  });

  it('never pauses less than its reads took, so a slow server is polled less often', async () => {
    server = await startFakeServer();
    const job = server.addJob();
    const client = createTestClient(server, { poll: { quickDelayMs: 1, minDelayMs: 1, maxDelayMs: 1 } });
    server.knobs.delayMs = 50;
    const played = playJob(server, job.uid, [600], 0);
    expect(await client.tail(job.uid).exit()).toBe(0);
    await played;
    // Reads take 50 ms: with 1 ms pauses the tail reads the log 9 times here, with pauses as long as the reads 5.
    expect(server.counters.bucketLog).toBeLessThanOrEqual(7);
  });

  it('reads the log and the size of a finished job side by side, then the exit code', async () => {
    server = await startFakeServer();
    const job = server.addJob();
    await playJob(server, job.uid, ['done\n'], 0);
    const before = { ...server.counters };
    expect(await createTestClient(server).tail(job.uid).exit()).toBe(0);
    expect(server.counters.bucketLog - before.bucketLog).toBe(1);
    expect(server.counters.bucketSize - before.bucketSize).toBe(1);
    expect(server.counters.bucketExit - before.bucketExit).toBe(1);
  });

  it('costs the same number of API calls for a short and a long job by reusing the presigned URLs', async () => {
    server = await startFakeServer();
    const client = createTestClient(server);
    const count = async (pauses: number) => {
      const job = server.addJob();
      const steps: (string | number)[] = [];
      for (let i = 0; i < pauses; i++) steps.push(`line ${i}\n`, 40);
      const before = server.counters.apiStatus;
      const played = playJob(server, job.uid, steps, 0);
      const { bytes, exitCode } = await client.tail(job.uid).collect();
      await played;
      expect(exitCode).toBe(0);
      expect(text(bytes).split('\n')).toHaveLength(pauses + 1);
      return server.counters.apiStatus - before;
    };
    const short = await count(3);
    const logReadsBeforeLong = server.counters.bucketLog;
    const long = await count(40);
    expect(server.counters.bucketLog - logReadsBeforeLong).toBeGreaterThan(20);
    expect(long).toBe(short);
    expect(short).toBe(1);
  });

  it('renews the URLs shortly before they expire instead of reading with expired ones', async () => {
    server = await startFakeServer({ urlTtlMs: 600 });
    const job = server.addJob();
    const played = playJob(server, job.uid, ['a', 500, 'b', 500, 'c', 500, 'd'], 0);
    const client = createTestClient(server, { poll: { minDelayMs: 2, maxDelayMs: 20, refreshMarginMs: 300 } });
    // Without renewal every read fails 403 for good and the deadline below ends the test.
    const { bytes, exitCode } = await client.tail(job.uid, { signal: AbortSignal.timeout(15_000) }).collect();
    await played;
    expect(text(bytes)).toBe('abcd');
    expect(exitCode).toBe(0);
    expect(server.counters.apiStatus).toBeGreaterThan(1);
  });

  it('reads the expiry from X-Amz-Date and X-Amz-Expires when the API gives no expires-at', async () => {
    server = await startFakeServer({ mode: 'amz', urlTtlMs: 2_000 });
    const job = server.addJob();
    const played = playJob(server, job.uid, ['x', 1_500, 'y', 1_500, 'z'], 5);
    const client = createTestClient(server, { poll: { minDelayMs: 2, maxDelayMs: 20, refreshMarginMs: 1_000 } });
    const { bytes, exitCode } = await client.tail(job.uid, { signal: AbortSignal.timeout(15_000) }).collect();
    await played;
    expect(text(bytes)).toBe('xyz');
    expect(exitCode).toBe(5);
    expect(server.counters.apiStatus).toBeGreaterThan(1);
  });

  it('asks the API on each idle poll when the server only returns {url}, as the original protocol does', async () => {
    server = await startFakeServer({ mode: 'original' });
    const job = server.addJob();
    const played = playJob(server, job.uid, ['first\n', 100, 'second\n'], 7);
    const { bytes, exitCode } = await createTestClient(server).tail(job.uid).collect();
    await played;
    expect(text(bytes)).toBe('first\nsecond\n');
    expect(exitCode).toBe(7);
    expect(server.counters.bucketSize).toBe(0);
    expect(server.counters.apiStatus).toBeGreaterThan(2);
  });

  it('polls quietly when asked: no bucket answer is a 4xx, the log is read from one byte early and the API says when it ended', async () => {
    server = await startFakeServer();
    const job = server.addJob();
    server.append(job.uid, ''); // the backend creates the log empty before it answers the uid
    const played = playJob(server, job.uid, [30, 'first\n', 100, 'second\n', 50], 5);
    const { bytes, exitCode } = await createTestClient(server, { poll: { quiet: true } }).tail(job.uid).collect();
    await played;
    expect(text(bytes)).toBe('first\nsecond\n');
    expect(exitCode).toBe(5);
    expect(server.counters.bucketSize + server.counters.bucketExit).toBe(0);
    expect(server.counters.bucketStatuses.filter((status) => status >= 400)).toEqual([]);
    expect(server.counters.ranges).toContain('bytes=5-');
    expect(server.counters.ranges).not.toContain('bytes=6-');
  });

  it('keeps the right bytes reading quietly when the bucket ignores Range', async () => {
    server = await startFakeServer({ ignoreRange: true });
    const job = server.addJob();
    const played = playJob(server, job.uid, ['abc', 40, 'def', 40, 'ghi'], 0);
    const { bytes } = await createTestClient(server, { poll: { quiet: true } }).tail(job.uid).collect();
    await played;
    expect(text(bytes)).toBe('abcdefghi');
  });

  it('keeps the right bytes when the bucket ignores Range and sends the whole object', async () => {
    server = await startFakeServer({ ignoreRange: true });
    const job = server.addJob();
    const played = playJob(server, job.uid, ['abc', 40, 'def', 40, 'ghi'], 0);
    const { bytes } = await createTestClient(server).tail(job.uid).collect();
    await played;
    expect(text(bytes)).toBe('abcdefghi');
  });

  it.each([403, 404] as const)('waits through %i answers before the log exists', async (missingStatus) => {
    server = await startFakeServer({ missingStatus });
    const job = server.addJob();
    const played = playJob(server, job.uid, [150, 'late'], 0);
    const { bytes, exitCode } = await createTestClient(server).tail(job.uid).collect();
    await played;
    expect(text(bytes)).toBe('late');
    expect(exitCode).toBe(0);
  });

  it('resumes from an offset with Range: bytes=N-', async () => {
    server = await startFakeServer();
    const job = server.addJob();
    server.append(job.uid, 'hello world');
    server.finish(job.uid, 0);
    const { bytes, exitCode } = await createTestClient(server).tail(job.uid, { from: 6 }).collect();
    expect(text(bytes)).toBe('world');
    expect(exitCode).toBe(0);
    expect(server.counters.ranges[0]).toBe('bytes=6-');
  });

  it('gets the exit code straight from the API when the job has ended and from equals its size', async () => {
    server = await startFakeServer();
    const job = server.addJob();
    server.append(job.uid, 'done');
    server.finish(job.uid, 2);
    const tail = createTestClient(server).tail(job.uid, { from: 4 });
    expect(await tail.exit()).toBe(2);
    expect(server.counters.bucketLog).toBe(0);
  });

  it('carries on from where a broken-off loop stopped', async () => {
    server = await startFakeServer();
    const job = server.addJob();
    const played = playJob(server, job.uid, ['one', 60, 'two', 60, 'three'], 4);
    const tail = createTestClient(server).tail(job.uid);
    for await (const chunk of tail) {
      expect(text(chunk)).toBe('one');
      break;
    }
    expect(tail.offset).toBe(3);
    const rest: string[] = [];
    const code = await tail.exit((chunk) => {
      rest.push(text(chunk));
    });
    await played;
    expect(rest.join('')).toBe('twothree');
    expect(code).toBe(4);
  });

  it('rejects with the abort reason when aborted during a slow answer', async () => {
    server = await startFakeServer({ delayMs: 20_000 });
    const job = server.addJob();
    const controller = new AbortController();
    const reason = new Error('stop tailing');
    const tail = createTestClient(server).tail(job.uid, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(tail.exit()).rejects.toBe(reason);
  });

  it('rejects with the abort reason when aborted between polls', async () => {
    server = await startFakeServer();
    const job = server.addJob();
    const controller = new AbortController();
    const tail = createTestClient(server, { poll: { minDelayMs: 10_000, maxDelayMs: 10_000 } }).tail(job.uid, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await tail.exit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
  });

  it('refuses a malformed uid or offset before sending anything', async () => {
    server = await startFakeServer();
    const client = createTestClient(server);
    expect(() => client.tail('../etc/passwd')).toThrow(/Expected a job uid/);
    expect(() => client.tail('1700000000.123e4567-e89b-12d3-a456-426614174000', { from: -1 })).toThrow(/non-negative integer, got -1/);
    expect(server.counters.apiStatus).toBe(0);
  });
});
