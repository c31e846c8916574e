/*
 * The model of AWS: the local runtime with the `aws` latency profile (local/aws/latency/), so
 * each hop takes what it takes on AWS. For `echo hi`, and for a job printing a line every
 * 200 ms for 60 s tailed by 1 and by 10 watchers: end to end, line → client p50/p95, the
 * requests each job makes by service, and their price (AWS list prices, bench/aws-model/prices.ts)
 * per 1,000 jobs and per watcher-minute of polling.
 *
 *   npm run bench:aws-model      (about 3 minutes: the two 60 s cases run one after the other,
 *                                 so that each one's requests are its own)
 */
import { AWS_LATENCY_PROFILE } from '../local/index.js';
import { createClient, type AwsExecClient } from '../client/index.js';
import type { LocalJson } from '../local/local-json.js';
import { ECHO, recordLineLatencies, timestampLines } from './jobs/commands.js';
import { startBenchRuntime } from './jobs/runtime.js';
import { ms, printTable, summarize, type Row } from './jobs/stats.js';
import { PRICES_READ_ON } from './aws-model/prices.js';
import {
  createCountingFetch,
  createRequestReader,
  describeTally,
  priceJob,
  readFunctionMemoryMb,
  tallyBetween,
  type ClientCounts,
  type JobCost,
} from './aws-model/requests.js';

const ECHO_ROUNDS = 15;
const LINES = 300;
const GAP_SECONDS = 0.2;
const TARGET_LINE_P50_MS = 300;

interface Watcher {
  client: AwsExecClient;
  counts: ClientCounts;
}

function createWatcher(config: LocalJson): Watcher {
  const counts: ClientCounts = { api: 0, storage: 0, apiMs: 0 };
  return { client: createClient({ url: config.url, auth: config.auth, fetch: createCountingFetch(config.url, counts) }), counts };
}

/** Follows a job, recording how long after its print each timestamp line was seen. */
function followLines(watcher: Watcher, uid: string, latencies: number[]): Promise<number> {
  return watcher.client.tail(uid).exit(recordLineLatencies(latencies));
}

interface CaseResult {
  name: string;
  endToEnd: number[];
  lines: number[];
  requests: string;
  cost: JobCost;
  /** Dollars of the watchers' own requests per watcher-minute (long job only). */
  pollingPerWatcherMinute?: number;
}

async function measureEcho(config: LocalJson, read: ReturnType<typeof createRequestReader>, memoryMb: number): Promise<CaseResult> {
  const watcher = createWatcher(config);
  await watcher.client.exec({ argv: ECHO }); // warm: the key lookup and a first environment
  Object.assign(watcher.counts, { api: 0, storage: 0, apiMs: 0 });
  const before = await read();
  const endToEnd: number[] = [];
  for (let round = 0; round < ECHO_ROUNDS; round++) {
    const started = performance.now();
    const code = await watcher.client.exec({ argv: ECHO });
    endToEnd.push(performance.now() - started);
    if (code !== 0) throw new Error(`Expected echo hi to exit 0, got ${code}`);
  }
  const tally = tallyBetween(before, await read(), ECHO_ROUNDS);
  const api = { requests: watcher.counts.api / ECHO_ROUNDS, seconds: watcher.counts.apiMs / Math.max(1, watcher.counts.api) / 1000 };
  const jobSeconds = summarize(endToEnd).p50 / 1000;
  return { name: '`echo hi`', endToEnd, lines: [], requests: describeTally(tally, api.requests), cost: priceJob(tally, api, jobSeconds, memoryMb) };
}

