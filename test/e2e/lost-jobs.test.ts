import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createGoClient } from '../helpers/go-client.js';
import { isProcessAlive } from '../helpers/processes.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

// A job whose runtime dies under it (kill -9) is finished on the next start of the
// runtime on the same data directory, and its processes do not outlive the runtime.
const dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-e2e-lost-'));
const runtimes: TestRuntime[] = [];

afterAll(async () => {
  for (const runtime of runtimes) await runtime.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('jobs lost with the runtime', () => {
  it('kills the job processes with the runtime, and finishes the job with 137 and a closing line on restart', async () => {
    const first = await startTestRuntime({ dataDir });
    runtimes.push(first);
    const before = createGoClient({ url: first.config.url, auth: first.config.auth });
    const uid = await before.start({ argv: ['sh', '-c', 'sleep 600 & echo "started $$ $!"; wait'] });
    const [shellPid, sleepPid] = await vi.waitFor(
      async () => {
        const match = /^started (\d+) (\d+)\n$/.exec((await before.readLog(uid)).toString());
        if (!match) throw new Error('the job has not started yet');
        return [Number(match[1]), Number(match[2])];
      },
      { timeout: 30_000, interval: 50 },
    );
    expect([isProcessAlive(shellPid), isProcessAlive(sleepPid)]).toEqual([true, true]);

    await first.kill9();
    await vi.waitFor(() => expect([isProcessAlive(shellPid), isProcessAlive(sleepPid)]).toEqual([false, false]), { timeout: 15_000, interval: 50 });

    const second = await startTestRuntime({ dataDir });
    runtimes.push(second);
    expect(second.config.auth).toBe(first.config.auth);
    const after = createGoClient({ url: second.config.url, auth: second.config.auth });
    const job = await after.follow(uid);
    expect(job.exit).toBe(137);
    const lines = job.log.toString().split('\n');
    expect(lines[0]).toBe(`started ${shellPid} ${sleepPid}`);
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^\[aws-exec\] the runtime running this job stopped/), '']);
    expect((await after.listJobs()).find((listed) => listed.uid === uid)).toMatchObject({ status: 'exited', exit: 137 });
  }, 120_000);
});
