import { afterEach, describe, expect, it } from 'vitest';
import { playJob, startFakeServer } from '../client/fake-server.js';
import type { FakeJob, FakeServer } from '../client/fake-server.js';
import { runCli, startCli } from './run-cli.js';

let server: FakeServer;
afterEach(async () => server?.close());

const env = () => ({ PROJECT_URL: server.url, AUTH: server.auth });

/** Appends a line every 30 ms until the job is cancelled, then finishes it with 130. */
async function tickUntilCancelled(job: FakeJob): Promise<void> {
  while (!job.cancelRequested && !job.sizeWritten) {
    server.append(job.uid, 'tick\n');
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  if (job.sizeWritten) return;
  server.append(job.uid, 'cancelled\n');
  server.finish(job.uid, 130);
}

describe('aws-exec exec, tail, cancel and rpc against an API', () => {
  it('streams the output byte-exact and exits with the job exit code', async () => {
    server = await startFakeServer();
    const binary = Buffer.from([0xff, 0x00, 0xe2, 0x82]);
    server.onStart = (job) => void playJob(server, job.uid, ['hé\n', 30, binary, 30, Buffer.from([0xac, 0x0a])], 3);
    const result = await runCli(['exec', '--', 'sh', '-c', 'exit 3'], { env: env() });
    const uid = [...server.jobs.keys()][0] ?? '';
    expect(result.stderr).toBe(`job ${uid} · ${server.url}/#/job/${uid}\n`);
    expect(result.status).toBe(3);
    expect(result.stdout).toEqual(Buffer.concat([Buffer.from('hé\n'), binary, Buffer.from([0xac, 0x0a])]));
    expect([...server.jobs.values()][0]?.request).toEqual({ argv: ['sh', '-c', 'exit 3'] });
  });

  it('sends the job timeout and, with --detach, prints the uid and returns', async () => {
    server = await startFakeServer();
    const result = await runCli(['exec', '--timeout', '30', '--detach', '--', 'sleep', '600'], { env: env() });
    expect(result.status).toBe(0);
    const job = [...server.jobs.values()][0];
    expect(result.stdout.toString()).toBe(`${job?.uid}\n`);
    expect(job?.request).toEqual({ argv: ['sleep', '600'], timeout: 30 });
  });

  it('tails a job from an offset to its exit code', async () => {
    server = await startFakeServer();
    const job = server.addJob();
    server.append(job.uid, 'hello world\n');
    server.finish(job.uid, 42);
    const result = await runCli(['tail', job.uid, '--from', '6'], { env: env() });
    expect(result.stdout.toString()).toBe('world\n');
    expect(result.status).toBe(42);
  });

  it('cancels a job and says when it had already exited', async () => {
    server = await startFakeServer();
    const running = server.addJob();
    const exited = server.addJob();
    server.finish(exited.uid, 0);
    const first = await runCli(['cancel', running.uid], { env: env() });
    expect(first.stdout.toString()).toBe(`cancelling ${running.uid}\n`);
    expect(running.cancelRequested).toBe(true);
    const second = await runCli(['cancel', exited.uid], { env: env() });
    expect(second.stdout.toString()).toBe(`${exited.uid} had already exited\n`);
  });

  it('reports an unknown job with the server message and exit status 1', async () => {
    server = await startFakeServer();
    const result = await runCli(['tail', '1700000000.123e4567-e89b-12d3-a456-426614174000'], { env: env() });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('aws-exec: HTTP 404: No such job\n');
  });

  it('refuses a malformed uid with exit status 2 before calling the API', async () => {
    server = await startFakeServer();
    const result = await runCli(['tail', '../../etc'], { env: env() });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Expected a job uid like `1700000000.<uuid>`, got `../../etc`');
    expect(server.counters.apiStatus).toBe(0);
  });

  it('runs rpc with the JSON arguments as the rpc-args string, and refuses arguments that are not a JSON object', async () => {
    server = await startFakeServer();
    server.onStart = (job) => void playJob(server, job.uid, ['a\nb\n'], 0);
    const result = await runCli(['rpc', 'listdir', '{"path":"."}'], { env: env() });
    expect(result.status).toBe(0);
    expect(result.stdout.toString()).toBe('a\nb\n');
    expect([...server.jobs.values()][0]?.request).toEqual({ 'rpc-name': 'listdir', 'rpc-args': '{"path":"."}' });
    const bad = await runCli(['rpc', 'listdir', '{path:'], { env: env() });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('aws-exec: Expected the arguments of listdir to be a JSON object, got `{path:` (not JSON)\n');
  });

  it('shows the server message for a refused start (400) with exit status 1', async () => {
    server = await startFakeServer({ refuseStart: { status: 400, error: 'Expected rpc-args to match listdir: path: expected string' } });
    const result = await runCli(['rpc', 'listdir', '{"path": 3}'], { env: env() });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('aws-exec: HTTP 400: Expected rpc-args to match listdir: path: expected string\n');
  });
});

describe('Ctrl-C while following a job', () => {
  it('detaches without a terminal, printing the uid and how to resume, and leaves the job running', async () => {
    server = await startFakeServer();
    let job: FakeJob | undefined;
    server.onStart = (started) => {
      job = started;
      server.append(started.uid, 'tick\n');
    };
    const cli = startCli(['exec', '--', 'sleep', '600'], { env: env() });
    await cli.waitFor(/tick\n/);
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.status).toBe(130);
    expect(result.stderr).toBe(`job ${job?.uid} · ${server.url}/#/job/${job?.uid}\nDetached from job ${job?.uid} (still running). Resume with: aws-exec tail ${job?.uid} --from 5\n`);
    expect(job?.cancelRequested).toBe(false);
  });

  it('cancels without asking with --cancel-on-interrupt and follows the job to its exit code', async () => {
    server = await startFakeServer();
    let job: FakeJob | undefined;
    server.onStart = (started) => {
      job = started;
      void tickUntilCancelled(started);
    };
    const cli = startCli(['exec', '--cancel-on-interrupt', '--', 'sleep', '600'], { env: env() });
    await cli.waitFor(/tick\n/);
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.status).toBe(130);
    expect(result.stderr).toBe(`job ${job?.uid} · ${server.url}/#/job/${job?.uid}\nCancelling job ${job?.uid}…\n`);
    expect(result.stdout.toString()).toMatch(/^(tick\n)+cancelled\n$/);
    expect(job?.cancelRequested).toBe(true);
  });
});
