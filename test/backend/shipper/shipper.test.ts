import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../backend/log.js';
import { LogBuffer } from '../../../backend/shipper/log-buffer.js';
import { LogShipper } from '../../../backend/shipper/shipper.js';
import { createBucketSink, type LogSink } from '../../../backend/shipper/sinks.js';
import { jobKeys } from '../../../protocol/index.js';
import { patternedBytes } from '../helpers/bytes.js';
import { createMemoryObjects } from '../helpers/fakes.js';

type Write = { what: 'log' | 'exit' | 'size'; body: Buffer };

function recordingSink(options: { failLogs?: number; failAllLogs?: boolean } = {}): LogSink & { writes: Write[] } {
  const writes: Write[] = [];
  let failLogs = options.failLogs ?? 0;
  return {
    writes,
    async putLog(body) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (options.failAllLogs || failLogs > 0) {
        failLogs -= 1;
        throw new Error('injected');
      }
      writes.push({ what: 'log', body: Buffer.from(body) });
    },
    async putExit(text) {
      writes.push({ what: 'exit', body: Buffer.from(text) });
    },
    async putSize(text) {
      writes.push({ what: 'size', body: Buffer.from(text) });
    },
  };
}

const ship = { minIntervalMs: 10, maxIntervalMs: 1_000, bytesPerSecond: 1024 * 1024 };
const deadline = () => ({ deadlineAt: Date.now() + 5_000 });

