import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGoClient } from '../helpers/go-client.js';
import { createLocalAwsClients } from '../helpers/local-aws-clients.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { seconds, waitForLog } from './liveness-helpers.js';

// A full disk under the runtime: its data directory is a 20 MB tmpfs and a job writes 30 MB.
// The local S3 then answers the log's uploads 500 InternalError (ENOSPC), as S3 errors that
// outlast every retry would look on AWS. These tests mount the tmpfs and so need root; they
// say so instead of skipping (the fault-injection endpoint's disk-full mode will let them run
// without it).
const mounts: string[] = [];
const runtimes: TestRuntime[] = [];

/** A job that shows a first line (shipped while the disk has room), then writes 30 MB and exits 3. */
const FILLER = ['sh', '-c', "echo start; sleep 1; head -c 30000000 /dev/zero | tr '\\0' a | fold -w 99; echo done; exit 3"];
const LOSS_LINE = /\[aws-exec\] the log could not be stored whole: the last \d+ bytes of output are lost \(storage refused the uploads\); exit 3\n$/;

function mountSmallDisk(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aws-exec-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=20m', 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

beforeAll(() => {
  if (process.getuid?.() !== 0) {
    throw new Error('Expected to run as root: the disk-full tests mount a 20 MB tmpfs as the data directory (mount -t tmpfs needs root)');
  }
});

afterAll(async () => {
  for (const runtime of runtimes) await runtime.dispose();
  for (const dir of mounts) {
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('a job that fills the disk', () => {
  it('ends within 60 s with its real exit code and a line saying what was lost, keeping every byte readers saw', async () => {
    const runtime = await startTestRuntime({ dataDir: mountSmallDisk() });
    runtimes.push(runtime);
    const go = createGoClient({ url: runtime.config.url, auth: runtime.config.auth });
    const startedAt = Date.now();
    const uid = await go.start({ argv: FILLER });
    const seen: Buffer[] = [];
    const job = await go.follow(uid, { timeoutMs: 120_000, onData: (chunk) => seen.push(chunk) });
    const tookMs = Date.now() - startedAt;
    console.info(`disk full: the job ended ${seconds(tookMs)} s after it started, exit ${job.exit}, ${job.log.length} bytes of log kept`);

    expect(tookMs).toBeLessThan(60_000);
    expect(job.exit).toBe(3);
    const log = job.log.toString('utf8');
    expect(log.startsWith('start\n')).toBe(true);
    expect(log).toMatch(LOSS_LINE);
    // Nothing acknowledged is lost: what the follower read as it went is the stored log, and
    // the output before the loss line is a prefix of what the command wrote.
    expect(Buffer.concat(seen).equals(job.log)).toBe(true);
    expect((await go.readLog(uid)).equals(job.log)).toBe(true);
    const kept = log.slice('start\n'.length, log.search(LOSS_LINE));
    expect(kept).toMatch(/^(a{99}\n)*a*\n?$/);
    expect((await go.listJobs()).find((listed) => listed.uid === uid)).toMatchObject({ status: 'exited', exit: 3, 'log-incomplete': true });

    // The failed uploads left nothing behind: the runtime goes on working.
    const next = await go.start({ argv: ['echo', 'still working'] });
    expect(await go.follow(next)).toMatchObject({ exit: 0, log: Buffer.from('still working\n') });
  }, 150_000);

  it('keeps the real exit code when the runtime dies while the end of such a job is being written', async () => {
    const dataDir = mountSmallDisk();
    const first = await startTestRuntime({ dataDir });
    runtimes.push(first);
    const go = createGoClient({ url: first.config.url, auth: first.config.auth });
    const uid = await go.start({ argv: FILLER });
    await waitForLog(go, uid, /^start\n/);
    // The runner records the exit code on the job when its final writes take long (the disk is full).
    const aws = createLocalAwsClients(first.config);
    await vi.waitFor(
      async () => {
        const found = await aws.ddb.send(new GetCommand({ TableName: first.config.jobsTable ?? first.config.table, Key: { id: `job.${uid}` }, ConsistentRead: true }));
        expect(found.Item?.['pending-exit']).toBe(3);
      },
      { timeout: 60_000, interval: 200 },
    );
    aws.destroy();
    await first.kill9();

    const restartedAt = Date.now();
    const second = await startTestRuntime({ dataDir });
    runtimes.push(second);
    const after = createGoClient({ url: second.config.url, auth: second.config.auth });
    const job = await after.follow(uid, { timeoutMs: 120_000 });
    expect(Date.now() - restartedAt).toBeLessThan(60_000);
    expect(job.exit).toBe(3);
    expect(job.log.toString('utf8')).toMatch(
      /^start\n(a{99}\n)*a*\n?\[aws-exec\] the runtime running this job stopped while it stored the end of this job; the command exited with 3\n$/,
    );
    expect((await after.listJobs()).find((listed) => listed.uid === uid)).toMatchObject({ status: 'exited', exit: 3 });
  }, 180_000);
});
