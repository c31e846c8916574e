import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createDynamoJobStore } from '../../backend/jobs/dynamo-store.js';
import { jobKeys } from '../../protocol/index.js';
import { createGoClient } from '../helpers/go-client.js';
import { createLocalAwsClients } from '../helpers/local-aws-clients.js';
import { CLI, REPO, startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

// The local runtime runs what infra.yaml declares, with the functions' roles enforced and the
// schedule fired: each deploy bug of the file as it was before (fixtures/before/) shows on it,
// and is gone with today's infra.yaml.
const BEFORE = { infra: join(import.meta.dirname, 'fixtures/before/infra.yaml'), template: join(import.meta.dirname, 'fixtures/before/env.sh.template') };
const NOW = { infra: join(REPO, 'infra.yaml'), template: join(REPO, 'env.sh.template') };
const runtimes: TestRuntime[] = [];

afterAll(async () => {
  await Promise.all(runtimes.map((runtime) => runtime.dispose()));
});

async function start(files: typeof NOW, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<TestRuntime> {
  const runtime = await startTestRuntime({ args: ['--infra', files.infra, '--env-template', files.template, ...extraArgs], env });
  runtimes.push(runtime);
  return runtime;
}

async function stop(runtime: TestRuntime): Promise<void> {
  runtimes.splice(runtimes.indexOf(runtime), 1);
  await runtime.dispose();
}

describe.each([
  ['the infra.yaml before', BEFORE, true],
  ["today's infra.yaml", NOW, false],
] as const)('deploy parity with %s', (_name, files, buggy) => {
  it(buggy ? 'leaves TTL off: job records never expire (bug 1)' : 'switches TTL on for job records (attribute ttl)', async () => {
    const runtime = await start(files);
    const aws = createLocalAwsClients(runtime.config);
    try {
      const ttl = await aws.ddbClient.send(new DescribeTimeToLiveCommand({ TableName: runtime.config.jobsTable ?? runtime.config.table }));
      if (buggy) expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
      else expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });
    } finally {
      aws.destroy();
      await stop(runtime);
    }
  }, 60_000);

  it(
    buggy
      ? 'fires the schedule, but its sweep cannot close a lost job: without s3:ListBucket a missing object is AccessDenied (bug 2)'
      : 'fires the schedule, and its sweep closes a lost job with 137 and a line saying why',
    async () => {
      const runtime = await start(files, ['--schedule-every', '1s']);
      const aws = createLocalAwsClients(runtime.config);
      const client = createGoClient({ url: runtime.config.url, auth: runtime.config.auth });
      try {
        // A job whose runner died long ago: its record says running, past its deadline, and its
        // log is the empty object the API wrote at start. Made with the backend's own store.
        const store = createDynamoJobStore({ ddb: aws.ddb, table: runtime.config.jobsTable ?? runtime.config.table });
        const finished = await client.start({ argv: ['true'] });
        await client.follow(finished);
        const authName = (await store.getJob(finished))!['auth-name'];
        const uid = `${Math.floor(Date.now() / 1000) - 3600}.00000000-0000-4000-8000-000000000001`;
        const hourAgo = Date.now() - 3_600_000;
        await store.createJob({ uid, 'auth-name': authName, argv: ['sleep', '600'], 'started-at': hourAgo, ttl: Math.floor(Date.now() / 1000) + 86_400 });
        await aws.s3.send(new PutObjectCommand({ Bucket: runtime.config.bucket, Key: jobKeys(authName, uid).log, Body: '' }));
        expect(await store.claimJob(uid, authName, { claimedAt: hourAgo, deadline: hourAgo + 60_000 })).toBeDefined();

        if (buggy) {
          await vi.waitFor(() => expect(runtime.output()).toMatch(/could not finish a lost job[\s\S]*AccessDenied/), { timeout: 20_000, interval: 200 });
          expect((await store.getJob(uid))?.status).toBe('running');
          return;
        }
        const job = await client.follow(uid, { timeoutMs: 20_000 });
        expect(job.exit).toBe(137);
        expect(job.log.toString()).toMatch(/^\[aws-exec\] the runner of this job stopped before it finished; exit 137\n$/);
        expect(await store.getJob(uid)).toMatchObject({ status: 'exited', exit: 137 });
      } finally {
        aws.destroy();
        await stop(runtime);
      }
    },
    90_000,
  );

  it(
    buggy
      ? 'lets running jobs take every slot of the one function, so the API is throttled (bug 3)'
      : 'keeps the API answering while the job function is full, and queues the next job',
    async () => {
      // Two job slots (the function's reserved concurrency) in an account of 110.
      const runtime = await start(files, ['--account-concurrency', '110'], { PROJECT_CONCURRENCY: '2', PROJECT_JOB_CONCURRENCY: '2' });
      const client = createGoClient({ url: runtime.config.url, auth: runtime.config.auth });
      const aws = createLocalAwsClients(runtime.config);
      const store = createDynamoJobStore({ ddb: aws.ddb, table: runtime.config.jobsTable ?? runtime.config.table });
      try {
        const running = [await client.start({ argv: ['sleep', '60'] }), await client.start({ argv: ['sleep', '60'] })];
        // Read with the account's own key: the API may be the one thing that does not answer.
        await vi.waitFor(
          async () => expect(await Promise.all(running.map(async (uid) => (await store.getJob(uid))?.status))).toEqual(['running', 'running']),
          { timeout: 20_000, interval: 100 },
        );
        const list = await client.request('GET', '/api/jobs');
        if (buggy) {
          expect(list.status).toBe(500);
          expect(JSON.parse(list.text)).toEqual({ message: 'Internal Server Error' });
          expect(runtime.output()).toContain('TooManyRequestsException, ReservedFunctionConcurrentInvocationLimitExceeded');
          return;
        }
        expect(list.status).toBe(200);
        const third = await client.start({ argv: ['echo', 'third'] });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        expect((await store.getJob(third))?.status).toBe('queued');
        for (const uid of running) expect((await client.request('DELETE', `/api/exec?uid=${uid}`)).status).toBe(200);
        expect(await client.follow(third, { timeoutMs: 20_000 })).toMatchObject({ exit: 0, log: Buffer.from('third\n') });
      } finally {
        aws.destroy();
        await stop(runtime);
      }
    },
    90_000,
  );
});

