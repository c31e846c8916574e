/*
 * The peer's job runner: a BullMQ worker in its own process (as aws-exec's runner is) that
 * spawns each job's argv and appends its output to the job's log (BullMQ's `job.log`,
 * a Redis list), returning the exit code. Started by peer.ts with the Redis port.
 */
import { spawn } from 'node:child_process';
import { Worker } from 'bullmq';

const port = Number(process.argv[2]);
const QUEUE = 'bench';

const worker = new Worker<{ argv: string[] }, number>(
  QUEUE,
  async (job) => {
    const [file, ...args] = job.data.argv;
    const child = spawn(file as string, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    // Not awaited one by one: ioredis pipelines the appends in order on its connection.
    const appends: Promise<number>[] = [];
    const append = (chunk: Buffer) => appends.push(job.log(chunk.toString('latin1')));
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const code = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exit) => resolve(exit ?? 1));
    });
    await Promise.all(appends);
    return code;
  },
  { connection: { host: '127.0.0.1', port }, concurrency: 8 },
);
worker.on('error', (error) => process.stderr.write(`peer worker: ${String(error)}\n`));
await worker.waitUntilReady();
process.send?.('ready');
process.on('disconnect', () => void worker.close().then(() => process.exit(0)));
