import { fork, type ChildProcess } from 'node:child_process';
import { Reply, type Command, type DynamoDbTarget, type PhaseName } from './protocol.js';
import { readMachineBusyMs } from './proc.js';
import { median } from './report.js';
import type { ServerProcess } from './servers.js';

const MIB = 1048576;
/** A process using at least this share of one core is taken to be the limit. */
export const BUSY = 0.85;
/** Other processes using more than this many cores make a phase wait (they share our 2 cores). */
const QUIET_CORES = 0.3;

/** One figure measured from the load processes. */
export interface Figure {
  label: string;
  phase: PhaseName;
  target: DynamoDbTarget;
  concurrency: number;
  processes: 1 | 2;
  unit: 'ops/s' | 'MiB/s';
}

/** One phase of one round. */
export interface Sample {
  value: number;
  serverCpuMicrosPerOp: number;
  /** Share of one core the server used. */
  serverBusy: number;
  clientCpuMicrosPerOp: number;
  /** Share of one core used by the busiest client process. */
  clientBusy: number;
  /** Cores used by every other process on the machine meanwhile (other work shares these 2 cores). */
  otherCores: number;
  errors: number;
  firstError?: string;
}

/** A forked load process and a way to send it one command and await its reply. */
export interface LoadProcess {
  child: ChildProcess;
  send(command: Command): Promise<Reply>;
}

/** Forks a load process (load-worker.ts, under tsx like this script). */
export function forkLoadProcess(): LoadProcess {
  const child = fork(new URL('./load-worker.ts', import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  // One command at a time per process: a single pending answer, settled by the next message or by the exit.
  let pending: { command: string; resolve(reply: Reply): void; reject(error: Error): void } | undefined;
  child.on('message', (message: unknown) => {
    const reply = Reply.safeParse(message);
    if (reply.success) pending?.resolve(reply.data);
    else pending?.reject(new Error(`Expected a load report, got ${JSON.stringify(message)}`));
    pending = undefined;
  });
  child.on('exit', (code) => {
    pending?.reject(new Error(`Expected the load process to answer \`${pending.command}\`, it exited with ${String(code)}`));
    pending = undefined;
  });
  return {
    child,
    send(command) {
      return new Promise<Reply>((resolve, reject) => {
        pending = { command: command.type, resolve, reject };
        child.send(command);
      });
    },
  };
}

/** Cores the whole machine keeps busy over `ms` (the servers and load processes are idle between phases). */
async function measureMachineCores(ms: number): Promise<number> {
  const before = readMachineBusyMs();
  await new Promise((done) => setTimeout(done, ms));
  return (readMachineBusyMs() - before) / ms;
}

/**
 * Waits (up to `budgetMs`) until other processes leave the machine's cores alone, since they
 * would share them with the phase; returns how long it waited.
 */
export async function waitForQuietMachine(budgetMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < budgetMs && (await measureMachineCores(100)) > QUIET_CORES) {
    await new Promise((done) => setTimeout(done, 300));
  }
  return performance.now() - started;
}

/** Runs one phase of `figure` for `durationMs` and reads what it cost the server and the clients. */
export async function measure(
  figure: Figure,
  loaders: readonly LoadProcess[],
  servers: Record<DynamoDbTarget, ServerProcess>,
  durationMs: number,
): Promise<Sample> {
  const server = servers[figure.target];
  const used = loaders.slice(0, figure.processes);
  const cpuBefore = server.readCpuMs();
  const machineBefore = readMachineBusyMs();
  const started = performance.now();
  const replies = await Promise.all(
    used.map((loader) =>
      loader.send({ type: 'run', phase: figure.phase, target: figure.target, concurrency: figure.concurrency / used.length, durationMs }),
    ),
  );
  const wallMs = performance.now() - started;
  const serverCpuMs = server.readCpuMs() - cpuBefore;
  const machineMs = readMachineBusyMs() - machineBefore;
  const clientCpuMs = replies.reduce((sum, r) => sum + r.cpuMs, 0);
  const ops = replies.reduce((sum, r) => sum + r.ops, 0);
  const bytes = replies.reduce((sum, r) => sum + r.bytes, 0);
  const elapsedMs = Math.max(...replies.map((r) => r.elapsedMs));
  const firstError = replies.find((r) => r.firstError !== undefined)?.firstError;
  return {
    value: figure.unit === 'ops/s' ? ops / (elapsedMs / 1000) : bytes / MIB / (elapsedMs / 1000),
    serverCpuMicrosPerOp: (serverCpuMs * 1000) / ops,
    serverBusy: serverCpuMs / wallMs,
    clientCpuMicrosPerOp: (clientCpuMs * 1000) / ops,
    clientBusy: Math.max(...replies.map((r) => r.cpuMs / r.elapsedMs)),
    otherCores: Math.max(0, machineMs - serverCpuMs - clientCpuMs) / wallMs,
    errors: replies.reduce((sum, r) => sum + r.errors, 0),
    ...(firstError !== undefined ? { firstError } : {}),
  };
}

/** Which resource bounded a figure, from how busy each process and the machine were (medians of the rounds). */
export function describeLimit(samples: readonly Sample[]): string {
  const server = median(samples.map((s) => s.serverBusy));
  const client = median(samples.map((s) => s.clientBusy));
  const clients = median(samples.map((s) => (s.clientCpuMicrosPerOp * s.value) / 1e6));
  const others = median(samples.map((s) => s.otherCores));
  if (server >= BUSY) return 'server';
  if (client >= BUSY) return 'client';
  if (server + clients + others >= 2 * BUSY) return others >= 0.25 ? 'cores (shared)' : 'both cores';
  return 'latency';
}
