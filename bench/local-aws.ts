/**
 * Benchmark of the local AWS endpoint, side by side with plain dynalite, in one run:
 *   npm run bench:aws          (builds, then: node --import tsx bench/local-aws.ts)
 *   node --import tsx bench/local-aws.ts [--rounds 3] [--seconds 2] [--only s3Get16,ddbGetOurs] [--cpu-prof DIR] [--memory]
 *   (--only s3Get16,s3Get16Role: the cost of IAM evaluation alone, role credentials against the root key;
 *    --memory: only the memory figures, about 40 s)
 *
 * The endpoint runs from compiled dist/ in its own process (its RSS and CPU are its own);
 * plain dynalite runs as its own HTTP server in another. The load comes from forked client
 * processes holding AWS SDK v3 clients: the SDK costs more CPU per request than either
 * server, so one client process is the limit long before the server (see the "from 1
 * client" row); c16 figures therefore come from 2 client processes x 8 requests in flight,
 * which fills the 2 cores, and the table says for each figure whether the server, the
 * clients or the cores were the limit. Each figure is the median of
 * the rounds; before each phase the script waits (a little) for other processes to leave
 * the cores alone. A measurement, not a test: exits 0 even when a target is missed.
 * `--cpu-prof DIR` writes a V8 CPU profile of the endpoint into DIR.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeLimit, forkLoadProcess, measure, waitForQuietMachine, type Figure, type LoadProcess, type Sample } from './local-aws/measure.js';
import type { DynamoDbTarget } from './local-aws/protocol.js';
import { measureStartupMemory, type StartupMemory } from './local-aws/memory.js';
import { formatMiB, formatTable, median } from './local-aws/report.js';
import { startDynaliteProcess, startEndpointProcess, type ServerProcess } from './local-aws/servers.js';

const figures = {
  s3Put1: { label: 'S3 PutObject 1 KB, c1', phase: 's3-put-1k', target: 'ours', concurrency: 1, processes: 1, unit: 'ops/s' },
  s3Get1: { label: 'S3 GetObject 1 KB, c1', phase: 's3-get-1k', target: 'ours', concurrency: 1, processes: 1, unit: 'ops/s' },
  s3Put16: { label: 'S3 PutObject 1 KB, c16', phase: 's3-put-1k', target: 'ours', concurrency: 16, processes: 2, unit: 'ops/s' },
  s3Get16: { label: 'S3 GetObject 1 KB, c16', phase: 's3-get-1k', target: 'ours', concurrency: 16, processes: 2, unit: 'ops/s' },
  s3Get16One: { label: 'S3 GetObject 1 KB, c16 from 1 client', phase: 's3-get-1k', target: 'ours', concurrency: 16, processes: 1, unit: 'ops/s' },
  s3Get16Role: { label: 'S3 GetObject 1 KB, c16, role credentials', phase: 's3-get-1k-role', target: 'ours', concurrency: 16, processes: 2, unit: 'ops/s' },
  s3PutLarge: { label: 'S3 PutObject 10 MB, c1', phase: 's3-put-10m', target: 'ours', concurrency: 1, processes: 1, unit: 'MiB/s' },
  s3GetLarge: { label: 'S3 GetObject 10 MB, c1', phase: 's3-get-10m', target: 'ours', concurrency: 1, processes: 1, unit: 'MiB/s' },
  s3Range: { label: 'S3 presigned Range GET (fetch), c16', phase: 's3-range-get', target: 'ours', concurrency: 16, processes: 2, unit: 'ops/s' },
  ddbPutOurs: { label: 'DynamoDB PutItem, ours, c16', phase: 'ddb-put', target: 'ours', concurrency: 16, processes: 2, unit: 'ops/s' },
  ddbPutDynalite: { label: 'DynamoDB PutItem, plain dynalite, c16', phase: 'ddb-put', target: 'dynalite', concurrency: 16, processes: 2, unit: 'ops/s' },
  ddbGetOurs: { label: 'DynamoDB GetItem, ours, c16', phase: 'ddb-get', target: 'ours', concurrency: 16, processes: 2, unit: 'ops/s' },
  ddbGetDynalite: { label: 'DynamoDB GetItem, plain dynalite, c16', phase: 'ddb-get', target: 'dynalite', concurrency: 16, processes: 2, unit: 'ops/s' },
} satisfies Record<string, Figure>;
type FigureId = keyof typeof figures;
const ALL_IDS = Object.keys(figures) as FigureId[];
/**
 * The order figures are measured in. DynamoDB figures are measured as one block (warm-up,
 * then every round) and S3 figures as another, so that what S3's bodies leave in the
 * endpoint (garbage to collect, files to delete) is not charged to the comparison with
 * dynalite, which runs in a process of its own: measured interleaved, our PutItem came
 * out 10-30% lower whenever it ran right after S3 phases, and at par otherwise. Ours and
 * dynalite swap places every other round.
 */
