import { spawn } from 'node:child_process';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { JobEndedEvent, ListJobsResponse, type JobSummary } from '../../protocol/index.js';
import { runCli } from '../cli/run-cli.js';
import { putGoAuthKey } from '../helpers/go-auth.js';
import { createLocalAwsClients } from '../helpers/local-aws-clients.js';
import { REPO, startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { startReceiver, verifyStandardSignature, type Receiver } from '../helpers/webhook-receiver.js';

// Job end events through real servers: `aws-exec serve` in a child process, provisioned from
// infra.yaml (its queue on the local SQS), a webhook receiver on 127.0.0.1, the CLI as users run it.
let runtime: TestRuntime;
let receiver: Receiver;
let key: string;
let secret: string;

const cli = (args: string[], auth = key) => runCli(['--data-dir', runtime.dataDir, ...args], { env: { AUTH: auth } });

async function post(body: unknown, auth = key): Promise<Response> {
  return fetch(`${runtime.config.url}/api/exec`, { method: 'POST', headers: { auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function startJob(body: unknown, auth = key): Promise<string> {
  const response = await post(body, auth);
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { uid: string }).uid;
}

async function listJob(uid: string): Promise<JobSummary | undefined> {
  const response = await fetch(`${runtime.config.url}/api/jobs?limit=50`, { headers: { auth: key } });
  return ListJobsResponse.parse(await response.json()).jobs.find((job) => job.uid === uid);
}

beforeAll(async () => {
  receiver = await startReceiver();
  // Retries 100 ms apart (the default is Svix's 5 s, 5 min, ...), waited out by the runner.
  runtime = await startTestRuntime({ env: { EVENT_RETRY_SCHEDULE: '100ms,100ms,100ms', EVENT_INLINE_RETRY: '5s' } });
  const created = await cli(['auth', 'new', 'hooks']);
  expect(created.status, created.stderr).toBe(0);
  key = created.stdout.toString('utf8').trim();
  secret = /(whsec_[A-Za-z0-9+/=]+)/.exec(created.stderr)?.[1] ?? '';
  expect(secret).not.toBe('');
}, 90_000);

afterAll(async () => {
  await runtime?.dispose();
  await receiver?.close();
});

describe('job end webhooks', () => {
  it('retries a receiver that answers 500 twice: one job, three signed attempts, one webhook-id', async () => {
    receiver.script('/flaky', [500, 500, 200]);
    const uid = await startJob({ argv: ['sh', '-c', 'echo hi; exit 3'], notify: { url: `${receiver.url}/flaky` } });
    await vi.waitFor(() => expect(receiver.received.filter((request) => request.path === '/flaky')).toHaveLength(3), { timeout: 30_000, interval: 50 });
    const attempts = receiver.received.filter((request) => request.path === '/flaky');
    expect(attempts.map((request) => request.status)).toEqual([500, 500, 200]);
    expect(new Set(attempts.map((request) => request.headers['webhook-id']))).toEqual(new Set([`msg_${uid}`]));
    for (const attempt of attempts) expect(verifyStandardSignature(secret, attempt)).toBe(true);
    expect(verifyStandardSignature(secret.replace(/^whsec_./, 'whsec_A'), attempts[0] as (typeof attempts)[0])).toBe(false);
    // Every attempt sends the same body.
    expect(new Set(attempts.map((request) => request.body)).size).toBe(1);
    const event = JobEndedEvent.parse(JSON.parse(attempts[0]?.body ?? ''));
    expect(event.data).toMatchObject({ uid, exit: 3, size: 3, command: { kind: 'argv', program: 'sh', args: 2 } });
    expect(event.data['auth-name']).toMatch(/^hooks:[0-9a-f]{16}$/);

    await vi.waitFor(async () => expect((await listJob(uid))?.event?.state).toBe('delivered'), { timeout: 10_000, interval: 100 });
    const listed = (await listJob(uid))?.event;
    expect(listed).toMatchObject({ id: `msg_${uid}`, url: `${receiver.url}/flaky`, queued: true });
    expect(listed?.attempts.map((attempt) => attempt.status)).toEqual([500, 500, 200]);
  });

  it('sends the same event to the project queue of infra.yaml', async () => {
    const uid = await startJob({ 'rpc-name': 'listdir', 'rpc-args': { path: '.' } });
    const sqs = new SQSClient({
      endpoint: runtime.config.awsEndpoint,
      region: runtime.config.region,
      credentials: { accessKeyId: runtime.config.accessKeyId, secretAccessKey: runtime.config.secretAccessKey },
    });
    const queueUrl = `${runtime.config.awsEndpoint}/000000000000/aws-exec-events`;
    try {
      const found = await vi.waitFor(
        async () => {
          const answer = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }));
          const message = (answer.Messages ?? []).find((candidate) => JobEndedEvent.parse(JSON.parse(candidate.Body ?? '')).data.uid === uid);
          if (!message) throw new Error(`no event of ${uid} in the queue yet`);
          return message;
        },
        { timeout: 30_000, interval: 100 },
      );
      expect(JobEndedEvent.parse(JSON.parse(found.Body ?? '')).data).toMatchObject({ uid, exit: 0, command: { kind: 'rpc', 'rpc-name': 'listdir' } });
      expect(found.MessageAttributes?.['event-id']?.StringValue).toBe(`msg_${uid}`);
    } finally {
      sqs.destroy();
    }
  });

  it("is consumed by the README's example consumer, as written", async () => {
    const uid = await startJob({ argv: ['sh', '-c', 'exit 5'] });
    // `node --import tsx scripts/consume-events.ts` beside the runtime (it finds its local.json).
    const consumer = spawn(process.execPath, ['--import', 'tsx', 'scripts/consume-events.ts', '--json'], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', AWS_EXEC_DATA_DIR: runtime.dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    consumer.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    try {
      const line = await vi.waitFor(
        () => {
          const found = out.split('\n').find((candidate) => candidate.includes(uid));
          if (!found) throw new Error(`the consumer has not printed ${uid} yet:\n${out}`);
          return found;
        },
        { timeout: 30_000, interval: 100 },
      );
      expect(JSON.parse(line)).toMatchObject({ uid, exit: 5, command: { kind: 'argv', program: 'sh' } });
    } finally {
      consumer.kill('SIGTERM');
    }
  });

  it('refuses notify URLs that are not http(s), naming the field', async () => {
    for (const url of ['ftp://example.com/hook', 'not a url']) {
      const response = await post({ argv: ['true'], notify: { url } });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/notify\.url/);
    }
    const misspelled = await post({ argv: ['true'], notify: { uri: 'https://example.com' } });
    expect(misspelled.status).toBe(400);
    expect(((await misspelled.json()) as { error: string }).error).toMatch(/notify/);
  });

  it("signs with the new secret after auth webhook-secret, and reports to the key's default URL", async () => {
    const created = await cli(['auth', 'new', 'rotated']);
    const rotatedKey = created.stdout.toString('utf8').trim();
    const first = /(whsec_[A-Za-z0-9+/=]+)/.exec(created.stderr)?.[1];
    const authName = /its jobs: (rotated:[0-9a-f]{16})/.exec(created.stderr)?.[1] ?? '';
    const rotated = await cli(['auth', 'webhook-secret', authName, '--notify-url', `${receiver.url}/default`]);
    expect(rotated.status, rotated.stderr).toBe(0);
    const fresh = rotated.stdout.toString('utf8').trim();
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(first);
    const uid = await startJob({ argv: ['true'] }, rotatedKey);
    await vi.waitFor(() => expect(receiver.received.some((request) => request.path === '/default' && request.headers['webhook-id'] === `msg_${uid}`)).toBe(true), {
      timeout: 20_000,
      interval: 50,
    });
    const delivered = receiver.received.find((request) => request.headers['webhook-id'] === `msg_${uid}`);
    expect(delivered && verifyStandardSignature(fresh, delivered)).toBe(true);
    expect(delivered && verifyStandardSignature(first ?? '', delivered)).toBe(false);
  });

  it('refuses notify from a key the Go aws-exec made (no webhook secret), saying how to give it one', async () => {
    const aws = createLocalAwsClients(runtime.config);
    try {
      const written = await putGoAuthKey(aws.ddbClient, runtime.config.table, 'go-key');
      const response = await post({ argv: ['true'], notify: { url: `${receiver.url}/x` } }, written.key);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/auth webhook-secret/);
      // Without notify it starts jobs as before.
      expect((await post({ argv: ['true'] }, written.key)).status).toBe(200);
    } finally {
      aws.destroy();
    }
  });
});

describe('aws-exec wait', () => {
  it("exits with the job's exit code, and with the first non-zero one of several", async () => {
    const failing = await startJob({ argv: ['sh', '-c', 'sleep 0.5; exit 7'] });
    const fine = await startJob({ argv: ['true'] });
    const one = await cli(['wait', failing]);
    expect(one.status, one.stderr).toBe(7);
    expect(one.stdout.toString()).toBe(`${failing} exit 7\n`);
    const both = await cli(['wait', fine, failing, '--json']);
    expect(both.status).toBe(7);
    expect(JSON.parse(both.stdout.toString())).toEqual([
      { uid: fine, exit: 0 },
      { uid: failing, exit: 7 },
    ]);
    const ok = await cli(['wait', fine]);
    expect(ok.status).toBe(0);
  });

  it('refuses something that is not a uid with a usage error', async () => {
    const result = await cli(['wait', 'nope']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Expected job uids/);
  });
});
