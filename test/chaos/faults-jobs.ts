// The workload of the chaos tests: 20 jobs that stream a few hundred KB of numbered lines
// over a few seconds and end with different exit codes, some subprocesses and some RPCs
// (listdir over a directory made for it), each with the exact log it must end with.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One job to start and what it must end with. */
export interface ChaosJob {
  name: string;
  /** The Go client's POST fields. */
  fields: { argv?: string[]; 'rpc-name'?: string; 'rpc-args'?: string };
  expectedLog: Buffer;
  expectedExit: number;
}

/** Line n of job j's output (63 bytes and a newline). */
export function chaosLine(job: number, n: number): string {
  return `${`job ${String(job).padStart(2, '0')} line ${String(n).padStart(7, '0')} `.padEnd(63, '.')}\n`;
}

// Prints `lines` of chaosLine(job, n) in `bursts` bursts `gapMs` apart, then ends as told: an
// exit code, or a signal to itself.
const STREAM_SCRIPT = [
  'const [job, lines, bursts, gapMs, end] = process.argv.slice(2);',
  'const line = (n) => (`job ${job.padStart(2, "0")} line ${String(n).padStart(7, "0")} `).padEnd(63, ".") + "\\n";',
  'let n = 0; const per = Math.ceil(Number(lines) / Number(bursts));',
  'function burst() {',
  '  let out = "";',
  '  for (let k = 0; k < per && n < Number(lines); k++, n++) out += line(n);',
  '  process.stdout.write(out, () => { if (n < Number(lines)) setTimeout(burst, Number(gapMs)); else finish(); });',
  '}',
  'function finish() { if (end.startsWith("SIG")) process.kill(process.pid, end); else process.exit(Number(end)); }',
  'burst();',
].join('\n');

const SUBPROCESS_ENDS = ['0', '1', '3', '42', '0', '7', '0', '2', 'SIGTERM', '0', '5', '0', '99', '0'];
const SIGNALS: Record<string, number> = { SIGTERM: 15 };

/**
 * Writes the stream script and the RPC directories under `scratch` and returns the 20 jobs:
 * 14 subprocesses of 160-420 KB in 12-20 bursts 150 ms apart, 5 listdir RPCs of 100-300 KB,
 * and one RPC that fails (exit 1, its closing line).
 */
export function prepareChaosJobs(scratch: string): ChaosJob[] {
  const script = join(scratch, 'stream.cjs');
  writeFileSync(script, STREAM_SCRIPT);
  const jobs: ChaosJob[] = SUBPROCESS_ENDS.map((end, j) => {
    const lines = 2_500 + j * 300;
    const bursts = 12 + (j % 9);
    const text = Array.from({ length: lines }, (_, n) => chaosLine(j, n)).join('');
    const signal = SIGNALS[end];
    const closing = signal === undefined ? '' : `[aws-exec] killed by signal ${end} (${signal})\n`;
    return {
      name: `subprocess ${j} (${end})`,
      fields: { argv: [process.execPath, script, String(j), String(lines), String(bursts), '150', end] },
      expectedLog: Buffer.from(text + closing),
      expectedExit: signal === undefined ? Number(end) : 128 + signal,
    };
  });
  for (let r = 0; r < 5; r++) {
    const dir = join(scratch, `rpc-${r}`);
    mkdirSync(dir, { recursive: true });
    const names = Array.from({ length: 1_000 + r * 500 }, (_, k) => `file-${String(k).padStart(6, '0')}-${'n'.repeat(40)}`);
    for (const name of names) writeFileSync(join(dir, name), '');
    jobs.push({
      name: `rpc listdir ${r}`,
      fields: { 'rpc-name': 'listdir', 'rpc-args': JSON.stringify({ path: dir }) },
      expectedLog: Buffer.from(names.sort().map((name) => `${join(dir, name)}\n`).join('')),
      expectedExit: 0,
    });
  }
  const missing = join(scratch, 'no-such-dir');
  jobs.push({
    name: 'rpc listdir of a missing directory',
    fields: { 'rpc-name': 'listdir', 'rpc-args': JSON.stringify({ path: missing }) },
    expectedLog: Buffer.from(`[aws-exec] error: Expected a readable directory, got \`${missing}\` (ENOENT)\n`),
    expectedExit: 1,
  });
  return jobs;
}
