/*
 * The job events benchmark (issue 15): how long after a job's command exits its signed webhook
 * reaches the receiver. One local runtime started from dist/ as users run it (`aws-exec serve`
 * in a child process), a receiver on 127.0.0.1 answering 200, jobs one after another, each
 * `sh -c 'date +%s%3N'` (it prints its own exit time, read back from its log afterwards).
 *
 *   npm run bench:events      (= npm run build && node --import tsx bench/events.ts)
 *
 * Prints p50 / p95 of: command exit → webhook received, and the job's recorded end (`ended-at`,
 * after its final log, exit and size writes) → webhook received. Stands alone; exits 0.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createClient } from '../client/index.js';
import { readLocalJson, type LocalJson } from '../local/local-json.js';

const WARMUP = 5;
const SAMPLES = 60;
const REPO = resolve(import.meta.dirname, '..');
const CLI = join(REPO, 'dist/cli/main.js');

interface Arrival {
  at: number;
  body: string;
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`Expected the built CLI at ${CLI}: run \`npm run build\` first`);
  const arrivals = new Map<string, Arrival>();
  const waiters = new Map<string, () => void>();
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = Date.now();
      const id = String(request.headers['webhook-id'] ?? '');
      arrivals.set(id, { at, body: Buffer.concat(chunks).toString('utf8') });
      waiters.get(id)?.();
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-bench-events-'));
  const child = spawn(process.execPath, [CLI, 'serve', '--data-dir', dataDir, '--port', '0', '--aws-port', '0'], {
    cwd: REPO,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  try {
    const config = await waitForRuntime(dataDir, child.pid);
    const client = createClient({ url: config.url, auth: config.auth });
    const exitToHook: number[] = [];
    const endToHook: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const uid = await client.start({ argv: ['sh', '-c', 'date +%s%3N'], notify: { url: hookUrl } });
      const id = `msg_${uid}`;
      if (!arrivals.has(id)) await new Promise<void>((done) => waiters.set(id, done));
      waiters.delete(id);
      const arrival = arrivals.get(id) as Arrival;
      let log = '';
      await client.tail(uid).exit((chunk) => void (log += Buffer.from(chunk).toString('utf8')));
      const exitedAt = Number(log.trim());
      const endedAt = (JSON.parse(arrival.body) as { data: { 'ended-at': number } }).data['ended-at'];
      if (i >= WARMUP) {
        exitToHook.push(arrival.at - exitedAt);
        endToHook.push(arrival.at - endedAt);
      }
    }
    console.log(`job events: webhook delivery after a job's exit, ${SAMPLES} jobs one after another (local runtime, receiver on 127.0.0.1)`);
    console.log(`  command exit -> webhook received:  p50 ${percentile(exitToHook, 50)} ms  p95 ${percentile(exitToHook, 95)} ms`);
    console.log(`  recorded end -> webhook received:  p50 ${percentile(endToHook, 50)} ms  p95 ${percentile(endToHook, 95)} ms`);
  } catch (error) {
    console.error(stderr);
    throw error;
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
    receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function waitForRuntime(dataDir: string, pid: number | undefined): Promise<LocalJson> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const config = readLocalJson(dataDir);
      if (config?.pid === pid && config !== undefined) return config;
    } catch {
      // being written
    }
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error('aws-exec serve did not start within 60 s');
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

await main();
