import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { daemonScript, readAllDaemonPids, type DaemonKind } from '../helpers/daemons.js';
import { createGoClient, type GoClient } from '../helpers/go-client.js';
import { isProcessAlive } from '../helpers/processes.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

// No process outlives its job: a job leaves a process behind in every way it can (setsid
// in the background, setsid -f, the same with an empty environment, a double fork, nohup),
// through a real `aws-exec serve`, and each of them is gone when the job ends, is
// cancelled or times out, and when the runtime dies under it.

const runtimes: TestRuntime[] = [];
const everyPid: number[] = [];

afterAll(async () => {
  for (const runtime of runtimes) await runtime.dispose();
  // Whatever a failed assertion left running: only the pids the jobs printed.
  for (const pid of everyPid) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
});

async function start(dataDir?: string): Promise<{ runtime: TestRuntime; go: GoClient }> {
  const runtime = await startTestRuntime(dataDir === undefined ? {} : { dataDir });
  runtimes.push(runtime);
  return { runtime, go: createGoClient({ url: runtime.config.url, auth: runtime.config.auth }) };
}

/** Waits until every daemon of the job printed its pid, and returns them. */
async function waitForDaemons(go: GoClient, uid: string): Promise<Record<DaemonKind, number>> {
  const pids = await vi.waitFor(
    async () => {
      const found = readAllDaemonPids((await go.readLog(uid)).toString());
      if (!found) throw new Error(`the daemons of ${uid} have not all started yet`);
      return found;
    },
    { timeout: 30_000, interval: 50 },
  );
  everyPid.push(...Object.values(pids));
  return pids;
}

function aliveKinds(pids: Record<string, number>): string[] {
  return Object.entries(pids)
    .filter(([, pid]) => isProcessAlive(pid))
    .map(([kind]) => kind);
}

describe('processes a job leaves behind, through a running runtime', () => {
  let go: GoClient;
  beforeAll(async () => {
    ({ go } = await start());
  });

  it('are all gone by the time the job has ended, with the exit code the job chose', async () => {
    const job = await go.follow(await go.start({ argv: ['sh', '-c', daemonScript('exit 7')] }));
    expect(job.exit).toBe(7);
    const pids = readAllDaemonPids(job.log.toString());
    expect(pids, job.log.toString()).toBeDefined();
    everyPid.push(...Object.values(pids!));
    expect(aliveKinds(pids!)).toEqual([]);
  });

  it('are all gone by the time a cancelled job has ended with 130', async () => {
    const uid = await go.start({ argv: ['sh', '-c', daemonScript('sleep 600')] });
    const pids = await waitForDaemons(go, uid);
    expect(aliveKinds(pids)).toHaveLength(5);
    expect((await go.request('DELETE', `/api/exec?uid=${uid}`)).status).toBe(200);
    const job = await go.follow(uid);
    expect(job.exit).toBe(130);
    expect(job.log.toString()).toMatch(/\[aws-exec\] cancelled\n$/);
    expect(aliveKinds(pids)).toEqual([]);
  });

  it('are all gone by the time a job has timed out with 124, even when they ignore SIGTERM', async () => {
    const argv = ['sh', '-c', `trap '' TERM\n${daemonScript('sleep 600')}`];
    const answer = await go.request('POST', '/api/exec', { body: JSON.stringify({ argv, timeout: 3 }) });
    expect(answer.status).toBe(200);
    const uid = (JSON.parse(answer.text) as { uid: string }).uid;
    const pids = await waitForDaemons(go, uid);
    const job = await go.follow(uid);
    expect(job.exit).toBe(124);
    expect(job.log.toString()).toMatch(/\[aws-exec\] timed out after 3s\n$/);
    expect(aliveKinds(pids)).toEqual([]);
  });
});

describe('processes a job leaves behind, when the runtime dies', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-chaos-processes-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('are all gone soon after a kill -9 of the runtime (the worker sees it and kills its environment)', async () => {
    const { runtime, go } = await start(dataDir);
    const uid = await go.start({ argv: ['sh', '-c', daemonScript('sleep 600')] });
    const pids = await waitForDaemons(go, uid);
    expect(aliveKinds(pids)).toHaveLength(5);
    await runtime.kill9();
    await vi.waitFor(() => expect(aliveKinds(pids)).toEqual([]), { timeout: 10_000, interval: 50 });
  }, 120_000);

  it('are all gone after a restart when the runtime and the worker were both killed with -9', async () => {
    const { runtime, go } = await start(dataDir);
    const uid = await go.start({ argv: ['sh', '-c', `echo "worker $PPID"\n${daemonScript('sleep 600')}`] });
    const pids = await waitForDaemons(go, uid);
    const worker = Number(/^worker (\d+)$/m.exec((await go.readLog(uid)).toString())?.[1]);
    expect(isProcessAlive(worker)).toBe(true);
    process.kill(worker, 'SIGKILL');
    await runtime.kill9();
    // Nobody is left to kill them: no watchdog, no runtime.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(aliveKinds(pids)).toHaveLength(5);
    await start(dataDir);
    await vi.waitFor(() => expect(aliveKinds(pids)).toEqual([]), { timeout: 10_000, interval: 50 });
  }, 120_000);
});