const MEASURE_ORDER: readonly FigureId[] = [
  'ddbPutOurs',
  'ddbPutDynalite',
  'ddbGetOurs',
  'ddbGetDynalite',
  's3PutLarge',
  's3GetLarge',
  's3Put1',
  's3Get1',
  's3Put16',
  's3Get16',
  's3Get16Role',
  's3Get16One',
  's3Range',
];
const PAIRS: readonly (readonly [FigureId, FigureId])[] = [
  ['ddbPutOurs', 'ddbPutDynalite'],
  ['ddbGetOurs', 'ddbGetDynalite'],
  // Role credentials (the session looked up, its role's policies evaluated) against the root key pair.
  ['s3Get16Role', 's3Get16'],
];
/** Pairs measured in alternating slices within each round (see measureInterleaved). */
const INTERLEAVED: readonly (readonly [FigureId, FigureId])[] = [['s3Get16Role', 's3Get16']];
/** Slices per figure and round of an interleaved pair (each PHASE_MS / INTERLEAVE_SLICES long). */
const INTERLEAVE_SLICES = 8;

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '2' },
    only: { type: 'string' },
    'cpu-prof': { type: 'string' },
    memory: { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(args.rounds);
const PHASE_MS = Number(args.seconds) * 1000;
/** Warm-up per figure; DynamoDB's longer, as both servers' write paths (LevelDB) settle after the fill. */
const WARMUP_MS = 300;
const DYNAMODB_WARMUP_MS = 1500;
/** How long an idle endpoint is left alone before its RSS is read at rest (V8's memory reducer runs about 8 s after start). */
const SETTLE_MS = 11_000;
/** Most any one phase waits for other processes to quieten, and most the whole run does. */
const QUIET_WAIT_MS = 3000;
const QUIET_WAIT_TOTAL_MS = 12_000;
/** A phase during which other processes took this many cores is measured again, at most MAX_RETRIES times per run. */
const SHARED_CORES = 0.25;
const MAX_RETRIES = 6;
const MIB = 1048576;
/** Role credentials (IAM evaluated on every request) must keep this share of the root key's S3 GET rate. */
const ROLE_TARGET_RATIO = 0.9;

function selectFigures(): FigureId[] {
  const unordered = ALL_IDS.filter((id) => !MEASURE_ORDER.includes(id));
  if (unordered.length > 0) throw new Error(`Expected MEASURE_ORDER to list every figure, it misses ${unordered.join(', ')}`);
  if (args.only === undefined) return ALL_IDS;
  const wanted = args.only.split(',').map((id) => id.trim());
  const unknown = wanted.filter((id) => !(ALL_IDS as string[]).includes(id));
  if (unknown.length > 0) throw new Error(`Expected --only to list figures among ${ALL_IDS.join(', ')}, got ${unknown.join(', ')}`);
  return ALL_IDS.filter((id) => wanted.includes(id));
}

interface Memory {
  startRss: number;
  idleRss: number;
  peakRss: number;
}

async function main(): Promise<void> {
  console.error('measuring memory at rest: serve --aws-only, the first request to each service, the full runtime…');
  const startup = await measureStartupMemory(SETTLE_MS);
  if (args.memory) {
    printStartupMemory(startup);
    return;
  }
  const ids = selectFigures();
  const root = mkdtempSync(join(tmpdir(), 'aws-exec-bench-'));
  const profileDir = args['cpu-prof'] === undefined ? undefined : resolve(args['cpu-prof']);
  const nodeOptions = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  const endpoint = await startEndpointProcess(join(root, 'endpoint'), nodeOptions);
  const started = performance.now();
  const loaders = [forkLoadProcess(), forkLoadProcess()];
  let dynalite: ServerProcess | undefined;
  try {
    dynalite = await startDynaliteProcess(join(root, 'dynalite'));
    await new Promise((done) => setTimeout(done, 1000 - (performance.now() - started)));
    const startRss = endpoint.readRss();
    console.error(`endpoint started; leaving it idle for ${SETTLE_MS / 1000} s before reading its RSS at rest…`);
    await new Promise((done) => setTimeout(done, SETTLE_MS - (performance.now() - started)));
    const idleRss = endpoint.readRss();

    const servers = { ours: endpoint, dynalite };
    const connect = {
      endpoint: { url: endpoint.url, credentials: endpoint.credentials },
      endpointRole: await endpoint.requestRole(),
      dynalite: { url: dynalite.url, credentials: dynalite.credentials },
    };
    await Promise.all(loaders.map((loader, worker) => loader.send({ type: 'connect', worker, ...connect })));
    await loaders[0]!.send({ type: 'create' });
    await Promise.all(loaders.map((loader) => loader.send({ type: 'fill', phases: ids.map((id) => figures[id].phase) })));
    const samples: Partial<Record<FigureId, Sample[]>> = {};
    const budget: Budget = { waitedMs: 0, retriesLeft: MAX_RETRIES };
    const isDynamoDb = (id: FigureId) => figures[id].phase.startsWith('ddb');
    for (const block of [ids.filter(isDynamoDb), ids.filter((id) => !isDynamoDb(id))]) {
      if (block.length > 0) Object.assign(samples, await measureBlock(block, loaders, servers, budget));
    }
    printReport(samples, { startRss, idleRss, peakRss: endpoint.readPeakRss() });
    printStartupMemory(startup);
  } finally {
    for (const loader of loaders) if (loader.child.connected) loader.child.disconnect();
    await Promise.all([endpoint.stop(), dynalite?.stop()]);
    rmSync(root, { recursive: true, force: true });
    if (profileDir !== undefined) console.log(`\nCPU profile of the endpoint written to ${profileDir}`);
  }
}

/** The selected figures in MEASURE_ORDER, with ours and dynalite swapped in even rounds. */
function orderOfRound(ids: readonly FigureId[], round: number): FigureId[] {
  const order = MEASURE_ORDER.filter((id) => ids.includes(id));
  if (round % 2 === 1) return order;
  return order.map((id) => {
    const pair = PAIRS.find((p) => p.includes(id) && p.every((member) => ids.includes(member)));
    return pair === undefined ? id : pair[0] === id ? pair[1] : pair[0];
  });
}

/** What the whole run may spend waiting for a quiet machine and measuring phases again. */
interface Budget {
  waitedMs: number;
  retriesLeft: number;
}

/**
 * Warms the figures of a block up, then measures each ROUNDS times. Before each phase it
 * waits a little for other processes to leave the cores alone, and a phase during which
 * they took a share of them anyway is measured again (within the run's budget).
 */
async function measureBlock(
  ids: readonly FigureId[],
  loaders: readonly LoadProcess[],
  servers: Record<DynamoDbTarget, ServerProcess>,
  budget: Budget,
): Promise<Partial<Record<FigureId, Sample[]>>> {
  console.error(`warming up ${ids.join(', ')}…`);
  for (const id of orderOfRound(ids, 1)) {
    await measure(figures[id], loaders, servers, figures[id].phase.startsWith('ddb') ? DYNAMODB_WARMUP_MS : WARMUP_MS);
  }
  const samples: Partial<Record<FigureId, Sample[]>> = {};
  const run = async (id: FigureId) => {
    budget.waitedMs += await waitForQuietMachine(Math.min(QUIET_WAIT_MS, QUIET_WAIT_TOTAL_MS - budget.waitedMs));
    return measure(figures[id], loaders, servers, PHASE_MS);
  };
  for (let round = 1; round <= ROUNDS; round++) {
    const measured = new Set<FigureId>();
    for (const id of orderOfRound(ids, round)) {
      if (measured.has(id)) continue;
      const partner = INTERLEAVED.find((pair) => pair.includes(id) && pair.every((member) => ids.includes(member)))?.find((member) => member !== id);
      if (partner !== undefined) {
        budget.waitedMs += await waitForQuietMachine(Math.min(QUIET_WAIT_MS, QUIET_WAIT_TOTAL_MS - budget.waitedMs));
        const pair = await measureInterleaved(id, partner, loaders, servers);
        for (const member of [id, partner]) {
          (samples[member] ??= []).push(pair[member]);
          measured.add(member);
          console.error(`round ${round} ${figures[member].label} (interleaved): ${pair[member].value.toFixed(0)} ${figures[member].unit}, others ${pair[member].otherCores.toFixed(2)} cores`);
        }
        continue;
      }
      let sample = await run(id);
      while (sample.otherCores >= SHARED_CORES && budget.retriesLeft > 0) {
        budget.retriesLeft--;
        console.error(`round ${round} ${figures[id].label}: other processes took ${sample.otherCores.toFixed(2)} cores, measuring again`);
        sample = await run(id);
      }
      (samples[id] ??= []).push(sample);
      const errors = sample.errors > 0 ? ` ${sample.errors} errors (${sample.firstError ?? ''})` : '';
      console.error(`round ${round} ${figures[id].label}: ${sample.value.toFixed(0)} ${figures[id].unit}, others ${sample.otherCores.toFixed(2)} cores${errors}`);
    }
  }
  return samples;
}

/**
 * Measures two figures in alternating slices (A B B A A B …, PHASE_MS in all for each), so
 * that the load other processes put on the shared cores falls on both alike: for a ratio
 * between two ways of making the same request, where back-to-back phases of 2 s each drift
 * apart by more than the difference measured.
 */
async function measureInterleaved(
  first: FigureId,
  second: FigureId,
  loaders: readonly LoadProcess[],
  servers: Record<DynamoDbTarget, ServerProcess>,
): Promise<Record<FigureId, Sample>> {
  const slices: Record<string, Sample[]> = { [first]: [], [second]: [] };
  for (let slice = 0; slice < INTERLEAVE_SLICES; slice++) {
    for (const id of slice % 2 === 0 ? [first, second] : [second, first]) {
      slices[id]!.push(await measure(figures[id], loaders, servers, PHASE_MS / INTERLEAVE_SLICES));
    }
  }
  return { [first]: combineSamples(slices[first]!), [second]: combineSamples(slices[second]!) } as Record<FigureId, Sample>;
}

/** One sample of equally long slices: the mean of each rate, the sum of the errors. */
function combineSamples(list: readonly Sample[]): Sample {
  const mean = (pick: (s: Sample) => number) => list.reduce((sum, s) => sum + pick(s), 0) / list.length;
  const firstError = list.find((s) => s.firstError !== undefined)?.firstError;
  return {
    value: mean((s) => s.value),
    serverCpuMicrosPerOp: mean((s) => s.serverCpuMicrosPerOp),
    serverBusy: mean((s) => s.serverBusy),
    clientCpuMicrosPerOp: mean((s) => s.clientCpuMicrosPerOp),
    clientBusy: mean((s) => s.clientBusy),
    otherCores: mean((s) => s.otherCores),
    errors: list.reduce((sum, s) => sum + s.errors, 0),
    ...(firstError !== undefined ? { firstError } : {}),
  };
}

function printReport(samples: Partial<Record<FigureId, Sample[]>>, memory: Memory): void {
  const valueOf = (id: FigureId) => median((samples[id] ?? []).map((s) => s.value));
  // Ours against dynalite round by round (the two phases of a round run back to back, under the same conditions).
  const ratiosOf = (ours: FigureId, theirs: FigureId) =>
    (samples[ours] ?? []).flatMap((sample, round) => {
      const other = samples[theirs]?.[round];
      return other ? [sample.value / other.value] : [];
    });
  const versus = (ours: FigureId, theirs: FigureId, name: string, atLeast: number) => {
    const ratios = ratiosOf(ours, theirs);
    if (ratios.length === 0) return undefined;
    const factor = atLeast === 1 ? '' : `${atLeast} x `;
    return { text: `>= ${factor}${name} (${valueOf(theirs).toFixed(0)})`, met: median(ratios) >= atLeast, ratios };
  };
  const putVersus = versus('ddbPutOurs', 'ddbPutDynalite', 'dynalite', 1);
  const getVersus = versus('ddbGetOurs', 'ddbGetDynalite', 'dynalite', 1);
  const roleVersus = versus('s3Get16Role', 's3Get16', 'root', ROLE_TARGET_RATIO);
  const goals: Partial<Record<FigureId, { text: string; met: boolean; ratios?: number[] }>> = {
    s3Get16: { text: '>= 600 ops/s', met: valueOf('s3Get16') >= 600 },
    s3Get16One: { text: '>= 600 ops/s', met: valueOf('s3Get16One') >= 600 },
    ...(putVersus ? { ddbPutOurs: putVersus } : {}),
    ...(getVersus ? { ddbGetOurs: getVersus } : {}),
    ...(roleVersus ? { s3Get16Role: roleVersus } : {}),
  };
  const percent = (share: number) => `${(share * 100).toFixed(0)}%`;
  const header = ['figure', 'value', 'target', 'met?', 'rounds', 'server CPU/op', 'server busy', 'client CPU/op', 'others', 'limit', 'errors'];
  const rows = ALL_IDS.filter((id) => samples[id] !== undefined).map((id) => {
    const figure: Figure = figures[id];
    const list = samples[id] ?? [];
    const goal = goals[id];
    const middle = (pick: (s: Sample) => number) => median(list.map(pick));
    return [
      figure.label,
      `${valueOf(id).toFixed(figure.unit === 'ops/s' ? 0 : 1)} ${figure.unit}`,
      goal?.text ?? '',
      goal === undefined ? '' : goal.met ? 'yes' : 'NO',
      list.map((s) => s.value.toFixed(0)).join(' '),
      `${middle((s) => s.serverCpuMicrosPerOp).toFixed(0)} µs`,
      percent(middle((s) => s.serverBusy)),
      `${middle((s) => s.clientCpuMicrosPerOp).toFixed(0)} µs`,
      middle((s) => s.otherCores).toFixed(2),
      describeLimit(list),
      String(list.reduce((sum, s) => sum + s.errors, 0)),
    ];
  });
  const memoryRow = (label: string, bytes: number, limit?: { value: number; unit: 'MB' | 'MiB' }) => [
    label,
    formatMiB(bytes),
    limit === undefined ? '' : `< ${limit.value} ${limit.unit}`,
    limit === undefined ? '' : bytes < limit.value * (limit.unit === 'MB' ? 1e6 : MIB) ? 'yes' : 'NO',
  ];
  rows.push(memoryRow('Endpoint RSS 1 s after start', memory.startRss));
  rows.push(memoryRow(`Endpoint RSS idle (${SETTLE_MS / 1000} s after start; startLocalAws alone)`, memory.idleRss, { value: 50, unit: 'MB' }));
  rows.push(memoryRow('Endpoint RSS peak under the benchmark (VmHWM)', memory.peakRss, { value: 200, unit: 'MiB' }));
  console.log(`\n${ROUNDS} rounds of ${PHASE_MS / 1000} s per figure; value = median of the rounds; c = requests in flight (c16: 2 SDK client processes x 8, unless said).`);
  console.log(formatTable(header, rows));
  for (const [id, other, atLeast] of [['ddbPutOurs', 'dynalite', 1], ['ddbGetOurs', 'dynalite', 1], ['s3Get16Role', 'root credentials', ROLE_TARGET_RATIO]] as const) {
    const ratios = goals[id]?.ratios;
    if (ratios === undefined) continue;
    const list = ratios.map((r) => r.toFixed(2)).join(' ');
    console.log(`${figures[id].label} / ${other}, round by round: ${list} (median ${median(ratios).toFixed(2)}; met when >= ${atLeast})`);
  }
  console.log(
    [
      '',
      "server CPU/op: the server process's CPU time (user+system, /proc/PID/stat) per request; 1e6 / it = what the",
      "  server could serve with one core to itself. client CPU/op: the SDK client processes' CPU per request.",
      'others: cores used meanwhile by every other process on the machine (they share its 2 cores).',
      'limit: "server" / "client" = that process used >= 85% of a core; "both cores" = server and clients together',
      '  filled the 2 cores ("cores (shared)" when others took >= 0.25 of a core); "latency" = nothing was saturated.',
    ].join('\n'),
  );
}

/** The memory at rest of `serve --aws-only` and of the full runtime, and what a service's first request costs. */
function printStartupMemory(startup: StartupMemory): void {
  const rss = (label: string, bytes: number, limitMiB?: number) => [label, formatMiB(bytes), limitMiB === undefined ? '' : `< ${limitMiB} MB`, limitMiB === undefined ? '' : bytes < limitMiB * 1e6 ? 'yes' : 'NO'];
  const rows = [
    rss(`aws-exec serve --aws-only: RSS idle (${SETTLE_MS / 1000} s after start)`, startup.awsOnlyIdle, 50),
    rss('  then after its first S3 request (loads request handling, SigV4 and S3)', startup.awsOnlyAfter.s3),
    rss('  then after its first DynamoDB request', startup.awsOnlyAfter.dynamodb),
    rss('  then after its first Lambda request', startup.awsOnlyAfter.lambda),
    rss('  then after its first SQS request', startup.awsOnlyAfter.sqs),
    rss(`full runtime (aws-exec serve), main process: RSS idle (${SETTLE_MS / 1000} s after start)`, startup.runtimeIdle, 60),
    ...(['s3', 'dynamodb', 'lambda', 'sqs'] as const).map((service) => {
      const { first, warm } = startup.firstRequestMs[service];
      return [`first ${service} request / warm one (median of runs)`, `${first.toFixed(1)} / ${warm.toFixed(1)} ms`, '', ''];
    }),
  ];
  console.log('\nMemory at rest, from dist/ through the CLI as users start it:');
  console.log(formatTable(['figure', 'value', 'target', 'met?'], rows));
}

await main();
