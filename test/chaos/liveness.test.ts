import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createGoClient } from '../helpers/go-client.js';
import { isProcessAlive } from '../helpers/processes.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { followWithClient, isSandboxProcess, seconds, timed, waitForLog } from './liveness-helpers.js';

// Every job ends, with an exit code and a closing line, within 60 s of its runner's death,
// whatever killed it. Through real servers: `aws-exec serve` as users run it, followed by a
// Go-style client (GET /api/exec on every poll) and by our own client (which reuses its
// URLs and comes back to the API only when they near their expiry).
const runtimes: TestRuntime[] = [];
const dataDirs: string[] = [];

afterAll(async () => {
  for (const runtime of runtimes) await runtime.dispose();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

const BOUND_MS = 60_000;

describe('a job whose runner dies', () => {
  it('ends within 60 s of a kill -9 of its worker, with exit 137 and a line saying why, for a Go-style follower and for our client alone', async () => {
    const runtime = await startTestRuntime();
    runtimes.push(runtime);
    const go = createGoClient({ url: runtime.config.url, auth: runtime.config.auth });
    // Two jobs, each with one follower: a job followed only by our client ends without any
    // Go-style follower asking the API on every poll.
    const argv = ['sh', '-c', 'echo "worker $PPID job $$"; exec sleep 600'];
    const [goJob, ourJob] = [await go.start({ argv }), await go.start({ argv })];
    const goFollower = timed(go.follow(goJob, { timeoutMs: 120_000 }));
    const ourFollower = timed(followWithClient(runtime, ourJob));
    const pids = await Promise.all([goJob, ourJob].map(async (uid) => (await waitForLog(go, uid, /^worker (\d+) job (\d+)\n/)).slice(1).map(Number)));
    const workers = new Set(pids.map(([worker]) => worker as number));
    for (const worker of workers) expect(isSandboxProcess(worker)).toBe(true);

    const killedAt = Date.now();
    for (const worker of workers) process.kill(worker, 'SIGKILL');
    const [viaGo, viaClient] = await Promise.all([goFollower, ourFollower]);

    const closing = /\[aws-exec\] the runner of this job stopped \(no heartbeat for \d+ s\); exit 137\n$/;
    const [[goWorker, goPid], [ourWorker, ourPid]] = pids as [[number, number], [number, number]];
    expect(viaGo.value.exit).toBe(137);
    expect(viaGo.value.log.toString('utf8')).toMatch(closing);
    expect(viaGo.value.log.toString('utf8')).toMatch(new RegExp(`^worker ${goWorker} job ${goPid}\\n\\[aws-exec\\]`));
    expect(viaClient.value.exit).toBe(137);
    expect(viaClient.value.log).toMatch(closing);
    expect(viaClient.value.log).toMatch(new RegExp(`^worker ${ourWorker} job ${ourPid}\\n\\[aws-exec\\]`));
    expect(viaGo.at - killedAt).toBeLessThan(BOUND_MS);
    expect(viaClient.at - killedAt).toBeLessThan(BOUND_MS);
    console.info(`worker kill -9: the job ended ${seconds(viaGo.at - killedAt)} s later (Go-style follower), ${seconds(viaClient.at - killedAt)} s (our client alone)`);
    const listed = await go.listJobs();
    for (const uid of [goJob, ourJob]) expect(listed.find((job) => job.uid === uid)).toMatchObject({ status: 'exited', exit: 137 });
    await vi.waitFor(() => expect([isProcessAlive(goPid), isProcessAlive(ourPid)]).toEqual([false, false]), { timeout: 10_000, interval: 100 });
  }, 150_000);

  it('ends within 60 s of the restart after a kill -9 of the runtime, with exit 137 and a line saying why', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-chaos-'));
    dataDirs.push(dataDir);
    const first = await startTestRuntime({ dataDir });
    runtimes.push(first);
    const before = createGoClient({ url: first.config.url, auth: first.config.auth });
    const uid = await before.start({ argv: ['sh', '-c', 'echo "job $$"; exec sleep 600'] });
    const job = Number((await waitForLog(before, uid, /^job (\d+)\n/))[1]);
    await first.kill9();

    const restartedAt = Date.now();
    const second = await startTestRuntime({ dataDir });
    runtimes.push(second);
    const go = createGoClient({ url: second.config.url, auth: second.config.auth });
    const [viaGo, viaClient] = await Promise.all([timed(go.follow(uid, { timeoutMs: 120_000 })), timed(followWithClient(second, uid))]);
    const log = `job ${job}\n[aws-exec] the runtime running this job stopped; exit 137\n`;
    expect(viaGo.value).toMatchObject({ exit: 137 });
    expect(viaGo.value.log.toString('utf8')).toBe(log);
    expect(viaClient.value).toEqual({ exit: 137, log });
    expect(Math.max(viaGo.at, viaClient.at) - restartedAt).toBeLessThan(BOUND_MS);
    console.info(`runtime kill -9: the job ended ${seconds(Math.max(viaGo.at, viaClient.at) - restartedAt)} s after the restart began`);
    expect(isProcessAlive(job)).toBe(false);
  }, 150_000);
});
