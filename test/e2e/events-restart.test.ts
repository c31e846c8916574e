import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ListJobsResponse, type JobSummary } from '../../protocol/index.js';
import { runCli } from '../cli/run-cli.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { startReceiver, verifyStandardSignature, type Receiver } from '../helpers/webhook-receiver.js';

// Webhook retries are state on the job record, not in a process: a runtime stopped between two
// attempts makes the next ones after it starts again (its start sweep, then the schedule's).
let receiver: Receiver;
let dataDir: string;
let runtime: TestRuntime | undefined;

// The runner makes only the first attempt (EVENT_INLINE_RETRY=0ms); retries 1 s apart are the sweep's.
const env = { EVENT_RETRY_SCHEDULE: '1s,1s,1s', EVENT_INLINE_RETRY: '0ms' };

async function listJob(current: TestRuntime, uid: string): Promise<JobSummary | undefined> {
  const response = await fetch(`${current.config.url}/api/jobs`, { headers: { auth: current.config.auth } });
  return ListJobsResponse.parse(await response.json()).jobs.find((job) => job.uid === uid);
}

beforeAll(async () => {
  receiver = await startReceiver();
  dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-events-restart-'));
}, 30_000);

afterAll(async () => {
  await runtime?.dispose();
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('webhook retries across a restart', () => {
  it('makes the remaining attempts after the runtime restarts, with the same webhook-id', async () => {
    receiver.script('/flaky', [500, 500, 200]);
    runtime = await startTestRuntime({ dataDir, env });
    const rotated = await runCli(['--data-dir', dataDir, 'auth', 'webhook-secret', 'local']);
    expect(rotated.status, rotated.stderr).toBe(0);
    const secret = rotated.stdout.toString('utf8').trim();
    const first = runtime;
    const started = await fetch(`${first.config.url}/api/exec`, {
      method: 'POST',
      headers: { auth: first.config.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ argv: ['sh', '-c', 'exit 4'], notify: { url: `${receiver.url}/flaky` } }),
    });
    const { uid } = (await started.json()) as { uid: string };
    await vi.waitFor(async () => expect((await listJob(first, uid))?.event?.attempts).toHaveLength(1), { timeout: 20_000, interval: 100 });
    expect((await listJob(first, uid))?.event).toMatchObject({ state: 'pending', attempts: [{ status: 500 }] });
    expect(await first.stop()).toBe(0);
    runtime = undefined;

    runtime = await startTestRuntime({ dataDir, env, args: ['--schedule-every', '500ms'] });
    const second = runtime;
    await vi.waitFor(async () => expect((await listJob(second, uid))?.event?.state).toBe('delivered'), { timeout: 30_000, interval: 200 });
    const attempts = receiver.received.filter((request) => request.path === '/flaky');
    expect(attempts.map((request) => request.status)).toEqual([500, 500, 200]);
    expect(new Set(attempts.map((request) => request.headers['webhook-id']))).toEqual(new Set([`msg_${uid}`]));
    for (const attempt of attempts) expect(verifyStandardSignature(secret, attempt)).toBe(true);
    // Spaced by the schedule (1 s), not sent in a burst.
    for (let i = 1; i < attempts.length; i++) expect((attempts[i]?.at ?? 0) - (attempts[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect((await listJob(second, uid))?.event?.attempts.map((attempt) => attempt.status)).toEqual([500, 500, 200]);
  }, 120_000);
});
