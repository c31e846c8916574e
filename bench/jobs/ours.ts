/** The figures measured against aws-exec's local runtime, through the SDK client. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { createClient, createLogDecoder, type AwsExecClient, type PollOptions } from '../../client/index.js';
import type { LocalJson } from '../../local/local-json.js';
import { BIG, BIG_BYTES, ECHO, recordLineLatencies, slowJob, spawnBare, timestampLines } from './commands.js';

/** Requests a client made, split by where they went. */
export interface RequestCounts {
  api: number;
  storage: number;
}

/** A client of the runtime whose fetch counts API and storage requests. */
export function createCountingClient(config: LocalJson, poll?: PollOptions): { client: AwsExecClient; counts: RequestCounts } {
  const counts: RequestCounts = { api: 0, storage: 0 };
  const counting = (input: string, init?: RequestInit) => {
    if (input.startsWith(config.url)) counts.api += 1;
    else counts.storage += 1;
    return globalThis.fetch(input, init);
  };
  return { client: createClient({ url: config.url, auth: config.auth, fetch: counting, ...(poll ? { poll } : {}) }), counts };
}

/** Runs `echo hi` through the runtime; resolves with the elapsed ms (checking exit 0 and the output). */
export function execEcho(client: AwsExecClient): Promise<number> {
  return execJob(client, ECHO);
}

/** Runs a job that prints `hi` through the runtime; resolves with the elapsed ms (checking exit 0 and the output). */
export async function execJob(client: AwsExecClient, argv: readonly string[]): Promise<number> {
  const started = performance.now();
  let text = '';
  const decoder = createLogDecoder();
  const code = await client.exec({ argv: [...argv] }, { onLog: (chunk) => void (text += decoder.write(chunk)) });
  const elapsed = performance.now() - started;
  if (code !== 0 || text !== 'hi\n') throw new Error(`Expected exit 0 and "hi\\n" from ${argv.join(' ')}, got ${code} and ${JSON.stringify(text)}`);
  return elapsed;
}

/** Figure 1: `echo hi` through the SDK, interleaved with a bare spawn of the same; also the client's CPU per job (ms). */
export async function measureEcho(client: AwsExecClient, rounds: number): Promise<{ ours: number[]; bare: number[]; clientCpuMs: number }> {
  const ours: number[] = [];
  const bare: number[] = [];
  let clientCpuMs = 0;
  for (let round = 0; round < rounds; round++) {
    bare.push((await spawnBare(ECHO)).ms);
    const before = process.cpuUsage();
    ours.push(await execEcho(client));
    const used = process.cpuUsage(before);
    clientCpuMs += (used.user + used.system) / 1000;
  }
  return { ours, bare, clientCpuMs: clientCpuMs / rounds };
}

/** Figure 2: a job prints its own print time on each line; the tailing client records when it sees each. */
export async function measureLineLatency(client: AwsExecClient, lines: number, gapSeconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const code = await client.exec({ argv: timestampLines(lines, gapSeconds) }, { onLog: recordLineLatencies(latencies) });
  if (code !== 0 || latencies.length !== lines) throw new Error(`Expected ${lines} timestamp lines and exit 0, got ${latencies.length} and ${code}`);
  return latencies;
}

/** What one 64 MiB job came to. */
export interface BigJobResult {
  ms: number;
  /** Bytes the client received (the final log, capped). */
  received: number;
  /** Log bytes the runner uploaded over the job, and its final log size (from the job record). */
  uploadedBytes: number;
  uploads: number;
  size: number;
}

/** Figure 3: a job printing 64 MiB, followed to its exit; the shipping cost read from its record. */
export async function measureBigJob(client: AwsExecClient, config: LocalJson): Promise<BigJobResult> {
  let received = 0;
  let uid = '';
  const started = performance.now();
  const code = await client.exec({ argv: BIG }, { onStart: (id) => (uid = id), onLog: (chunk) => void (received += chunk.length) });
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`Expected the 64 MiB job to exit 0, got ${code}`);
  const record = await readJobRecord(config, uid);
  return { ms, received, uploadedBytes: record['uploaded-bytes'] ?? 0, uploads: record.uploads ?? 0, size: record.size ?? 0 };
}

/** The 64 MiB command run bare, for scale. */
export async function measureBigBare(): Promise<number> {
  const result = await spawnBare(BIG);
  if (result.bytes !== BIG_BYTES) throw new Error(`Expected ${BIG_BYTES} bytes from the bare run, got ${result.bytes}`);
  return result.ms;
}

async function readJobRecord(config: LocalJson, uid: string): Promise<{ 'uploaded-bytes'?: number; uploads?: number; size?: number }> {
  const raw = new DynamoDBClient({
    endpoint: config.awsEndpoint,
    region: config.region,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
  });
  try {
    const ddb = DynamoDBDocumentClient.from(raw);
    const found = await ddb.send(new GetCommand({ TableName: config.jobsTable ?? config.table, Key: { id: `job.${uid}` }, ConsistentRead: true }));
    if (!found.Item) throw new Error(`Expected the job record of ${uid}`);
    return found.Item;
  } finally {
    raw.destroy();
  }
}

/** Figure 4: API and storage requests of a job that runs `seconds` seconds, followed with the default poll policy. */
export async function countRequests(config: LocalJson, seconds: number): Promise<RequestCounts> {
  const { client, counts } = createCountingClient(config);
  const code = await client.exec({ argv: slowJob(seconds) });
  if (code !== 0) throw new Error(`Expected the ${seconds} s job to exit 0, got ${code}`);
  return counts;
}

/** Figure 5: `concurrency` jobs of `argv` at once; resolves with the wall time. */
export async function measureConcurrent(client: AwsExecClient, concurrency: number, argv: readonly string[] = ECHO): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, () => execJob(client, argv)));
  return performance.now() - started;
}