describe('aws-exec serve with an infra.yaml libaws would refuse', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aws-exec-bad-infra-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const serve = (infra: string) => {
    const file = join(dir, `infra-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, infra);
    const dataDir = join(dir, `data-${Math.random().toString(36).slice(2)}`);
    const result = spawnSync(process.execPath, [CLI, 'serve', '--data-dir', dataDir, '--port', '0', '--aws-port', '0', '--infra', file, '--env-template', NOW.template], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 30_000,
    });
    let created: string[] = [];
    try {
      created = readdirSync(dataDir);
    } catch {
      // never made: nothing started
    }
    return { status: result.status, stderr: result.stderr, created };
  };
  const good = (): string => readFileSync(NOW.infra, 'utf8');

  it.each([
    ['an unknown lambda attribute', (text: string) => text.replace('      - concurrency=0', '      - concurency=0'), /:\d+: unknown lambda attr "concurency"/],
    ['a missing variable', (text: string) => text.replace('${PROJECT_BUCKET}:', '${NO_SUCH_VARIABLE}:'), /:\d+: missing environment variable NO_SUCH_VARIABLE/],
    ['a malformed schedule', (text: string) => text.replace('rate(5 minutes)', 'rate(1 minutes)'), /:\d+: .*rate\(1 minutes\)/],
    ['an unknown trigger type', (text: string) => text.replace('- type: schedule', '- type: cron'), /:\d+: unknown trigger type "cron"/],
  ])('refuses %s, naming the line, and starts nothing', (_what, edit, message) => {
    const result = serve(edit(good()));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(result.created).toEqual([]);
  });
});
