import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { JobEvent, jobKeys } from '../../protocol/index.js';
import { localAuthName } from '../helpers/go-auth.js';
import { createGoClient, goExecBody, type GoClient } from '../helpers/go-client.js';
import { createLocalAwsClients, type LocalAwsClients } from '../helpers/local-aws-clients.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

// Where a job's objects go (push-urls) and how often it runs (once per uid), through
// real HTTP and the real Lambda Invoke API of `aws-exec serve`.
let runtime: TestRuntime;
let go: GoClient;
let aws: LocalAwsClients;
let scratch: string;

beforeAll(async () => {
  runtime = await startTestRuntime();
  go = createGoClient({ url: runtime.config.url, auth: runtime.config.auth });
  aws = createLocalAwsClients(runtime.config);
  scratch = mkdtempSync(join(tmpdir(), 'aws-exec-e2e-delivery-'));
});
afterAll(async () => {
  aws?.destroy();
  await runtime?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

const waitForGate = (gate: string) => `while [ ! -e '${gate}' ]; do sleep 0.02; done`;

describe('push-urls mode through real HTTP', () => {
  it('answers the POST at once and writes log, exit and size to the caller own bucket, size last, log byte-exact', async () => {
    const bucket = `caller-${randomUUID()}`;
    await aws.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const keys = { log: 'mine/job/log.txt', exit: 'mine/job/exit', size: 'mine/job/size' };
    const presignPut = (key: string) => getSignedUrl(aws.s3, new PutObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 900 });
    const pushUrls = { log: await presignPut(keys.log), exit: await presignPut(keys.exit), size: await presignPut(keys.size) };
    const gate = join(scratch, 'push-gate');
    const uid = await go.start({
      'push-urls': pushUrls,
      argv: ['bash', '-c', `printf 'pushed \\xc3\\xa9 \\xff\\n'; echo to-stderr >&2; ${waitForGate(gate)}; printf 'after the gate\\n'; exit 6`],
    });
    // The job cannot end before the gate opens, so the POST answered before it did.
    expect(await aws.readObject(keys.size, bucket)).toBeUndefined();
    expect(await aws.readObject(keys.exit, bucket)).toBeUndefined();
    const firstPart = Buffer.concat([Buffer.from('pushed é '), Buffer.from([0xff]), Buffer.from('\nto-stderr\n')]);
    await vi.waitFor(async () => expect((await aws.readObject(keys.log, bucket))?.equals(firstPart)).toBe(true), { timeout: 30_000, interval: 50 });
    writeFileSync(gate, '');
    // Once size is there, exit and the whole log must already be there.
    const size = await vi.waitFor(
      async () => {
        const found = await aws.readObject(keys.size, bucket);
        if (found === undefined) throw new Error('no size object yet');
        return Number(found.toString());
      },
      { timeout: 30_000, interval: 20 },
    );
    const [log, exit] = await Promise.all([aws.readObject(keys.log, bucket), aws.readObject(keys.exit, bucket)]);
    expect(exit?.toString()).toBe('6');
    expect(log?.equals(Buffer.concat([firstPart, Buffer.from('after the gate\n')]))).toBe(true);
    expect(size).toBe(log?.length);
    // Nothing went to the runtime's own bucket, and the API sends the caller to its own objects.
    expect(await aws.readObject(jobKeys(localAuthName(runtime.config.auth), uid).log)).toBeUndefined();
    const status = await go.request('GET', `/api/exec?uid=${uid}&range-start=0`);
    expect(status.status).toBe(400);
    expect(JSON.parse(status.text)).toEqual({ error: expect.stringContaining('push-urls') });
    await vi.waitFor(async () => expect((await go.listJobs()).find((job) => job.uid === uid)).toMatchObject({ status: 'exited', exit: 6 }), {
      timeout: 10_000,
      interval: 50,
    });
  });

  it('refuses push-urls that the storage refuses, with a 400, and starts nothing', async () => {
    const presignPut = (key: string) =>
      getSignedUrl(aws.s3, new PutObjectCommand({ Bucket: `no-such-bucket-${randomUUID()}`, Key: key }), { expiresIn: 900 });
    const pushUrls = { log: await presignPut('log'), exit: await presignPut('exit'), size: await presignPut('size') };
    const file = join(scratch, `never-${randomUUID()}.txt`);
    const answer = await go.request('POST', '/api/exec', {
      body: JSON.stringify(goExecBody({ 'push-urls': pushUrls, argv: ['sh', '-c', `echo ran > '${file}'`] })),
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({ error: expect.stringMatching(/push-urls|log/) });
    expect((await go.listJobs()).filter((job) => job.status !== 'exited')).toEqual([]);
    expect(existsSync(file)).toBe(false);
  });
});

describe('at most one run per uid through the real Lambda Invoke API', () => {
  const invokeJob = async (event: JobEvent, type: 'Event' | 'RequestResponse') => {
    const result = await aws.lambda.send(
      new InvokeCommand({ FunctionName: runtime.config.functionName ?? 'aws-exec', InvocationType: type, Payload: Buffer.from(JSON.stringify(event)) }),
    );
    return { status: result.StatusCode, payload: Buffer.from(result.Payload ?? []).toString(), functionError: result.FunctionError };
  };
  const countSkips = (uid: string) =>
    runtime
      .output()
      .split('\n')
      .filter((line) => line.includes(uid) && line.includes('not running it again')).length;

  it('runs a job once when its exact event is delivered twice more, concurrently, after it ended', async () => {
    const file = join(scratch, `ran-${randomUUID()}.txt`);
    const argv = ['sh', '-c', `echo ran >> '${file}'; echo done`];
    const uid = await go.start({ argv });
    const job = await go.follow(uid);
    expect(job).toMatchObject({ exit: 0 });
    expect(job.log.toString()).toBe('done\n');
    const event = JobEvent.parse({ 'event-type': 'exec', 'auth-name': localAuthName(runtime.config.auth), uid, argv });
    const deliveries = await Promise.all([invokeJob(event, 'Event'), invokeJob(event, 'Event')]);
    expect(deliveries.map((delivery) => delivery.status)).toEqual([202, 202]);
    await vi.waitFor(() => expect(countSkips(uid)).toBe(2), { timeout: 30_000, interval: 50 });
    expect(readFileSync(file, 'utf8')).toBe('ran\n');
    expect((await go.follow(uid)).log.toString()).toBe('done\n');
    expect((await go.listJobs()).find((listed) => listed.uid === uid)).toMatchObject({ status: 'exited', exit: 0 });
  });

  it('runs a job once when its event is delivered twice more while the first delivery races to claim it', async () => {
    const file = join(scratch, `ran-${randomUUID()}.txt`);
    const argv = ['sh', '-c', `echo ran >> '${file}'; echo done`];
    const uid = await go.start({ argv });
    const event = JobEvent.parse({ 'event-type': 'exec', 'auth-name': localAuthName(runtime.config.auth), uid, argv });
    const results = await Promise.all([invokeJob(event, 'RequestResponse'), invokeJob(event, 'RequestResponse')]);
    const job = await go.follow(uid);
    expect(job.exit).toBe(0);
    expect(job.log.toString()).toBe('done\n');
    expect(readFileSync(file, 'utf8')).toBe('ran\n');
    const statuses = results.map((result) => (JSON.parse(result.payload) as { status: string }).status);
    expect(statuses.filter((status) => status === 'finished').length).toBeLessThanOrEqual(1);
    expect(statuses.filter((status) => status === 'skipped').length).toBeGreaterThanOrEqual(1);
  });
});
