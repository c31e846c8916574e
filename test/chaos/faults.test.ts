import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../client/index.js';
import { createFaultClient, type FaultClient, type FaultConfig, type FaultCounts, type FaultStats } from '../../local/index.js';
import { jobKeys } from '../../protocol/index.js';
import { createGoClient, GO_ATTEMPTS } from '../helpers/go-client.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { prepareChaosJobs, type ChaosJob } from './faults-jobs.js';

// 20 jobs stream while the local AWS endpoint of `aws-exec serve` fails S3 reads and writes
// with 5xx and throttling (and throttles the job record's DynamoDB writes): every job must end
// byte-exact with its real exit code, as read by the Go-style client and by the SDK client, and
// as stored. The same workload runs first without faults, for the cost of the faults.

/**
 * What a chaos round injects: S3's 500 InternalError and 503 SlowDown on the job's writes and the
 * clients' reads (10 % in all, half each), DynamoDB's throttling of the job record's writes
 * (10 %). When exploring, CHAOS_S3_RATE (5xx + throttling), CHAOS_RESET_RATE (S3 connection
 * resets, half before and half after the request is served) and CHAOS_DDB_RATE change them:
 * at 0.2 + 0.1 + 0.5 every job still ends exact (2 and 3 rounds); at 0.5 DynamoDB throttling
 * about one claim in 256 outlasts the backend's eight attempts, and that job starts a minute
 * late, on Lambda's retry of its event. Beyond 10 % the Go client's seven attempts are the
 * weak point (at 20 %: 0.2^7 per log read, about one failed run in 400), which is the
 * original client's own limit.
 */
const S3_RATE = Number(process.env.CHAOS_S3_RATE ?? '0.1');
const RESET_RATE = Number(process.env.CHAOS_RESET_RATE ?? '0');
const CHAOS: FaultConfig = {
  seed: 20_260_512,
  rules: [
    {
      match: ['s3:PutObject', 's3:GetObject', 's3:HeadObject'],
      errorRate: S3_RATE / 2,
      throttleRate: S3_RATE / 2,
      ...(RESET_RATE > 0 ? { resetBeforeRate: RESET_RATE / 2, resetAfterRate: RESET_RATE / 2 } : {}),
    },
    { match: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], throttleRate: Number(process.env.CHAOS_DDB_RATE ?? '0.1') },
  ],
};

/** Requests a client made and how many failed (a 5xx answer or no answer): each of those was retried or surfaced. */
interface FetchCounts {
  requests: number;
  answers5xx: number;
  noAnswer: number;
}

function countingFetch(counts: FetchCounts): typeof fetch {
  return async (input, init) => {
    counts.requests += 1;
    try {
      const response = await fetch(input, init);
      if (response.status >= 500) counts.answers5xx += 1;
      return response;
    } catch (error) {
      counts.noAnswer += 1;
      throw error;
    }
  };
}

/** What one round of the workload gave. */
interface RoundResult {
  /** Per job: the Go client's and the SDK client's log and exit, and the milliseconds from start to both ends. */
  jobs: { job: ChaosJob; uid: string; go: { log: Buffer; exit: number }; sdk: { log: Buffer; exit: number }; ms: number }[];
  wallMs: number;
  go: FetchCounts;
  sdk: FetchCounts;
  /** Backend warnings about failed uploads (each followed by a retry, or a give-up). */
  backendUploadRetries: number;
}