describe('LogShipper', () => {
  it('ships the first output at once, before the job ends', async () => {
    const sink = recordingSink();
    const shipper = new LogShipper({ sink, capBytes: 4096, ship, logger: silentLogger });
    shipper.append(Buffer.from('hello\n'));
    await expect.poll(() => sink.writes.length).toBe(1);
    expect(sink.writes[0]?.body.toString()).toBe('hello\n');
    await shipper.finish(0, undefined, deadline());
  });

  it('writes the final log and exit, then size last, each once', async () => {
    const sink = recordingSink();
    const shipper = new LogShipper({ sink, capBytes: 4096, ship, logger: silentLogger });
    shipper.append(Buffer.from('a\n'));
    shipper.append(Buffer.from('b\n'));
    const result = await shipper.finish(3, '[aws-exec] done', deadline());
    const whats = sink.writes.map((write) => write.what);
    expect(whats.filter((what) => what === 'exit')).toHaveLength(1);
    expect(whats.at(-1)).toBe('size');
    const finalLog = sink.writes.filter((write) => write.what === 'log').at(-1)?.body.toString();
    expect(finalLog).toBe('a\nb\n[aws-exec] done\n');
    expect(sink.writes.find((write) => write.what === 'exit')?.body.toString()).toBe('3');
    expect(sink.writes.at(-1)?.body.toString()).toBe(String(Buffer.byteLength(finalLog ?? '')));
    expect(result).toEqual({ size: Buffer.byteLength(finalLog ?? ''), complete: true });
  });

  it('writes exit while the final log uploads, and starts size only once both are stored', async () => {
    const events: string[] = [];
    const slow = (what: string, ms: number) => async () => {
      events.push(`${what} start`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      events.push(`${what} done`);
    };
    const sink: LogSink = { putLog: slow('log', 30), putExit: slow('exit', 60), putSize: slow('size', 1) };
    const shipper = new LogShipper({ sink, capBytes: 4096, ship, logger: silentLogger });
    shipper.append(Buffer.from('first\n'));
    shipper.append(Buffer.from('second\n'));
    await shipper.finish(0, undefined, deadline());
    expect(events.indexOf('exit start')).toBeLessThan(events.indexOf('log done'));
    expect(events.slice(-2)).toEqual(['size start', 'size done']);
    expect(events.filter((event) => event === 'size start')).toHaveLength(1);
  });

  it('starts the closing line on a new line when the output did not end with one', async () => {
    const sink = recordingSink();
    const shipper = new LogShipper({ sink, capBytes: 4096, ship, logger: silentLogger });
    shipper.append(Buffer.from('no newline'));
    await shipper.finish(124, '[aws-exec] timed out after 1s', deadline());
    expect(sink.writes.filter((write) => write.what === 'log').at(-1)?.body.toString()).toBe('no newline\n[aws-exec] timed out after 1s\n');
  });

  it('does not upload the log again at the end when nothing changed', async () => {
    const sink = recordingSink();
    const shipper = new LogShipper({ sink, capBytes: 4096, ship, logger: silentLogger });
    shipper.append(Buffer.from('once\n'));
    await expect.poll(() => sink.writes.length).toBe(1);
    await shipper.finish(0, undefined, deadline());
    expect(sink.writes.map((write) => write.what)).toEqual(['log', 'exit', 'size']);
  });

  it('writes no log at all for a job without output, but still exit and size 0', async () => {
    const sink = recordingSink();
    const shipper = new LogShipper({ sink, capBytes: 4096, ship, logger: silentLogger });
    await shipper.finish(0, undefined, deadline());
    expect(sink.writes.map((write) => [write.what, write.body.toString()])).toEqual([
      ['exit', '0'],
      ['size', '0'],
    ]);
  });

  it('retries failed uploads and loses no bytes: the next upload carries everything', async () => {
    const sink = recordingSink({ failLogs: 2 });
    const shipper = new LogShipper({ sink, capBytes: 4096, ship, logger: silentLogger });
    shipper.append(Buffer.from('one\n'));
    shipper.append(Buffer.from('two\n'));
    await expect.poll(() => sink.writes.length, { timeout: 3_000 }).toBeGreaterThan(0);
    expect(sink.writes[0]?.body.toString()).toBe('one\ntwo\n');
    await shipper.finish(0, undefined, deadline());
  });

  it('writes as size what the log object holds when the final log cannot be written', async () => {
    const sink = recordingSink({ failAllLogs: true });
    const shipper = new LogShipper({ sink, capBytes: 4096, ship, logger: silentLogger });
    shipper.append(Buffer.from('lost\n'));
    const result = await shipper.finish(0, undefined, { deadlineAt: Date.now() });
    expect(result).toEqual({ size: 0, complete: false });
    expect(sink.writes.map((write) => [write.what, write.body.toString()])).toEqual([
      ['exit', '0'],
      ['size', '0'],
    ]);
  });

  it('ignores output that comes after finish', async () => {
    const sink = recordingSink();
    const shipper = new LogShipper({ sink, capBytes: 4096, ship, logger: silentLogger });
    await shipper.finish(0, undefined, deadline());
    shipper.append(Buffer.from('late'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sink.writes.map((write) => write.what)).toEqual(['exit', 'size']);
  });
});

describe('LogShipper on a bucket sink, which extends a big log in place', () => {
  const MiB = 1024 * 1024;
  const keys = jobKeys('alice', '1700000000.0a1b2c3d-0000-4000-8000-000000000000');
  /** Only the first output ships before the end (the next upload would wait a minute). */
  const once = { minIntervalMs: 60_000, maxIntervalMs: 60_000, bytesPerSecond: MiB };
  const logWrites = (objects: ReturnType<typeof createMemoryObjects>) => objects.writes.filter((write) => write.key === keys.log).map((write) => write.bytes);

  it('sends only the bytes past the 5 MiB it shipped, and the log object ends byte-exact', async () => {
    const objects = createMemoryObjects();
    const shipper = new LogShipper({ sink: await createBucketSink(objects, keys, 600), capBytes: 64 * MiB, ship: once, logger: silentLogger });
    const first = patternedBytes(6 * MiB, 1);
    shipper.append(first);
    await expect.poll(() => objects.objects.get(keys.log)?.byteLength).toBe(6 * MiB);
    const second = patternedBytes(MiB, 2);
    shipper.append(second);
    const result = await shipper.finish(0, undefined, deadline());
    const expected = Buffer.concat([first, second]);
    expect(Buffer.from(objects.objects.get(keys.log) ?? []).equals(expected)).toBe(true);
    expect(result).toEqual({ size: expected.byteLength, complete: true });
    expect(logWrites(objects)).toEqual([6 * MiB, expected.byteLength - 6 * MiB]);
    expect(shipper.uploadedBytes).toBe(expected.byteLength);
  });

  it('extends a log past its cap with the marker and the tail after the shipped head, as the whole final log reads', async () => {
    const objects = createMemoryObjects();
    const capBytes = 8 * MiB;
    const shipper = new LogShipper({ sink: await createBucketSink(objects, keys, 600), capBytes, ship, logger: silentLogger });
    const reference = new LogBuffer(capBytes);
    for (let i = 0; i < 20; i++) {
      const chunk = patternedBytes(MiB, i);
      shipper.append(chunk);
      reference.append(chunk);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await expect.poll(() => objects.objects.get(keys.log)?.byteLength, { timeout: 5_000 }).toBe(reference.headLimit);
    const result = await shipper.finish(0, undefined, deadline());
    const expected = Buffer.from(reference.finalView());
    expect(Buffer.from(objects.objects.get(keys.log) ?? []).equals(expected)).toBe(true);
    expect(result.size).toBe(expected.byteLength);
    expect(logWrites(objects).at(-1)).toBe(expected.byteLength - reference.headLimit);
  });

  it('uploads the whole log when extending it fails, and says so once: later uploads of the job do not try again', async () => {
    const objects = createMemoryObjects();
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (message: string) => void warnings.push(message) };
    const sink = await createBucketSink(objects, keys, 600);
    let refused = 0;
    sink.extendLog = async () => {
      refused++;
      throw new Error('injected: UploadPartCopy refused');
    };
    const eager = { minIntervalMs: 1, maxIntervalMs: 1, bytesPerSecond: 1024 * MiB };
    const shipper = new LogShipper({ sink, capBytes: 64 * MiB, ship: eager, logger });
    const first = patternedBytes(5 * MiB, 3);
    shipper.append(first);
    await expect.poll(() => objects.objects.get(keys.log)?.byteLength).toBe(5 * MiB);
    shipper.append(Buffer.from('a\n'));
    await expect.poll(() => objects.objects.get(keys.log)?.byteLength).toBe(5 * MiB + 2);
    shipper.append(Buffer.from('b\n'));
    await expect.poll(() => objects.objects.get(keys.log)?.byteLength).toBe(5 * MiB + 4);
    await shipper.finish(0, '[aws-exec] done', deadline());
    expect(Buffer.from(objects.objects.get(keys.log) ?? []).equals(Buffer.concat([first, Buffer.from('a\nb\n[aws-exec] done\n')]))).toBe(true);
    expect(refused).toBe(1);
    expect(warnings).toEqual(['extending the log in place failed; uploading it whole from now on']);
    expect(logWrites(objects)).toEqual([5 * MiB, 5 * MiB + 2, 5 * MiB + 4, 5 * MiB + 20]);
  });
});
