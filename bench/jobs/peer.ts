/** The peer users pick for local async jobs: BullMQ on a redis-server this benchmark starts itself. */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { BIG, BIG_BYTES, ECHO, lineLatencies, nowMs, timestampLines } from './commands.js';

const QUEUE = 'bench';

/** A running peer: redis-server, the worker process, and the client side (queue + events). */
export interface Peer {
  queue: Queue;
  events: QueueEvents;
  stop(): Promise<void>;
}

/** Why the peer cannot run here, or undefined when redis-server is installed. */
export function findPeerProblem(): string | undefined {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'redis-server is not installed (apt-get install -y redis-server)';
  }
}

/** Starts redis-server on a free port (no persistence), the BullMQ worker process and the client side. */
export async function startPeer(): Promise<Peer> {
  const port = await findFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'aws-exec-bench-redis-'));
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForOutput(redis, /Ready to accept connections/);
  const worker = fork(join(import.meta.dirname, 'peer-worker.ts'), [String(port)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('exit', (code) => reject(new Error(`The peer worker exited with ${code}`)));
  });
  const connection = { host: '127.0.0.1', port };
  const queue = new Queue(QUEUE, { connection });
  const events = new QueueEvents(QUEUE, { connection });
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  return {
    queue,
    events,
    async stop() {
      await Promise.all([queue.close(), events.close()]);
      const workerExit = new Promise((done) => worker.once('exit', done));
      worker.disconnect();
      await workerExit;
      const redisExit = new Promise((done) => redis.once('exit', done));
      redis.kill('SIGTERM');
      await redisExit;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Figure 1 for the peer: add → completed → log read of `echo hi`. */
export async function peerEcho(peer: Peer): Promise<number> {
  const started = performance.now();
  const job = await peer.queue.add('run', { argv: ECHO });
  const code = (await job.waitUntilFinished(peer.events)) as number;
  const { logs } = await peer.queue.getJobLogs(job.id as string);
  const elapsed = performance.now() - started;
  await job.remove();
  if (code !== 0 || logs.join('') !== 'hi\n') throw new Error(`Expected exit 0 and "hi\\n" from the peer, got ${code} and ${JSON.stringify(logs)}`);
  return elapsed;
}

/** Figure 2 for the peer: a client polling the job's log every `pollMs` sees each timestamp line. */
export async function peerLineLatency(peer: Peer, lines: number, gapSeconds: number, pollMs: number): Promise<number[]> {
  const job = await peer.queue.add('run', { argv: timestampLines(lines, gapSeconds) });
  const latencies: number[] = [];
  let start = 0;
  let pending = '';
  while (latencies.length < lines) {
    const { logs } = await peer.queue.getJobLogs(job.id as string, start, -1);
    const seenAt = nowMs();
    start += logs.length;
    pending += logs.join('');
    const end = pending.lastIndexOf('\n');
    if (end !== -1) {
      latencies.push(...lineLatencies(pending.slice(0, end), seenAt));
      pending = pending.slice(end + 1);
    }
    if (latencies.length < lines) await new Promise((done) => setTimeout(done, pollMs));
  }
  await job.waitUntilFinished(peer.events);
  return latencies;
}

/** Figure 3 for the peer: 64 MiB of output, read by a client polling every `pollMs` until the job completed. */
export async function peerBigJob(peer: Peer, pollMs: number): Promise<number> {
  const started = performance.now();
  const job = await peer.queue.add('run', { argv: BIG });
  let finished = false;
  const done = job.waitUntilFinished(peer.events).then(() => (finished = true));
  let start = 0;
  let received = 0;
  for (;;) {
    const wasFinished = finished;
    const { logs } = await peer.queue.getJobLogs(job.id as string, start, -1);
    start += logs.length;
    for (const row of logs) received += Buffer.byteLength(row, 'latin1');
    if (wasFinished) break;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  await done;
  const elapsed = performance.now() - started;
  await job.remove();
  if (received !== BIG_BYTES) throw new Error(`Expected ${BIG_BYTES} bytes from the peer, got ${received}`);
  return elapsed;
}

async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('Expected a TCP address');
  return address.port;
}

function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (pattern.test(seen)) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${seen.slice(-500)}`)));
  });
}
