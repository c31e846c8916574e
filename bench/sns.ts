/**
 * Benchmark of the local SNS fanning out to the local SQS, side by side with fauxqs (an npm
 * SNS/SQS emulator) when it is available, in one run:
 *   npm run bench:sns          (builds, then: node --import tsx bench/sns.ts)
 *   node --import tsx bench/sns.ts [--rounds 3] [--seconds 3] [--queues 2]
 *   FAUXQS_DIR=/tmp/fauxqs NODE22=… npm run bench:sns   (the peer, as for bench:sqs)
 *
 * Figures, per server, standard topics with raw SQS subscriptions, 256-byte messages:
 * - publish → receive latency: on a topic with one queue, one loop of Publish, then
 *   ReceiveMessage (a long poll started before the Publish), then DeleteMessage; the time from
 *   sending the Publish to having the message, p50 and p95 over every sample of the rounds;
 * - fan-out: on a topic with `--queues` queues, Publish loops at concurrency 1 (one loop) and 16
 *   (two client processes × 8 loops) for `--seconds`; publishes/s counts acknowledged Publish
 *   calls, deliveries/s counts messages that reached the queues (publishes × queues) over the time
 *   from the first Publish until the queues hold them all, and "lag" is how long after the last
 *   acknowledged Publish the queues had them all (ApproximateNumberOfMessages, looked at every
 *   25 ms). Ours commits SQS deliveries before answering Publish (local/aws/sns/ops/publish.ts), so
 *   its lag is the time of one look; an emulator that delivers after answering shows its backlog.
 *   Each is the median of the rounds.
 * Each server runs in its own process; servers alternate within a round. A measurement, not a test.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { formatMiB, formatTable, median } from './local-aws/report.js';
import { startOursWithSns } from './sns/servers.js';
import { startBenchServers, type SqsServer } from './sqs/servers.js';

const WORKER = new URL('./sns/worker.ts', import.meta.url);
const Published = z.object({ completed: z.number(), startedAt: z.number(), endedAt: z.number() });
const Reply = z.union([Published, z.object({ latencies: z.array(z.number()) }), z.object({ error: z.string() })]);
/** How long the queues may take to hold every published message before the run is called failed. */
const DRAIN_TIMEOUT_MS = 120_000;
const POLL_MS = 25;

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '3' }, queues: { type: 'string', default: '2' } },
});
const rounds = Number(args.rounds);
const durationMs = Number(args.seconds) * 1000;
const queueCount = Number(args.queues);
for (const [name, value] of [['--rounds', rounds], ['--seconds', durationMs], ['--queues', queueCount]] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`Expected ${name} to be a positive whole number, got ${String(value)}`);
}

/** A topic and the queues subscribed to it (raw delivery). */
interface Fan {
  topicArn: string;
  queueUrls: string[];
}

interface Setup {
  server: SqsServer;
  /** One queue: the latency loop receives and deletes what it publishes. */
  latency: Fan;
  /** `queueCount` queues: nothing receives; counted to see the deliveries arrive. */
  fanOut: Fan;
}

/** One fan-out run's figures. */
interface FanOutRun {
  publishesPerSecond: number;
  deliveriesPerSecond: number;
  lagMs: number;
}

function clientsOf(server: SqsServer) {
  const common = { endpoint: server.url, region: 'us-east-1', credentials: server.credentials, maxAttempts: 1 };
  return { sns: new SNSClient(common), sqs: new SQSClient(common) };
}

/** Runs `processes` worker processes at once on `fan`; returns their replies. */
async function runWorkers(server: SqsServer, fan: Fan, kind: 'publish' | 'latency', processes: number, workers: number, ms: number) {
  const children = Array.from({ length: processes }, () => fork(WORKER, [], { execArgv: ['--import', 'tsx', '--no-warnings'] }));
  try {
    const replies = children.map(async (child) => Reply.parse((await once(child, 'message'))[0]));
    const run = { kind, url: server.url, credentials: server.credentials, topicArn: fan.topicArn, queueUrl: fan.queueUrls[0], workers, durationMs: ms };
    for (const child of children) child.send(run);
    const all = await Promise.all(replies);
    for (const reply of all) if ('error' in reply) throw new Error(`Expected the load against ${server.label} to run, it failed: ${reply.error}`);
    return all;
  } finally {
    for (const child of children) child.kill();
  }
}

/** Messages waiting in the fan-out queues now. */
async function countQueued(sqs: SQSClient, queueUrls: readonly string[]): Promise<number> {
  let total = 0;
  for (const QueueUrl of queueUrls) {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    total += Number(Attributes?.ApproximateNumberOfMessages ?? 0);
  }
  return total;
}

