import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createGoClient, goExecBody } from '../helpers/go-client.js';
import { isProcessAlive } from '../helpers/processes.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { seconds, waitForLog } from './liveness-helpers.js';

// SIGTERM stops `aws-exec serve` within 5 s whatever runs: busy workers, a job that ignores
// SIGTERM, a job writing output as fast as it can (uploads in flight), and an API request
// whose handler is stuck waiting on a server that never answers.
const runtimes: TestRuntime[] = [];
const servers: Server[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-chaos-stop-'));

afterAll(async () => {
  for (const runtime of runtimes) await runtime.dispose();
  for (const server of servers) server.closeAllConnections();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A server that takes requests and never answers them. */
async function startSilentServer(): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer(() => void (requests += 1));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests };
}

const STOPPED = '[aws-exec] stopped: the runtime running this job is shutting down (SIGTERM); exit 143\n';

describe('stopping the runtime', () => {
  it('exits within 5 s of SIGTERM while busy, and its running jobs end at once with 143 and a line', async () => {
    const runtime = await startTestRuntime({ dataDir });
    runtimes.push(runtime);
    const go = createGoClient({ url: runtime.config.url, auth: runtime.config.auth });
    const jobs = {
      ignoresTerm: await go.start({ argv: ['sh', '-c', `trap '' TERM; echo "started $$"; while :; do sleep 0.1; done`] }),
      busy1: await go.start({ argv: ['sh', '-c', 'echo "started $$"; exec yes > /dev/null'] }),
      busy2: await go.start({ argv: ['sh', '-c', 'echo "started $$"; exec yes > /dev/null'] }),
      chatty: await go.start({ argv: ['sh', '-c', 'echo "started $$"; while :; do echo "line $RANDOM"; done'] }),
    };
    const pids = await Promise.all(Object.values(jobs).map(async (uid) => Number((await waitForLog(go, uid, /^started (\d+)\n/))[1])));
    // An API handler stuck on a PUT to a caller's URL that never answers.
    const silent = await startSilentServer();
    const urls = { log: `${silent.url}/log`, exit: `${silent.url}/exit`, size: `${silent.url}/size` };
    const stuck = go.request('POST', '/api/exec', { body: JSON.stringify(goExecBody({ argv: ['true'], 'push-urls': urls })) }).catch((error: unknown) => error);
    await vi.waitFor(() => expect(silent.requests()).toBe(1), { timeout: 10_000, interval: 20 });

    const signalledAt = Date.now();
    const code = await runtime.stop();
    const tookMs = Date.now() - signalledAt;
    console.info(`SIGTERM of a busy runtime: exited ${seconds(tookMs)} s later with status ${code}`);
    expect(tookMs).toBeLessThan(5_000);
    expect(code).toBe(0);
    await stuck;
    for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);

    const again = await startTestRuntime({ dataDir });
    runtimes.push(again);
    const after = createGoClient({ url: again.config.url, auth: again.config.auth });
    for (const uid of Object.values(jobs)) {
      const job = await after.follow(uid);
      expect(job.exit).toBe(143);
      expect(job.log.toString('utf8')).toMatch(/^started \d+\n/);
      expect(job.log.toString('utf8').endsWith(STOPPED)).toBe(true);
    }
    const chatty = (await after.follow(jobs.chatty)).log.toString('utf8');
    expect(chatty).toMatch(/^started \d+\n(line \d*\n)*\[aws-exec\] stopped/);
  }, 120_000);

  it('stops at once on a second SIGTERM, killing what runs; the next start finishes its jobs with 137 and a line', async () => {
    const secondDir = mkdtempSync(join(tmpdir(), 'aws-exec-chaos-stop2-'));
    try {
      const runtime = await startTestRuntime({ dataDir: secondDir });
      runtimes.push(runtime);
      const go = createGoClient({ url: runtime.config.url, auth: runtime.config.auth });
      const uid = await go.start({ argv: ['sh', '-c', `trap '' TERM; echo "started $$"; while :; do sleep 0.1; done`] });
      const pid = Number((await waitForLog(go, uid, /^started (\d+)\n/))[1]);
      const signalledAt = Date.now();
      const exited = runtime.stop();
      await new Promise((resolve) => setTimeout(resolve, 300));
      runtime.process.kill('SIGTERM');
      expect(await exited).toBe(1);
      expect(Date.now() - signalledAt).toBeLessThan(1_500);
      await vi.waitFor(() => expect(isProcessAlive(pid)).toBe(false), { timeout: 5_000, interval: 50 });

      const again = await startTestRuntime({ dataDir: secondDir });
      runtimes.push(again);
      const job = await createGoClient({ url: again.config.url, auth: again.config.auth }).follow(uid);
      expect(job).toMatchObject({ exit: 137 });
      expect(job.log.toString('utf8')).toBe(`started ${pid}\n[aws-exec] the runtime running this job stopped; exit 137\n`);
    } finally {
      rmSync(secondDir, { recursive: true, force: true });
    }
  }, 120_000);
});
