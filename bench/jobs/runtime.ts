/** Starting the local runtime from dist/ as users run it, and reading its memory use. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readLocalJson, type LocalJson } from '../../local/local-json.js';

/** The repository's root (the runtime is started from its dist/). */
export const REPO = resolve(import.meta.dirname, '../..');
const CLI = join(REPO, 'dist/cli/main.js');

/** A running `aws-exec serve` in a child process. */
export interface BenchRuntime {
  config: LocalJson;
  pid: number;
  /** Everything it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `node dist/cli/main.js serve` (with `serveArgs`) on free ports in a fresh data directory; resolves once local.json is written. */
export async function startBenchRuntime(extraNodeArgs: string[] = [], serveArgs: string[] = []): Promise<BenchRuntime> {
  if (!existsSync(CLI)) throw new Error(`Expected the built CLI at ${CLI}: run \`npm run build\` first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-bench-'));
  const child: ChildProcess = spawn(process.execPath, [...extraNodeArgs, CLI, 'serve', '--data-dir', dataDir, '--port', '0', '--aws-port', '0', ...serveArgs], {
    cwd: REPO,
    // One key starts 50 jobs at once here, above the per-key cap env.sh.template sets (25).
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', KEY_MAX_RUNNING_JOBS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const deadline = Date.now() + 60_000;
  let config: LocalJson | undefined;
  while (config === undefined) {
    if (child.exitCode !== null) throw new Error(`aws-exec serve exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`aws-exec serve did not start within 60 s:\n${output}`);
    }
    try {
      const read = readLocalJson(dataDir);
      if (read?.pid === child.pid) config = read;
    } catch {
      // being written
    }
    if (config === undefined) await new Promise((done) => setTimeout(done, 25));
  }
  return {
    config,
    pid: child.pid as number,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resident set size of a process in bytes (0 if it is gone). */
export function readRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The pids of a process's direct children (the runtime's children are its Lambda workers). */
export function listChildren(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command (which may hold spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

/** RSS of the runtime's main process and of its workers. */
export function readRuntimeMemory(pid: number): { main: number; workers: number[] } {
  return { main: readRss(pid), workers: listChildren(pid).map(readRss) };
}

/** CPU time (user + system, ms) a process used, with that of its children it has waited for (0 if it is gone). */
export function readCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime (fields 14-17, in clock ticks of 10 ms).
    return [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index] ?? 0), 0) * 10;
  } catch {
    return 0;
  }
}

/** CPU used so far by the runtime's main process and by its workers (with the jobs they ran). */
export function readRuntimeCpu(pid: number): { main: number; workers: Map<number, number> } {
  return { main: readCpuMs(pid), workers: new Map(listChildren(pid).map((child) => [child, readCpuMs(child)])) };
}

/** CPU per job (ms) between two readings, split by process. */
export function cpuPerJob(
  before: ReturnType<typeof readRuntimeCpu>,
  after: ReturnType<typeof readRuntimeCpu>,
  jobs: number,
): { main: number; workers: number } {
  let workers = 0;
  for (const [pid, used] of after.workers) workers += used - (before.workers.get(pid) ?? 0);
  return { main: (after.main - before.main) / jobs, workers: workers / jobs };
}
