/** The commands the benchmark runs, and running them bare with child_process.spawn. */
import { spawn } from 'node:child_process';
import { createLogDecoder } from '../../client/index.js';

/** `echo hi`: the smallest job. */
export const ECHO = ['echo', 'hi'];

/** A job that takes a second: what running jobs side by side is about (figure 5). */
export const SECOND = ['sh', '-c', 'sleep 1; echo hi'];

/** How many bytes the throughput job writes. */
export const BIG_BYTES = 64 * 1024 * 1024;
/** The throughput job: 64 MiB of 64-byte lines, as fast as a pipe takes them. */
export const BIG = ['sh', '-c', `yes 'aws-exec benchmark output, a line of 64 bytes: 0123456789abcdefghij' | head -c ${BIG_BYTES}`];

/** Prints `count` lines, each its own print time in ns since the epoch, `gapSeconds` apart. */
export function timestampLines(count: number, gapSeconds: number): string[] {
  return ['sh', '-c', `for i in $(seq ${count}); do sleep ${gapSeconds}; date +%s%N; done`];
}

/** Prints a line a second for `seconds` seconds. */
export function slowJob(seconds: number): string[] {
  return ['sh', '-c', `for i in $(seq ${seconds}); do echo "second $i"; sleep 1; done`];
}

/** Milliseconds since the epoch, with sub-millisecond precision. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Latencies (ms) of lines holding their print time in ns since the epoch, seen at `seenAt` (ms since the epoch). */
export function lineLatencies(text: string, seenAt: number): number[] {
  const latencies: number[] = [];
  for (const line of text.split('\n')) {
    if (!/^\d{19}$/.test(line)) continue;
    const printedAt = Number(BigInt(line) / 1000n) / 1000;
    latencies.push(seenAt - printedAt);
  }
  return latencies;
}

/** A log-chunk handler that pushes the latency of each complete timestamp line (see timestampLines) onto `latencies`. */
export function recordLineLatencies(latencies: number[]): (chunk: Uint8Array) => void {
  const decoder = createLogDecoder();
  let pending = '';
  return (chunk) => {
    const seenAt = nowMs();
    pending += decoder.write(chunk);
    const end = pending.lastIndexOf('\n');
    if (end === -1) return;
    latencies.push(...lineLatencies(pending.slice(0, end), seenAt));
    pending = pending.slice(end + 1);
  };
}

/** Runs argv bare (stdout and stderr piped, read to the end); resolves with the elapsed ms and bytes read. */
export function spawnBare(argv: readonly string[]): Promise<{ ms: number; bytes: number; code: number | null }> {
  const [file, ...args] = argv;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file as string, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    child.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
    child.stderr.on('data', (chunk: Buffer) => (bytes += chunk.length));
    child.once('error', reject);
    child.once('close', (code) => resolve({ ms: performance.now() - started, bytes, code }));
  });
}
