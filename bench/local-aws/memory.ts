/**
 * Memory at rest of `aws-exec serve --aws-only` and of the full runtime's main process, both
 * started from dist/ through the CLI as users start them, and what the first request to each
 * service of the endpoint costs (it loads that service's code and opens its storage).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startBenchRuntime } from '../jobs/runtime.js';
import { readStatusBytes } from './proc.js';
import { median } from './report.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const REPO = new URL('../../', import.meta.url).pathname;

/** The services of the endpoint, each with a cheap read-only request, in the order they are first asked. */
const FIRST_REQUESTS = ['s3', 'dynamodb', 'lambda', 'sqs'] as const;
type Service = (typeof FIRST_REQUESTS)[number];

/** What one measurement found. */
export interface StartupMemory {
  /** RSS of `serve --aws-only` `settleMs` after it printed its address. */
  awsOnlyIdle: number;
  /** RSS of the same process after the first request to each service (in FIRST_REQUESTS order). */
  awsOnlyAfter: Record<Service, number>;
  /** Latency of the first request to each service (median over the runs), and of a warm one. */
  firstRequestMs: Record<Service, { first: number; warm: number }>;
  /** RSS of the full runtime's main process `settleMs` after it wrote local.json. */
  runtimeIdle: number;
}

interface AwsOnlyProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

/** Starts `node dist/cli/main.js serve --aws-only` on a free port in a fresh data directory. */
async function startAwsOnly(): Promise<AwsOnlyProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-bench-aws-only-'));
  const child = spawn(process.execPath, [CLI, 'serve', '--aws-only', '--data-dir', dataDir, '--aws-port', '0'], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout! });
  let url: string | undefined;
  let credentials: AwsOnlyProcess['credentials'] | undefined;
  for await (const line of lines) {
    url ??= /endpoint:\s+(http:\/\/\S+)/.exec(line)?.[1];
    const key = /AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+)/.exec(line);
    if (key) credentials = { accessKeyId: key[1]!, secretAccessKey: key[2]! };
    if (url !== undefined && credentials !== undefined) break;
  }
  child.stdout?.resume();
  if (url === undefined || credentials === undefined || child.pid === undefined) throw new Error('Expected `serve --aws-only` to print its endpoint and key');
  return {
    child,
    pid: child.pid,
    url,
    credentials,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sends one cheap request to a service of the endpoint and resolves with its latency in ms. */
function timeRequest(clients: ReturnType<typeof createClients>, service: Service): Promise<number> {
  const started = performance.now();
  const sent =
    service === 's3'
      ? clients.s3.send(new ListBucketsCommand({}))
      : service === 'dynamodb'
        ? clients.ddb.send(new ListTablesCommand({}))
        : service === 'lambda'
          ? clients.lambda.send(new ListFunctionsCommand({}))
          : clients.sqs.send(new ListQueuesCommand({}));
  return sent.then(() => performance.now() - started);
}

function createClients(url: string, credentials: AwsOnlyProcess['credentials']) {
  const common = { endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 };
  return { s3: new S3Client({ ...common, forcePathStyle: true }), ddb: new DynamoDBClient(common), lambda: new LambdaClient(common), sqs: new SQSClient(common) };
}

/**
 * Measures `runs` fresh `serve --aws-only` processes (the first left idle `settleMs` for its RSS
 * at rest), the first request to each service and a warm one (median of 10), and the full
 * runtime's main process at rest. The clients are warmed on a throwaway endpoint first, so the
 * first-request figures are the server's loading, not the SDK's.
 */
export async function measureStartupMemory(settleMs: number, runs = 3): Promise<StartupMemory> {
  const firsts: Record<Service, number[]> = { s3: [], dynamodb: [], lambda: [], sqs: [] };
  const warms: Record<Service, number[]> = { s3: [], dynamodb: [], lambda: [], sqs: [] };
  let awsOnlyIdle = 0;
  const awsOnlyAfter: Record<Service, number> = { s3: 0, dynamodb: 0, lambda: 0, sqs: 0 };
  for (let run = 0; run <= runs; run++) {
    const endpoint = await startAwsOnly();
    const clients = createClients(endpoint.url, endpoint.credentials);
    try {
      if (run === 1) {
        await new Promise((done) => setTimeout(done, settleMs));
        awsOnlyIdle = readStatusBytes(endpoint.pid, 'VmRSS');
      }
      for (const service of FIRST_REQUESTS) {
        const first = await timeRequest(clients, service);
        const warm: number[] = [];
        for (let i = 0; i < 10; i++) warm.push(await timeRequest(clients, service));
        // Run 0 only warms the SDK clients' code in this process.
        if (run === 0) continue;
        firsts[service].push(first);
        warms[service].push(median(warm));
        if (run === 1) awsOnlyAfter[service] = readStatusBytes(endpoint.pid, 'VmRSS');
      }
    } finally {
      for (const client of Object.values(clients)) client.destroy();
      await endpoint.stop();
    }
  }
  const runtime = await startBenchRuntime();
  let runtimeIdle: number;
  try {
    await new Promise((done) => setTimeout(done, settleMs));
    runtimeIdle = readStatusBytes(runtime.pid, 'VmRSS');
  } finally {
    await runtime.stop();
  }
  const firstRequestMs = Object.fromEntries(FIRST_REQUESTS.map((service) => [service, { first: median(firsts[service]), warm: median(warms[service]) }])) as StartupMemory['firstRequestMs'];
  return { awsOnlyIdle, awsOnlyAfter, firstRequestMs, runtimeIdle };
}