/** Publishes on the fan-out topic, then waits for every delivery to reach the queues. */
async function measureFanOut(setup: Setup, processes: number, workers: number, ms: number): Promise<FanOutRun> {
  const { sqs } = clientsOf(setup.server);
  try {
    const before = await countQueued(sqs, setup.fanOut.queueUrls);
    const replies = (await runWorkers(setup.server, setup.fanOut, 'publish', processes, workers, ms)).map((reply) => Published.parse(reply));
    const published = replies.reduce((sum, reply) => sum + reply.completed, 0);
    const startedAt = Math.min(...replies.map((reply) => reply.startedAt));
    const endedAt = Math.max(...replies.map((reply) => reply.endedAt));
    const expected = before + published * setup.fanOut.queueUrls.length;
    let queued = await countQueued(sqs, setup.fanOut.queueUrls);
    while (queued < expected) {
      if (Date.now() - endedAt > DRAIN_TIMEOUT_MS) {
        throw new Error(`Expected ${expected} messages in ${setup.server.label}'s queues within ${DRAIN_TIMEOUT_MS / 1000} s of the last Publish, got ${queued}`);
      }
      await sleep(POLL_MS);
      queued = await countQueued(sqs, setup.fanOut.queueUrls);
    }
    const drainedAt = Date.now();
    return {
      publishesPerSecond: published / (ms / 1000),
      deliveriesPerSecond: (published * setup.fanOut.queueUrls.length) / ((drainedAt - startedAt) / 1000),
      lagMs: Math.max(0, drainedAt - endedAt),
    };
  } finally {
    sqs.destroy();
  }
}

async function latencies(setup: Setup, ms: number): Promise<number[]> {
  const [reply] = await runWorkers(setup.server, setup.latency, 'latency', 1, 1, ms);
  return reply && 'latencies' in reply ? reply.latencies : [];
}

/** Creates topic `name` with `queues` queues subscribed to it (raw delivery). */
async function createFan(sns: SNSClient, sqs: SQSClient, name: string, queues: number): Promise<Fan> {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  const queueUrls: string[] = [];
  for (let index = 0; index < queues; index++) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-${index}` }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn, Attributes: { RawMessageDelivery: 'true' } }));
    queueUrls.push(QueueUrl!);
  }
  return { topicArn: TopicArn!, queueUrls };
}

/** Creates the latency and fan-out topics and their queues on a server. */
async function prepare(server: SqsServer): Promise<Setup> {
  const { sns, sqs } = clientsOf(server);
  try {
    return { server, latency: await createFan(sns, sqs, 'bench-latency', 1), fanOut: await createFan(sns, sqs, 'bench-fan-out', queueCount) };
  } finally {
    sns.destroy();
    sqs.destroy();
  }
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Appends `value` to the list under `key`. */
function record<T>(map: Map<string, T[]>, key: string, ...values: T[]): void {
  map.set(key, [...(map.get(key) ?? []), ...values]);
}

async function main(): Promise<void> {
  const { servers, stopAll } = await startBenchServers('sns', startOursWithSns);
  try {
    const idle = servers.map((s) => s.readRss());
    const setups = await Promise.all(servers.map(prepare));
    const samples = new Map<string, number[]>();
    const runs = new Map<string, FanOutRun[]>();
    for (const setup of setups) await latencies(setup, 500); // warm-up
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? setups : [...setups].reverse();
      for (const setup of order) record(samples, setup.server.label, ...(await latencies(setup, durationMs)));
    }
    const phases = [
      { label: 'c1', processes: 1, workers: 1 },
      { label: 'c16', processes: 2, workers: 8 },
    ];
    for (const phase of phases) {
      for (const setup of setups) await measureFanOut(setup, phase.processes, phase.workers, 500); // warm-up
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? setups : [...setups].reverse();
        for (const setup of order) record(runs, `${phase.label}|${setup.server.label}`, await measureFanOut(setup, phase.processes, phase.workers, durationMs));
      }
    }
    const figure = (phase: string, server: SqsServer, pick: (run: FanOutRun) => number) => median((runs.get(`${phase}|${server.label}`) ?? []).map(pick));
    const rows = [
      ['publish → receive p50', ...servers.map((s) => `${percentile(samples.get(s.label) ?? [], 50).toFixed(1)} ms`)],
      ['publish → receive p95', ...servers.map((s) => `${percentile(samples.get(s.label) ?? [], 95).toFixed(1)} ms`)],
      ['(samples)', ...servers.map((s) => String(samples.get(s.label)?.length ?? 0))],
      ...phases.flatMap((phase) => [
        [`publishes/s, ${phase.label}`, ...servers.map((s) => `${figure(phase.label, s, (run) => run.publishesPerSecond).toFixed(0)}/s`)],
        [`deliveries/s, ${phase.label}`, ...servers.map((s) => `${figure(phase.label, s, (run) => run.deliveriesPerSecond).toFixed(0)}/s`)],
        [`lag after last publish, ${phase.label}`, ...servers.map((s) => `${figure(phase.label, s, (run) => run.lagMs).toFixed(0)} ms`)],
      ]),
      ['RSS idle', ...idle.map(formatMiB)],
      ['RSS after', ...servers.map((s) => formatMiB(s.readRss()))],
    ];
    console.log(`\nSNS → SQS (raw subscriptions; latency: 1 queue, fan-out: ${queueCount} queues), ${rounds} rounds of ${durationMs / 1000} s\n`);
    console.log(formatTable(['', ...servers.map((s) => s.label)], rows));
  } finally {
    await stopAll();
  }
}

await main();
