/*
 * The listing benchmark (issue 12): `GET /api/jobs` reads only the caller's partition of the
 * jobs-by-auth-name index, so its time does not grow with other keys' jobs; and the runtime's
 * memory stays bounded under bursts of listings. Local runtimes started from dist/ as users
 * run them, measured side by side in one run.
 *
 *   npm run bench:listing      (= npm run build && node --import tsx bench/listing.ts)
 *
 * 1. Two runtimes, each with a key of 50 jobs (real ones, through the API) and 200 or 20,000
 *    job records of 100 other keys; GET /api/jobs p50 / p95 on each, requests alternating
 *    between the two; the ratio of the p50s. Beside it, what the listing read before it used
 *    the index: a Scan of the whole table with its filter, timed straight at the endpoint.
 * 2. A fresh runtime (50 + 200 jobs): its RSS at rest (main process + Lambda workers), after
 *    each of seven bursts of 500 concurrent GET /api/jobs, and a minute after the last.
 *
 * Prints one table (figure, value, target, met?) and exits 0 either way: a measurement.
 */
import { GetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { authItemId, hashAuthKey } from './../backend/auth/key-hash.js';
import { authNameOfKeyItem } from './../backend/auth/items.js';
import type { LocalJson } from '../local/local-json.js';
import { readRuntimeMemory, startBenchRuntime, type BenchRuntime } from './jobs/runtime.js';
import { mib, ms, num, printTable, summarize, type Row } from './jobs/stats.js';
import { burstListings, timeListing, timeScanListing } from './listing/measure.js';
import { startOwnJobs, writeOtherJobs } from './listing/seed.js';

const OWN_JOBS = 50;
const SMALL = 200;
const LARGE = 20_000;
const WARMUP = 30;
const SAMPLES = 200;
const SCAN_SAMPLES = 5;
const BURSTS = 7;
const BURST_SIZE = 500;
const REST_MS = 15_000;
const AFTER_MS = 60_000;

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

/** Starts a runtime with the key's 50 jobs and `others` records of other keys. */
async function startSeeded(others: number): Promise<BenchRuntime> {
  const runtime = await startBenchRuntime();
  await startOwnJobs(runtime.config, OWN_JOBS);
  await writeOtherJobs(runtime.config, others);
  return runtime;
}

/** The auth-name the runtime's key lists under (what the index is keyed by). */
async function authNameOf(config: LocalJson): Promise<string> {
  const hash = hashAuthKey(config.auth);
  const ddb = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: config.awsEndpoint, region: config.region, credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } }),
  );
  try {
    const item = (await ddb.send(new GetCommand({ TableName: config.table, Key: { id: authItemId(hash) } }))).Item;
    const name = authNameOfKeyItem(item, hash);
    if (name === undefined) throw new Error('Expected the runtime key’s auth item');
    return name;
  } finally {
    ddb.destroy();
  }
}

async function measureLatency(): Promise<Row[]> {
  log(`figure 1: two runtimes, a key with ${OWN_JOBS} jobs beside ${SMALL} and ${LARGE} other jobs (seeding)…`);
  const [small, large] = await Promise.all([startSeeded(SMALL), startSeeded(LARGE)]);
  try {
    log(`figure 1: GET /api/jobs, ${SAMPLES} each, alternating…`);
    const times = { small: [] as number[], large: [] as number[] };
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const a = await timeListing(small.config, OWN_JOBS);
      const b = await timeListing(large.config, OWN_JOBS);
      if (i >= WARMUP) {
        times.small.push(a);
        times.large.push(b);
      }
    }
    log(`figure 1: the scan the listing made before, ${SCAN_SAMPLES} each…`);
    const [smallName, largeName] = await Promise.all([authNameOf(small.config), authNameOf(large.config)]);
    const scans = { small: [] as number[], large: [] as number[] };
    for (let i = 0; i < SCAN_SAMPLES; i++) {
      scans.small.push(await timeScanListing(small.config, smallName));
      scans.large.push(await timeScanListing(large.config, largeName));
    }
    const s = summarize(times.small);
    const l = summarize(times.large);
    const scanSmall = summarize(scans.small).p50;
    const scanLarge = summarize(scans.large).p50;
    return [
      { figure: `1. GET /api/jobs (${OWN_JOBS} jobs), table of ${SMALL} others: p50 / p95`, ours: `${ms(s.p50)} / ${ms(s.p95)}` },
      { figure: `1. GET /api/jobs (${OWN_JOBS} jobs), table of ${LARGE} others: p50 / p95`, ours: `${ms(l.p50)} / ${ms(l.p95)}` },
      { figure: `1. p50 ${LARGE} / p50 ${SMALL}`, ours: `${num(l.p50 / s.p50, 2)}x`, target: '<= 1.5x', met: l.p50 / s.p50 <= 1.5 },
      {
        figure: '1. before: the whole-table Scan it made, p50 (200 / 20,000; DynamoDB only)',
        ours: `${ms(scanSmall)} / ${ms(scanLarge)} = ${num(scanLarge / scanSmall, 1)}x`,
      },
    ];
  } finally {
    await Promise.all([small.stop(), large.stop()]);
  }
}

