/**
 * Benchmark of the local SQS, side by side with an npm SQS emulator when one is available, in one run:
 *   npm run bench:sqs          (builds, then: node --import tsx bench/sqs.ts)
 *   node --import tsx bench/sqs.ts [--rounds 3] [--seconds 3]
 *   FAUXQS_DIR=/tmp/fauxqs npm run bench:sqs   (the peer: `npm install --prefix /tmp/fauxqs fauxqs`)
 *
 * The figure is messages/s through the whole cycle SendMessage → ReceiveMessage → DeleteMessage
 * (256-byte bodies, one standard queue), at concurrency 1 (one client process, one loop) and 16
 * (two client processes × 8 loops: the SDK costs more CPU per request than the server, so one
 * client process would be the limit). Each server runs in its own process; each figure is the
 * median of the rounds, servers alternating within a round. A measurement, not a test.
 * ElasticMQ (the usual peer) needs a JVM, which is not here; the peer is fauxqs (Node >= 22.5).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { formatMiB, formatTable, median } from './local-aws/report.js';
import { startBenchServers, startOurs, type SqsServer } from './sqs/servers.js';

const WORKER = new URL('./sqs/worker.ts', import.meta.url);
const Reply = z.union([z.object({ completed: z.number() }), z.object({ error: z.string() })]);

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '3' } } });
const rounds = Number(args.rounds);
const durationMs = Number(args.seconds) * 1000;

/** Runs one phase: `processes` client processes of `workers` loops each, all at once; returns messages/s. */
async function measure(server: SqsServer, queueUrl: string, processes: number, workers: number, ms: number): Promise<number> {
  const children = Array.from({ length: processes }, () => fork(WORKER, [], { execArgv: ['--import', 'tsx', '--no-warnings'] }));
  try {
    const replies = children.map(async (child) => Reply.parse((await once(child, 'message'))[0]));
    for (const child of children) child.send({ url: server.url, credentials: server.credentials, queueUrl, workers, durationMs: ms });
    let completed = 0;
    for (const reply of await Promise.all(replies)) {
      if ('error' in reply) throw new Error(`Expected the load against ${server.label} to run, it failed: ${reply.error}`);
      completed += reply.completed;
    }
    return completed / (ms / 1000);
  } finally {
    for (const child of children) child.kill();
  }
}

async function createQueue(server: SqsServer, name: string): Promise<string> {
  const client = new SQSClient({ endpoint: server.url, region: 'us-east-1', credentials: server.credentials, maxAttempts: 1 });
  try {
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
    if (!QueueUrl) throw new Error(`Expected ${server.label} to answer a QueueUrl`);
    return QueueUrl;
  } finally {
    client.destroy();
  }
}

const PHASES = [
  { label: 'send+receive+delete, c1', processes: 1, workers: 1 },
  { label: 'send+receive+delete, c16', processes: 2, workers: 8 },
] as const;

async function main(): Promise<void> {
  const { servers, stopAll } = await startBenchServers('sqs', startOurs);
  try {
    const idle = servers.map((s) => s.readRss());
    const queues = await Promise.all(servers.map((s) => createQueue(s, 'bench')));
    const results = new Map<string, number[]>();
    for (const phase of PHASES) {
      for (let i = 0; i < servers.length; i++) await measure(servers[i]!, queues[i]!, phase.processes, phase.workers, 1000); // warm-up
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? servers.map((_, i) => i) : servers.map((_, i) => i).reverse();
        for (const i of order) {
          const key = `${phase.label}|${servers[i]!.label}`;
          results.set(key, [...(results.get(key) ?? []), await measure(servers[i]!, queues[i]!, phase.processes, phase.workers, durationMs)]);
        }
      }
    }
    const rows = PHASES.map((phase) => [phase.label, ...servers.map((s) => `${median(results.get(`${phase.label}|${s.label}`) ?? []).toFixed(0)} msg/s`)]);
    rows.push(['RSS idle', ...idle.map(formatMiB)], ['RSS after', ...servers.map((s) => formatMiB(s.readRss()))]);
    console.log(`\nSQS, ${rounds} rounds of ${durationMs / 1000} s, medians\n`);
    console.log(formatTable(['', ...servers.map((s) => s.label)], rows));
  } finally {
    await stopAll();
  }
}

await main();