let runtime: TestRuntime;
let faults: FaultClient;
let scratch: string;
let jobs: ChaosJob[];
let storage: S3Client;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'aws-exec-chaos-'));
  jobs = prepareChaosJobs(scratch);
  const file = join(scratch, 'faults.json');
  writeFileSync(file, JSON.stringify(CHAOS));
  runtime = await startTestRuntime({ args: ['--faults', file] });
  const { awsEndpoint, region, accessKeyId, secretAccessKey } = runtime.config;
  faults = createFaultClient({ endpoint: awsEndpoint, region, credentials: { accessKeyId, secretAccessKey } });
  // Reads the stored objects at the end, patiently: the faults are still on for GetObject.
  storage = new S3Client({ endpoint: awsEndpoint, region, credentials: { accessKeyId, secretAccessKey }, forcePathStyle: true, maxAttempts: 20 });
});
afterAll(async () => {
  // CHAOS_LOG=FILE keeps what the runtime printed (its functions' logs among it), for a failed or slow round.
  if (process.env.CHAOS_LOG && runtime) writeFileSync(process.env.CHAOS_LOG, runtime.output());
  storage?.destroy();
  await runtime?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

async function runRound(): Promise<RoundResult> {
  const goCounts: FetchCounts = { requests: 0, answers5xx: 0, noAnswer: 0 };
  const sdkCounts: FetchCounts = { requests: 0, answers5xx: 0, noAnswer: 0 };
  const go = createGoClient({ url: runtime.config.url, auth: runtime.config.auth, attempts: GO_ATTEMPTS, fetch: countingFetch(goCounts) });
  const sdk = createClient({ url: runtime.config.url, auth: runtime.config.auth, fetch: countingFetch(sdkCounts), poll: { maxDelayMs: 250 } });
  const outputBefore = runtime.output().length;
  const started = Date.now();
  const results = await Promise.all(
    jobs.map(async (job) => {
      const jobStarted = Date.now();
      const uid = await go.start(job.fields);
      const [goFollowed, sdkRead] = await Promise.all([go.follow(uid, { timeoutMs: 150_000 }), sdk.tail(uid).collect()]);
      return {
        job,
        uid,
        go: { log: goFollowed.log, exit: goFollowed.exit },
        sdk: { log: Buffer.from(sdkRead.bytes), exit: sdkRead.exitCode },
        ms: Date.now() - jobStarted,
      };
    }),
  );
  const output = runtime.output().slice(outputBefore);
  return {
    jobs: results,
    wallMs: Date.now() - started,
    go: goCounts,
    sdk: sdkCounts,
    backendUploadRetries: (output.match(/upload failed/g) ?? []).length,
  };
}

/** Checks every job of a round: both clients saw the whole log and the real exit code, and so does the bucket. */
async function expectAllExact(round: RoundResult): Promise<void> {
  for (const { job, uid, go, sdk } of round.jobs) {
    expect({ job: job.name, exit: go.exit, exact: go.log.equals(job.expectedLog), length: go.log.length }).toEqual({
      job: job.name,
      exit: job.expectedExit,
      exact: true,
      length: job.expectedLog.length,
    });
    expect({ job: job.name, exit: sdk.exit, exact: sdk.log.equals(job.expectedLog) }).toEqual({ job: job.name, exit: job.expectedExit, exact: true });
    const keys = jobKeys(await findAuthName(uid), uid);
    const read = async (key: string) => Buffer.from((await (await storage.send(new GetObjectCommand({ Bucket: runtime.config.bucket, Key: key }))).Body?.transformToByteArray()) ?? []);
    const [log, exit, size] = await Promise.all([read(keys.log), read(keys.exit), read(keys.size)]);
    expect({ job: job.name, stored: log.equals(job.expectedLog), exit: exit.toString(), size: size.toString() }).toEqual({
      job: job.name,
      stored: true,
      exit: String(job.expectedExit),
      size: String(job.expectedLog.length),
    });
  }
}

/** The auth-name a job's objects are stored under, read from the bucket's listing (not faulted); one key, one name. */
let knownAuthName: string | undefined;
async function findAuthName(uid: string): Promise<string> {
  if (knownAuthName !== undefined) return knownAuthName;
  const listed = await storage.send(new ListObjectsV2Command({ Bucket: runtime.config.bucket, Prefix: 'jobs/' }));
  const key = listed.Contents?.map((object) => object.Key ?? '').find((name) => name.includes(`/${uid}/`));
  const authName = key?.split('/')[1];
  if (authName === undefined) throw new Error(`Expected the objects of job ${uid} under jobs/, found none`);
  knownAuthName = authName;
  return authName;
}

function summarize(label: string, round: RoundResult, stats?: FaultStats): Record<string, unknown> {
  const ms = round.jobs.map((job) => job.ms).sort((a, b) => a - b);
  return {
    round: label,
    jobs: round.jobs.length,
    bytes: round.jobs.reduce((total, job) => total + job.job.expectedLog.length, 0),
    wallMs: round.wallMs,
    jobMsMedian: ms[Math.floor(ms.length / 2)],
    jobMsMax: ms.at(-1),
    goRequests: round.go.requests,
    goFailedAttempts: round.go.answers5xx + round.go.noAnswer,
    sdkRequests: round.sdk.requests,
    sdkFailedAttempts: round.sdk.answers5xx + round.sdk.noAnswer,
    backendUploadRetries: round.backendUploadRetries,
    ...(stats ? { injected: stats.total, byOperation: stats.byOperation } : {}),
  };
}

/** More chaos rounds (each with its own seed) when exploring: CHAOS_ROUNDS=10 npx vitest run test/chaos. */
const CHAOS_ROUNDS = Number(process.env.CHAOS_ROUNDS ?? '1');

describe('20 streaming jobs under S3 5xx and throttling', () => {
  it('end byte-exact with their real exit codes for both clients, with and without faults', async () => {
    // `serve --faults FILE` put the configuration in force; the rounds without faults run first
    // (warming the function's workers) and last (the figures' baseline).
    expect((await faults.get()).config).toEqual(CHAOS);
    await faults.clear();
    await expectAllExact(await runRound());

    const figures: Record<string, unknown>[] = [];
    for (let round = 0; round < CHAOS_ROUNDS; round++) {
      const before = (await faults.set({ ...CHAOS, seed: (CHAOS.seed ?? 0) + round })).stats;
      const chaos = await runRound();
      const injected = subtractStats((await faults.clear()).stats, before);
      figures.push(summarize(`chaos ${round + 1}`, chaos, injected));
      await expectAllExact(chaos);
      // The faults did happen, on the job's writes and on the clients' reads (no job path makes a HeadObject).
      for (const operation of ['s3:PutObject', 's3:GetObject', 'dynamodb:UpdateItem']) {
        const counts = injected.byOperation[operation];
        expect({ operation, faulted: (counts?.errors ?? 0) + (counts?.throttles ?? 0) > 0 }).toEqual({ operation, faulted: true });
      }
    }

    const baseline = await runRound();
    figures.unshift(summarize('baseline', baseline));
    console.log(JSON.stringify(figures, null, 2));
    await expectAllExact(baseline);
  }, 900_000);
});

function subtractStats(after: FaultStats, before: FaultStats): FaultStats {
  const minus = (a: FaultCounts, b: FaultCounts | undefined): FaultCounts => {
    const diff = { ...a };
    for (const key of Object.keys(diff) as (keyof FaultCounts)[]) diff[key] -= b?.[key] ?? 0;
    return diff;
  };
  const byOperation: FaultStats['byOperation'] = {};
  for (const [name, counts] of Object.entries(after.byOperation)) {
    const diff = minus(counts, before.byOperation[name]);
    if (diff.matched > 0) byOperation[name] = diff;
  }
  return { total: minus(after.total, before.total), byOperation };
}