async function measureTailed(config: LocalJson, read: ReturnType<typeof createRequestReader>, memoryMb: number, watchers: number): Promise<CaseResult> {
  const all = Array.from({ length: watchers }, () => createWatcher(config));
  const [first] = all as [Watcher, ...Watcher[]];
  const before = await read();
  const lines: number[] = [];
  const started = performance.now();
  const uid = await first.client.start({ argv: timestampLines(LINES, GAP_SECONDS) });
  const codes = await Promise.all(all.map((watcher) => followLines(watcher, uid, lines)));
  const endToEnd = performance.now() - started;
  if (codes.some((code) => code !== 0) || lines.length !== LINES * watchers) {
    throw new Error(`Expected ${LINES} lines and exit 0 at each of ${watchers} watchers, got ${lines.length} lines and exits ${codes.join(',')}`);
  }
  const tally = tallyBetween(before, await read(), 1);
  const apiRequests = all.reduce((sum, watcher) => sum + watcher.counts.api, 0);
  const apiMs = all.reduce((sum, watcher) => sum + watcher.counts.apiMs, 0);
  const api = { requests: apiRequests, seconds: apiMs / Math.max(1, apiRequests) / 1000 };
  const cost = priceJob(tally, api, endToEnd / 1000, memoryMb);
  // The watchers' own requests: their presigned reads and their API calls (the start excluded).
  const storage = all.reduce((sum, watcher) => sum + watcher.counts.storage, 0);
  const polling = priceJob({ 's3:GetObject': storage }, { requests: apiRequests - 1, seconds: api.seconds }, 0, memoryMb).total;
  return {
    name: `line every 200 ms for 60 s, ${watchers} watcher${watchers === 1 ? '' : 's'}`,
    endToEnd: [endToEnd],
    lines,
    requests: describeTally(tally, apiRequests),
    cost,
    pollingPerWatcherMinute: polling / watchers / (endToEnd / 60_000),
  };
}

function dollars(value: number): string {
  return value >= 0.1 ? `$${value.toFixed(2)}` : `$${value.toFixed(4)}`;
}

function rowsOf(result: CaseResult): Row[] {
  const e2e = summarize(result.endToEnd);
  const rows: Row[] = [{ figure: `${result.name}: end to end${e2e.n > 1 ? ' p50 / p95' : ''}`, ours: e2e.n > 1 ? `${ms(e2e.p50)} / ${ms(e2e.p95)}` : ms(e2e.p50) }];
  if (result.lines.length > 0) {
    const line = summarize(result.lines);
    rows.push({ figure: `${result.name}: line → client p50 / p95`, ours: `${ms(line.p50)} / ${ms(line.p95)}`, target: `p50 <= ${TARGET_LINE_P50_MS} ms`, met: line.p50 <= TARGET_LINE_P50_MS });
  }
  const { apiGateway, lambda, s3, dynamodb, total } = result.cost;
  rows.push({
    figure: `${result.name}: cost per 1,000 jobs`,
    ours: `${dollars(total * 1000)} (API Gateway ${dollars(apiGateway * 1000)}, Lambda ${dollars(lambda * 1000)}, S3 ${dollars(s3 * 1000)}, DynamoDB ${dollars(dynamodb * 1000)})`,
  });
  if (result.pollingPerWatcherMinute !== undefined) {
    rows.push({ figure: `${result.name}: polling cost per watcher-minute`, ours: dollars(result.pollingPerWatcherMinute) + ` (${dollars(result.pollingPerWatcherMinute * 1e6)} per million)` });
  }
  return rows;
}

async function main(): Promise<void> {
  const memoryMb = readFunctionMemoryMb();
  const runtime = await startBenchRuntime([], ['--latency-profile', AWS_LATENCY_PROFILE.name]);
  const results: CaseResult[] = [];
  try {
    const read = createRequestReader(runtime.config);
    results.push(await measureEcho(runtime.config, read, memoryMb));
    results.push(await measureTailed(runtime.config, read, memoryMb, 1));
    results.push(await measureTailed(runtime.config, read, memoryMb, 10));
  } finally {
    await runtime.stop();
  }
  console.log(`The local runtime with --latency-profile aws (${AWS_LATENCY_PROFILE.describe}); prices: us-east-1 list prices read ${PRICES_READ_ON}, functions at ${memoryMb} MB.`);
  printTable(results.flatMap(rowsOf), undefined);
  console.log('\nRequests per job (the endpoint\'s counts; API Gateway at the clients):');
  for (const result of results) console.log(`- ${result.name}: ${result.requests}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('bench failed:', error);
    process.exit(1);
  },
);
