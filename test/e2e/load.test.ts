import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type AwsExecClient } from '../../client/index.js';
import { DEFAULT_LOG_CAP_BYTES, jobKeys, truncationMarker } from '../../protocol/index.js';
import { localAuthName } from '../helpers/go-auth.js';
import { createGoClient, type GoClient } from '../helpers/go-client.js';
import { createLocalAwsClients, type LocalAwsClients } from '../helpers/local-aws-clients.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

// Big and many jobs through real HTTP against `aws-exec serve` with its defaults.
let runtime: TestRuntime;
let go: GoClient;
let sdk: AwsExecClient;
let aws: LocalAwsClients;

beforeAll(async () => {
  // One key starts 50 jobs at once below, above the per-key cap env.sh.template sets (25).
  runtime = await startTestRuntime({ env: { KEY_MAX_RUNNING_JOBS: '0' } });
  go = createGoClient({ url: runtime.config.url, auth: runtime.config.auth });
  sdk = createClient({ url: runtime.config.url, auth: runtime.config.auth, poll: { maxDelayMs: 250 } });
  aws = createLocalAwsClients(runtime.config);
});
afterAll(async () => {
  aws?.destroy();
  await runtime?.dispose();
});

const LINE_BYTES = 64;
const TOTAL_BYTES = 64 * 1024 * 1024;

/** Line n of the big job's output: the number, then filler, 64 bytes with the newline. */
const line = (n: number) => `${`${String(n).padStart(10, '0')} `.padEnd(LINE_BYTES - 1, 'x')}\n`;

/** Bytes [from, to) of the big job's output, built without the other 64 MiB. */
function outputRange(from: number, to: number): string {
  const first = Math.floor(from / LINE_BYTES);
  const last = Math.ceil(to / LINE_BYTES);
  const text = Array.from({ length: last - first }, (_, k) => line(first + k)).join('');
  return text.slice(from - first * LINE_BYTES, to - first * LINE_BYTES);
}

// Writes TOTAL_BYTES of `line(n)` for n = 0, 1, ... to stdout, respecting backpressure.
const BIG_JOB_SCRIPT = [
  `const lines = ${TOTAL_BYTES / LINE_BYTES}; let i = 0;`,
  `const line = (n) => (String(n).padStart(10, '0') + ' ').padEnd(${LINE_BYTES - 1}, 'x') + '\\n';`,
  'function write() { while (i < lines) { let s = ""; for (let k = 0; k < 16384 && i < lines; k++) s += line(i++);',
  '  if (!process.stdout.write(s)) { process.stdout.once("drain", write); return; } } }',
  'write();',
].join('\n');

describe('big and many jobs through real HTTP', () => {
  it('caps a 64 MiB log at the default 32 MiB: exact head, the marker with the dropped count, exact tail, size = log length', async () => {
    const uid = await go.start({ argv: [process.execPath, '-e', BIG_JOB_SCRIPT] });
    const job = await go.follow(uid, { timeoutMs: 150_000 });
    expect(job.exit).toBe(0);
    expect(job.log.length).toBeLessThanOrEqual(DEFAULT_LOG_CAP_BYTES);
    const text = job.log.toString('latin1');
    const markers = [...text.matchAll(/\n\[\.\.\. (\d+) bytes truncated \.\.\.\]\n/g)];
    expect(markers).toHaveLength(1);
    const [marker] = markers;
    const dropped = Number(marker?.[1]);
    expect(marker?.[0]).toBe(truncationMarker(dropped));
    const head = text.slice(0, marker?.index);
    const tail = text.slice((marker?.index ?? 0) + (marker?.[0].length ?? 0));
    expect(head.length + dropped + tail.length).toBe(TOTAL_BYTES);
    // Most of the cap is kept, as head and tail; both are the command's very bytes.
    expect(head.length).toBeGreaterThan(DEFAULT_LOG_CAP_BYTES / 2);
    expect(tail.length).toBeGreaterThan(DEFAULT_LOG_CAP_BYTES / 8);
    expect(head === outputRange(0, head.length)).toBe(true);
    expect(tail === outputRange(TOTAL_BYTES - tail.length, TOTAL_BYTES)).toBe(true);
    const keys = jobKeys(localAuthName(runtime.config.auth), uid);
    expect((await aws.readObject(keys.size))?.toString()).toBe(String(job.log.length));
    expect((await aws.readObject(keys.exit))?.toString()).toBe('0');
    // The runner extended the shipped head in place (a multipart upload under the jobs
    // function's policy from infra.yaml, enforced locally): the log was sent about once.
    expect(runtime.output()).not.toContain('extending the log in place failed');
    const finished = runtime.output().split('\n').find((entry) => entry.includes('"job finished"') && entry.includes(uid));
    const uploaded = Number(/"uploadedBytes":(\d+)/.exec(finished ?? '')?.[1]);
    expect(uploaded / job.log.length).toBeLessThanOrEqual(1.5);
  }, 180_000);

  it('runs 50 concurrent jobs with distinct output, each byte-exact with its own exit code', async () => {
    const count = 50;
    const argvOf = (i: number) => ['sh', '-c', `seq -f 'job ${i} line %g' 1 ${i * 20 + 1}; echo 'job ${i} é😀 err' >&2; exit ${i % 9}`];
    const expectedLog = (i: number) =>
      `${Array.from({ length: i * 20 + 1 }, (_, k) => `job ${i} line ${k + 1}\n`).join('')}job ${i} é😀 err\n`;
    const uids = await Promise.all(Array.from({ length: count }, (_, i) => go.start({ argv: argvOf(i) })));
    expect(new Set(uids).size).toBe(count);
    // Even jobs are followed the Go way, odd ones with the SDK.
    const jobs = await Promise.all(
      uids.map(async (uid, i) => {
        if (i % 2 === 0) return go.follow(uid, { timeoutMs: 150_000 });
        const { bytes, exitCode } = await sdk.tail(uid).collect();
        return { log: Buffer.from(bytes), exit: exitCode };
      }),
    );
    jobs.forEach((job, i) => {
      expect({ i, exit: job.exit, log: job.log.toString('utf8') }).toEqual({ i, exit: i % 9, log: expectedLog(i) });
    });
    const listed = new Map((await go.listJobs()).map((job) => [job.uid, job]));
    uids.forEach((uid, i) => expect(listed.get(uid)).toMatchObject({ status: 'exited', exit: i % 9 }));
  }, 180_000);
});