async function measureMemory(): Promise<Row[]> {
  log(`figure 2: a fresh runtime with ${OWN_JOBS} + ${SMALL} jobs, at rest for ${REST_MS / 1000} s…`);
  const runtime = await startSeeded(SMALL);
  try {
    await sleep(REST_MS);
    const total = () => {
      const memory = readRuntimeMemory(runtime.pid);
      return { main: memory.main, workers: memory.workers, total: memory.main + memory.workers.reduce((sum, rss) => sum + rss, 0) };
    };
    const rest = total();
    const after: ReturnType<typeof total>[] = [];
    const failures: string[] = [];
    for (let burst = 1; burst <= BURSTS; burst++) {
      const started = performance.now();
      const statuses = await burstListings(runtime.config, BURST_SIZE);
      const wall = performance.now() - started;
      after.push(total());
      const failed = [...statuses].filter(([status]) => status !== 200);
      if (failed.length > 0) failures.push(`burst ${burst}: ${failed.map(([status, count]) => `${count} × ${status}`).join(', ')}`);
      log(`figure 2: burst ${burst}: ${ms(wall)}, RSS ${mib(after.at(-1)?.total ?? 0)}`);
    }
    log(`figure 2: idle for ${AFTER_MS / 1000} s…`);
    await sleep(AFTER_MS);
    const later = total();
    const first = after[0] ?? rest;
    const last = after.at(-1) ?? rest;
    const describe = (sample: ReturnType<typeof total>) => `${mib(sample.total)} (main ${mib(sample.main)} + ${sample.workers.length} workers ${mib(sample.total - sample.main)})`;
    return [
      { figure: '2. runtime RSS at rest (main + workers)', ours: describe(rest) },
      { figure: `2. after each of ${BURSTS} bursts of ${BURST_SIZE} GET /api/jobs`, ours: after.map((sample) => mib(sample.total).replace(' MiB', '')).join(' / ') + ' MiB' },
      { figure: '2. after burst 1 / after burst 7', ours: `${describe(first)} / ${describe(last)}` },
      { figure: '2. last / first', ours: `${num(last.total / first.total, 2)}x (main alone ${num(last.main / first.main, 2)}x)`, target: '<= 1.25x', met: last.total / first.total <= 1.25 },
      { figure: `2. ${AFTER_MS / 1000} s after the last burst`, ours: describe(later) },
      { figure: '2. then / at rest', ours: `${num(later.total / rest.total, 2)}x (main alone ${num(later.main / rest.main, 2)}x)`, target: '<= 1.5x', met: later.total / rest.total <= 1.5 },
      { figure: '2. answers other than 200', ours: failures.length === 0 ? 'none' : failures.join('; '), target: 'none', met: failures.length === 0 },
    ];
  } finally {
    await runtime.stop();
  }
}

const rows = [...(await measureLatency()), ...(await measureMemory())];
printTable(rows, undefined);
