import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGoClient, type GoClient } from '../helpers/go-client.js';
import { isProcessAlive } from '../helpers/processes.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

// Exit codes through real HTTP: a Go-style client of the original protocol against
// `aws-exec serve` in a child process.
let runtime: TestRuntime;
let go: GoClient;

beforeAll(async () => {
  runtime = await startTestRuntime();
  go = createGoClient({ url: runtime.config.url, auth: runtime.config.auth });
});
afterAll(async () => runtime?.dispose());

/** Waits until the job's log holds a line `pid N` and returns N. */
async function waitForPid(uid: string): Promise<number> {
  return vi.waitFor(
    async () => {
      const match = /^pid (\d+)$/m.exec((await go.readLog(uid)).toString());
      if (!match?.[1]) throw new Error(`no pid line yet in the log of ${uid}`);
      return Number(match[1]);
    },
    { timeout: 30_000, interval: 50 },
  );
}

describe('exit codes through real HTTP', () => {
  it('reports exit 0 and the output of a command that succeeds', async () => {
    const job = await go.follow(await go.start({ argv: ['sh', '-c', 'echo ok'] }));
    expect(job).toMatchObject({ exit: 0 });
    expect(job.log.toString()).toBe('ok\n');
  });

  it('reports the exit code a command chose, not 1', async () => {
    const job = await go.follow(await go.start({ argv: ['sh', '-c', 'echo three; exit 3'] }));
    expect(job.exit).toBe(3);
    expect(job.log.toString()).toBe('three\n');
  });

  it('reports a command killed by SIGKILL as 137 with a closing line', async () => {
    const job = await go.follow(await go.start({ argv: ['sh', '-c', 'echo before; kill -KILL $$; echo after'] }));
    expect(job.exit).toBe(137);
    expect(job.log.toString()).toBe('before\n[aws-exec] killed by signal SIGKILL (9)\n');
  });

  it('reports a command killed by SIGTERM as 143 with a closing line', async () => {
    const job = await go.follow(await go.start({ argv: ['sh', '-c', 'echo before; kill -TERM $$; echo after'] }));
    expect(job.exit).toBe(143);
    expect(job.log.toString()).toBe('before\n[aws-exec] killed by signal SIGTERM (15)\n');
  });

  it('reports a program that does not exist as 127 with a closing line', async () => {
    const job = await go.follow(await go.start({ argv: ['aws-exec-no-such-program'] }));
    expect(job.exit).toBe(127);
    expect(job.log.toString()).toBe('[aws-exec] command not found: aws-exec-no-such-program\n');
  });

  it('runs a registered command by rpc-name with its rpc-args as a JSON string', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aws-exec-e2e-rpc-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'a.txt'), 'a');
    try {
      const job = await go.follow(await go.start({ 'rpc-name': 'listdir', 'rpc-args': JSON.stringify({ path: dir }) }));
      expect(job.exit).toBe(0);
      expect(job.log.toString()).toBe(`${join(dir, 'sub', 'a.txt')}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops a job at its own timeout with 124, a closing line, and no process left', async () => {
    const answer = await go.request('POST', '/api/exec', { body: JSON.stringify({ argv: ['sh', '-c', 'echo "pid $$"; exec sleep 30'], timeout: 1 }) });
    expect(answer.status).toBe(200);
    const uid = (JSON.parse(answer.text) as { uid: string }).uid;
    const job = await go.follow(uid);
    expect(job.exit).toBe(124);
    // On a very busy machine the shell may not get to print its pid within the second.
    const log = job.log.toString();
    expect(log).toMatch(/^(pid \d+\n)?\[aws-exec\] timed out after 1s\n$/);
    const pid = /^pid (\d+)/.exec(log)?.[1];
    if (pid !== undefined) await vi.waitFor(() => expect(isProcessAlive(Number(pid))).toBe(false), { timeout: 10_000, interval: 50 });
  });

  it('cancels a running job: 130, a closing line, the process really gone, a second cancel says so', async () => {
    const uid = await go.start({ argv: ['sh', '-c', 'echo "pid $$"; exec sleep 600'] });
    const pid = await waitForPid(uid);
    expect(isProcessAlive(pid)).toBe(true);
    const cancel = await go.request('DELETE', `/api/exec?uid=${uid}`);
    expect(cancel.status).toBe(200);
    expect(JSON.parse(cancel.text)).toEqual({ uid, status: 'cancelling' });
    const job = await go.follow(uid);
    expect(job.exit).toBe(130);
    expect(job.log.toString()).toBe(`pid ${pid}\n[aws-exec] cancelled\n`);
    await vi.waitFor(() => expect(isProcessAlive(pid)).toBe(false), { timeout: 10_000, interval: 50 });
    const again = await go.request('DELETE', `/api/exec?uid=${uid}`);
    expect(JSON.parse(again.text)).toEqual({ uid, status: 'already-exited' });
    expect((await go.listJobs()).find((listed) => listed.uid === uid)).toMatchObject({ status: 'exited', exit: 130 });
  });
});
