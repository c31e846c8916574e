import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../client/index.js';
import { putGoAuthKey, putLegacyAuthKey, type WrittenKey } from '../helpers/go-auth.js';
import { createGoClient } from '../helpers/go-client.js';
import { createLocalAwsClients, type LocalAwsClients } from '../helpers/local-aws-clients.js';
import { CLI, startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

// A Go aws-exec deployment moved to this one: its table's keys (as its auth-new wrote them),
// its object keys, its jobs in flight, its client, through a real `aws-exec serve`.
let runtime: TestRuntime;
let aws: LocalAwsClients;
let scratch: string;

beforeAll(async () => {
  runtime = await startTestRuntime();
  aws = createLocalAwsClients(runtime.config);
  scratch = mkdtempSync(join(tmpdir(), 'aws-exec-e2e-go-'));
});
afterAll(async () => {
  aws?.destroy();
  await runtime?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

const table = () => runtime.config.table;
const goClientOf = (key: WrittenKey) => createGoClient({ url: runtime.config.url, auth: key.key });
/** An object's text, read by the key spelled here (not by jobKeys), as the Go backend spelled it. */
const readText = async (key: string) => (await aws.readObject(key))?.toString('utf8');
const gateScript = (gate: string, first: string) => `echo '${first}'; while [ ! -e '${gate}' ]; do sleep 0.02; done; echo after`;

/** Runs the built CLI against the runtime's table; resolves with its status and output. */
function runCli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args, '--data-dir', runtime.dataDir], { env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe("a key written by the Go aws-exec's auth-new, through real HTTP", () => {
  it('runs, tails, lists and cancels jobs for a Go client, with the objects under jobs/<name>:<16 hex>/<uid>/', async () => {
    // A name as the Go auth-new accepts it: any string, here one that needs escaping in URLs.
    const written = await putGoAuthKey(aws.ddbClient, table(), "ops/team a+b (prod) é's");
    const go = goClientOf(written);
    const uid = await go.start({ argv: ['sh', '-c', 'echo hello; exit 5'] });
    const job = await go.follow(uid);
    expect({ log: job.log.toString(), exit: job.exit }).toEqual({ log: 'hello\n', exit: 5 });
    const prefix = `jobs/${written.authName}/${uid}/`;
    expect(prefix).toMatch(/^jobs\/ops\/team a\+b \(prod\) é's:[0-9a-f]{16}\/\d{10}\./);
    expect([await readText(`${prefix}log.txt`), await readText(`${prefix}exit`), await readText(`${prefix}size`)]).toEqual(['hello\n', '5', '6']);
    expect((await go.listJobs()).find((listed) => listed.uid === uid)).toMatchObject({ status: 'exited', exit: 5 });
    // The SDK follows the same job through the presigned URLs of that name.
    const sdk = createClient({ url: runtime.config.url, auth: written.key });
    const collected = await sdk.tail(uid).collect();
    expect({ log: Buffer.from(collected.bytes).toString(), exit: collected.exitCode }).toEqual({ log: 'hello\n', exit: 5 });

    const gate = join(scratch, 'cancel-gate');
    const running = await go.start({ argv: ['sh', '-c', gateScript(gate, 'started')] });
    await vi.waitFor(async () => expect((await go.readLog(running)).toString()).toBe('started\n'), { timeout: 30_000, interval: 50 });
    const cancel = await go.request('DELETE', `/api/exec?uid=${running}`);
    expect({ status: cancel.status, body: JSON.parse(cancel.text) as unknown }).toEqual({ status: 200, body: { uid: running, status: 'cancelling' } });
    const cancelled = await go.follow(running);
    expect(cancelled.exit).toBe(130);
    expect(await readText(`jobs/${written.authName}/${running}/exit`)).toBe('130');
  });

  it('gives two Go keys of one name each their own jobs; auth rm refuses the name, removes one by auth-name', async () => {
    const [first, second] = [await putGoAuthKey(aws.ddbClient, table(), 'gopher'), await putGoAuthKey(aws.ddbClient, table(), 'gopher')];
    const [goFirst, goSecond] = [goClientOf(first), goClientOf(second)];
    const uids = [await goFirst.start({ argv: ['echo', 'one'] }), await goSecond.start({ argv: ['echo', 'two'] })];
    expect((await goFirst.follow(uids[0] ?? '')).log.toString()).toBe('one\n');
    expect((await goSecond.follow(uids[1] ?? '')).log.toString()).toBe('two\n');
    expect(await readText(`jobs/${first.authName}/${uids[0]}/log.txt`)).toBe('one\n');
    expect(await readText(`jobs/${second.authName}/${uids[1]}/log.txt`)).toBe('two\n');
    expect((await goFirst.listJobs()).map((job) => job.uid)).toEqual([uids[0]]);
    expect((await goSecond.request('GET', `/api/exec?uid=${uids[0]}`)).status).toBe(404);

    const listed = await runCli(['auth', 'ls']);
    for (const key of [first, second]) expect(listed.stdout).toMatch(new RegExp(`^gopher +${key.authName} +all +- +- +blake2b$`, 'm'));
    const ambiguous = await runCli(['auth', 'rm', 'gopher']);
    expect(ambiguous.status).toBe(1);
    expect(ambiguous.stderr).toMatch(/Expected one key named `gopher`, found 2/);
    const removed = await runCli(['auth', 'rm', first.authName]);
    expect(removed).toMatchObject({ status: 0, stdout: `removed ${first.authName}\n` });
    const after = await runCli(['auth', 'ls']);
    expect(after.stdout).not.toContain(first.authName);
    expect(after.stdout).toContain(second.authName);
    // A key removed before any request used it (so no warm process trusts it) is refused at once.
    const unused = await putGoAuthKey(aws.ddbClient, table(), 'gopher-unused');
    expect((await runCli(['auth', 'rm', unused.authName])).status).toBe(0);
    expect((await goClientOf(unused).request('GET', '/api/jobs')).status).toBe(401);
  });

  it('refuses a key whose item has an empty value with the fixed-delay 401, as an unknown key', async () => {
    const empty = await putGoAuthKey(aws.ddbClient, table(), '');
    for (const key of [empty.key, randomUUID()]) {
      const started = Date.now();
      const answer = await createGoClient({ url: runtime.config.url, auth: key }).request('GET', '/api/jobs');
      expect({ status: answer.status, body: JSON.parse(answer.text) as unknown }).toEqual({ status: 401, body: { error: 'unauthorized' } });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    }
  });
});

describe('a key of our earlier release (SHA-256)', () => {
  it('still works, and its jobs keep its bare name as auth-name', async () => {
    const legacy = await putLegacyAuthKey(aws.ddbClient, table(), 'oldtimer');
    const go = goClientOf(legacy);
    const uid = await go.start({ argv: ['echo', 'still here'] });
    expect((await go.follow(uid)).log.toString()).toBe('still here\n');
    expect(await readText(`jobs/oldtimer/${uid}/log.txt`)).toBe('still here\n');
    expect((await go.listJobs()).map((job) => job.uid)).toEqual([uid]);
    expect((await runCli(['auth', 'ls'])).stdout).toMatch(/^oldtimer +oldtimer +all +- +\d{4}-\S+ +sha256 \(legacy\)$/m);
  });
});

describe('jobs of the Go backend in flight during the switch', () => {
  it('are followed by the Go client to their exit from their objects alone (the Go backend kept no record)', async () => {
    const written = await putGoAuthKey(aws.ddbClient, table(), 'inflight');
    const go = goClientOf(written);
    const uid = `${Math.floor(Date.now() / 1000)}.${randomUUID()}`;
    const prefix = `jobs/${written.authName}/${uid}/`;
    const put = (name: string, body: string) => aws.s3.send(new PutObjectCommand({ Bucket: runtime.config.bucket, Key: `${prefix}${name}`, Body: body }));
    // Nothing written yet: as a uid that never existed.
    expect((await go.request('GET', `/api/exec?uid=${uid}&range-start=0`)).status).toBe(404);
    await put('log.txt', 'partial\n');
    const chunks: string[] = [];
    const following = go.follow(uid, { onData: (chunk) => chunks.push(chunk.toString()) });
    await vi.waitFor(() => expect(chunks.join('')).toBe('partial\n'), { timeout: 30_000, interval: 50 });
    const cancel = await go.request('DELETE', `/api/exec?uid=${uid}`);
    expect({ status: cancel.status, body: JSON.parse(cancel.text) as unknown }).toEqual({
      status: 409,
      body: { error: expect.stringContaining('was started by the Go aws-exec backend, which cannot cancel jobs') },
    });
    // As the Go backend ends a job: the whole log, then exit, then size.
    await put('log.txt', 'partial\nrest\n');
    await put('exit', '7');
    await put('size', '13');
    const job = await following;
    expect({ log: job.log.toString(), exit: job.exit }).toEqual({ log: 'partial\nrest\n', exit: 7 });
  });

  it('runs an event the Go backend queued (no record) once, under its auth-name, followed by the Go client', async () => {
    const written = await putGoAuthKey(aws.ddbClient, table(), 'queued');
    const go = goClientOf(written);
    const uid = `${Math.floor(Date.now() / 1000)}.${randomUUID()}`;
    const file = join(scratch, `queued-${uid}`);
    // exec.AsyncEvent as the Go backend's httpExecPost marshals it: every field present.
    const goEvent = { 'event-type': 'exec', 'auth-name': written.authName, uid, 'push-urls': null, argv: ['sh', '-c', `echo ran >> '${file}'; echo queued; exit 2`], 'rpc-name': '', 'rpc-args': '' };
    const invoke = () =>
      aws.lambda.send(new InvokeCommand({ FunctionName: runtime.config.functionName ?? 'aws-exec', InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(goEvent)) }));
    expect((await invoke()).StatusCode).toBe(202);
    await vi.waitFor(async () => expect((await go.listJobs()).map((job) => job.uid)).toContain(uid), { timeout: 30_000, interval: 50 });
    const job = await go.follow(uid);
    expect({ log: job.log.toString(), exit: job.exit }).toEqual({ log: 'queued\n', exit: 2 });
    expect(await readText(`jobs/${written.authName}/${uid}/size`)).toBe('7');
    // A second delivery of the same event (Lambda delivers at least once) does not run it again.
    expect((await invoke()).StatusCode).toBe(202);
    await vi.waitFor(() => expect(runtime.output()).toMatch(new RegExp(`not running it again.*${uid}|${uid}.*not running it again`)), { timeout: 30_000, interval: 50 });
    expect(readFileSync(file, 'utf8')).toBe('ran\n');
  });
});
