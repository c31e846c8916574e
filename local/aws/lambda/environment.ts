import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ResolvedFunctionConfig } from './config.js';
import { WorkerMessage, type FunctionErrorBody, type InvokeMessage } from './ipc.js';
import { createLinePrefixer, type InvocationLog, type LinePrefixer, type OutputSink } from './output.js';
import { destroyEnvironmentCgroup, killProcessTree, placeInEnvironmentCgroup } from './process-tree.js';
import { buildWorkerEnv } from './worker-env.js';

/** Everything needed to start an execution environment. */
export interface EnvironmentSpec {
  config: ResolvedFunctionConfig;
  region: string;
  /** The key pair of AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, and AWS_SESSION_TOKEN for a role's temporary credentials. */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  endpointUrl: string;
  initTimeoutMs: number;
  output: OutputSink;
}

/** How one invocation in an environment ended. `environmentLost`: the environment is gone (timeout, crash). */
export type InvocationOutcome =
  | { ok: true; payload: string }
  | { ok: false; error: FunctionErrorBody; environmentLost: boolean };

/** Starting an environment failed (the module did not load, or took too long); `body` is the function error. */
export class EnvironmentInitError extends Error {
  constructor(
    readonly body: FunctionErrorBody,
    options?: { cause?: unknown },
  ) {
    super(`${body.errorType}: ${body.errorMessage}`, options);
    this.name = 'EnvironmentInitError';
  }
}

interface Pending {
  requestId: string;
  log: InvocationLog;
  resolve(outcome: InvocationOutcome): void;
}

interface BootstrapEntry {
  path: string;
  execArgv: string[];
}

/**
 * Finds the bootstrap next to this file: `bootstrap.js` when running compiled, else
 * `bootstrap.ts`, run through tsx (resolved from here, so the handler's folder need not see it).
 */
export function resolveBootstrap(): BootstrapEntry {
  const here = dirname(fileURLToPath(import.meta.url));
  const compiled = `${here}/bootstrap.js`;
  if (existsSync(compiled)) return { path: compiled, execArgv: [] };
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return { path: `${here}/bootstrap.ts`, execArgv: ['--import', pathToFileURL(tsx).href] };
}

let bootstrapEntry: BootstrapEntry | undefined;

/** What V8 prints when a worker exceeds its heap limit (the function's memory size). */
const OUT_OF_MEMORY_MESSAGE = 'JavaScript heap out of memory';

/** How long output may still arrive after a worker exited. */
const OUTPUT_DRAIN_MS = 200;

/**
 * One warm worker process running a function's handler: one invocation at a time, or up
 * to the function's `environmentConcurrency` at once (as Lambda Managed Instances run
 * multi-concurrent environments). While several run, the worker's output goes to the log
 * of each, and a timeout or crash of one ends them all (they share the process).
 */
export class ExecutionEnvironment {
  /** Inherited by every process the environment starts, so that all of them can be found and killed. */
  readonly marker = randomUUID();
  readonly child: ChildProcess;
  /** The worker's own cgroup, which holds everything it starts (undefined where cgroups are not available). */
  readonly cgroup: string | undefined;
  /** Called once when the worker process exits, for whatever reason. */
  onExit: (() => void) | undefined;
  private readonly pending = new Map<string, Pending>();
  /** The log of the environment's start (before any invocation). */
  private initLog: InvocationLog | undefined;
  private fatal: FunctionErrorBody | undefined;
  /** Why the runtime itself ended the environment (an invocation's timeout), reported to that invocation instead of the exit. */
  private ending: { requestId: string; error: FunctionErrorBody } | undefined;
  private outOfMemory = false;
  private stderrTail = '';
  private killed = false;
  private exitDescription: string | undefined;
  private readonly exited: Promise<void>;
  private readonly prefixers: Record<'stdout' | 'stderr', LinePrefixer>;

  private constructor(readonly spec: EnvironmentSpec) {
    bootstrapEntry ??= resolveBootstrap();
    const { config } = spec;
    const heapMb = Math.max(64, Math.floor(config.memoryMb * 0.9));
    this.child = fork(bootstrapEntry.path, [config.module, config.handlerExport], {
      cwd: dirname(config.module),
      env: buildWorkerEnv({ ...spec, marker: this.marker }),
      execArgv: [...bootstrapEntry.execArgv, `--max-old-space-size=${heapMb}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      // Its own process group: a terminal's Ctrl-C goes to the runtime, which stops its environments itself.
      detached: true,
    });
    // Placed before it is sent any invocation, hence before it can start anything.
    this.cgroup = this.child.pid === undefined ? undefined : placeInEnvironmentCgroup(this.child.pid);
    const prefix = `[${config.name}] `;
    this.prefixers = {
      stdout: createLinePrefixer(prefix, (text) => spec.output('stdout', text)),
      stderr: createLinePrefixer(prefix, (text) => spec.output('stderr', text)),
    };
    this.child.stdout?.on('data', (chunk: Buffer) => this.capture('stdout', chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => this.capture('stderr', chunk));
    // Output pipes closed, and the IPC channel read to its end (an answer sent just before the
    // exit must still settle its invocation).
    const streamsClosed = Promise.all([
      new Promise<void>((resolve) => this.child.once('close', () => resolve())),
      new Promise<void>((resolve) => (this.child.connected ? this.child.once('disconnect', () => resolve()) : resolve())),
    ]);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitDescription = signal ? `signal: ${signal}` : `exit status ${code ?? 0}`;
        // Output written just before the exit may still be in the pipes: wait for them to close
        // (briefly: a surviving grandchild may hold them open).
        let finished = false;
        const finish = (): void => {
          if (finished) return;
          finished = true;
          clearTimeout(timer);
          this.prefixers.stdout.flush();
          this.prefixers.stderr.flush();
          // After the answers that came just before the exit (each settles on the next turn, see receive).
          setImmediate(() => {
            this.failPending();
            resolve();
            this.onExit?.();
          });
        };
        const timer = setTimeout(finish, OUTPUT_DRAIN_MS);
        void streamsClosed.then(finish);
      });
    });
    this.child.on('error', () => {
      // Reported through 'exit' (or the init timeout when the fork itself failed).
    });
  }

  /** Forks a worker, loads the handler and resolves once it is ready; rejects with EnvironmentInitError. */
  static async start(spec: EnvironmentSpec, log: InvocationLog): Promise<ExecutionEnvironment> {
    const environment = new ExecutionEnvironment(spec);
    environment.initLog = log;
    try {
      await environment.waitUntilReady();
    } finally {
      environment.initLog = undefined;
    }
    return environment;
  }

  /** How many invocations run in it right now. */
  get load(): number {
    return this.pending.size;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the worker process is still running and not being killed. */
  get alive(): boolean {
    return !this.killed && this.exitDescription === undefined;
  }

  private waitUntilReady(): Promise<void> {
    const { initTimeoutMs } = this.spec;
    return new Promise<void>((resolve, reject) => {
      const finish = (error?: FunctionErrorBody): void => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        if (error === undefined) {
          resolve();
          return;
        }
        void this.kill().then(() => reject(new EnvironmentInitError(error)));
      };
      const onMessage = (raw: unknown): void => {
        const message = WorkerMessage.safeParse(raw);
        if (message.success && message.data.type === 'ready') finish();
        else if (message.success && (message.data.type === 'init-error' || message.data.type === 'fatal')) {
          finish(message.data.error);
        }
      };
      const onExit = (): void => {
        void this.exited.then(() => finish(this.crashError()));
      };
      const timer = setTimeout(
        () => finish({ errorType: 'Sandbox.Timedout', errorMessage: `Init timed out after ${(initTimeoutMs / 1000).toFixed(2)} seconds` }),
        initTimeoutMs,
      );
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
    }).then(() => {
      this.child.on('message', (raw) => this.receive(raw));
    });
  }

  /** Runs one invocation; the environment is killed (and the outcome says so) when it exceeds `timeoutMs`. */
  invoke(message: InvokeMessage, log: InvocationLog, timeoutMs: number): Promise<InvocationOutcome> {
    const limit = this.spec.config.environmentConcurrency;
    if (this.pending.size >= limit) {
      throw new Error(`Expected an execution environment with room for another invocation, but ${this.pending.size} of ${limit} are running`);
    }
    if (!this.alive) {
      return Promise.resolve({ ok: false, error: this.crashError(message.requestId), environmentLost: true });
    }
    if (this.pending.size === 0) {
      this.fatal = undefined;
      this.setKeepAlive(true);
    }
    return new Promise<InvocationOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.ending ??= {
          requestId: message.requestId,
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `RequestId: ${message.requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
          },
        };
        void this.kill();
      }, timeoutMs);
      this.pending.set(message.requestId, {
        requestId: message.requestId,
        log,
        resolve: (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
      });
      this.child.send(message, (error) => {
        if (error) void this.kill();
      });
    }).finally(() => {
      if (this.pending.size === 0) this.setKeepAlive(false);
    });
  }

  /**
   * Asks the worker to shut down (SIGTERM, as Lambda's Shutdown phase): its handler may
   * stop its work, and it exits once its invocations have answered. Resolves once it has
   * exited, or after `graceMs` (then `kill` ends it).
   */
  async terminate(graceMs: number): Promise<void> {
    if (this.child.pid === undefined || this.exitDescription !== undefined) return;
    this.setKeepAlive(true);
    try {
      process.kill(this.child.pid, 'SIGTERM');
    } catch {
      return; // already gone
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  /**
   * SIGKILLs the worker and every process it started (its cgroup at once, then what /proc
   * still links to it); resolves once the worker has exited and its cgroup is gone.
   */
  async kill(): Promise<void> {
    this.killed = true;
    // Waiting for the exit below must keep the event loop alive, or a process that is only
    // closing the runtime ends early (an unsettled top-level await, exit code 13).
    this.setKeepAlive(true);
    const cgroupGone = this.cgroup === undefined ? undefined : destroyEnvironmentCgroup(this.cgroup);
    // Once the worker has exited its pid may be reused: then only its marker finds what it left behind.
    const running = this.child.pid !== undefined && this.exitDescription === undefined;
    killProcessTree(running ? this.child.pid : undefined, this.marker);
    if (this.child.pid !== undefined) await this.exited;
    await cgroupGone;
  }

  private receive(raw: unknown): void {
    const parsed = WorkerMessage.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === 'fatal') {
      this.fatal = message.error;
      return;
    }
    if ((message.type !== 'result' && message.type !== 'error') || this.killed) return;
    if (!this.pending.has(message.requestId)) return;
    const outcome: InvocationOutcome =
      message.type === 'result' ? { ok: true, payload: message.payload } : { ok: false, error: message.error, environmentLost: false };
    // Output the handler wrote before answering may still be in the pipes: let it reach the log first.
    setImmediate(() => this.settle(message.requestId, outcome));
  }

  private settle(requestId: string, outcome: InvocationOutcome): void {
    const pending = this.pending.get(requestId);
    if (!pending) return;
    this.pending.delete(requestId);
    pending.resolve(outcome);
  }

  private failPending(): void {
    for (const requestId of [...this.pending.keys()]) {
      this.settle(requestId, { ok: false, error: this.crashError(requestId), environmentLost: true });
    }
  }

  private crashError(requestId?: string): FunctionErrorBody {
    if (this.ending && (requestId === undefined || this.ending.requestId === requestId)) return this.ending.error;
    if (this.fatal) return this.fatal;
    const prefix = requestId === undefined ? '' : `RequestId: ${requestId} `;
    return {
      errorType: this.outOfMemory ? 'Runtime.OutOfMemory' : 'Runtime.ExitError',
      errorMessage: `${prefix}Error: Runtime exited with error: ${this.exitDescription ?? 'unknown'}`,
    };
  }

  private capture(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    this.prefixers[stream].write(chunk);
    this.initLog?.append(chunk);
    for (const pending of this.pending.values()) pending.log.append(chunk);
    if (stream === 'stderr') {
      // Searching the chunk with the end of the previous one spots V8's message even when split.
      const window = this.stderrTail + chunk.toString('latin1');
      if (window.includes(OUT_OF_MEMORY_MESSAGE)) this.outOfMemory = true;
      this.stderrTail = window.slice(-OUT_OF_MEMORY_MESSAGE.length);
    }
  }

  // An idle environment must not keep the runtime's event loop alive; a busy one must.
  private setKeepAlive(keep: boolean): void {
    const method = keep ? 'ref' : 'unref';
    this.child[method]();
    const channel = this.child.channel as { ref?(): void; unref?(): void } | undefined | null;
    channel?.[method]?.();
    for (const stream of [this.child.stdout, this.child.stderr]) {
      (stream as unknown as { [key: string]: (() => void) | undefined } | null)?.[method]?.();
    }
  }
}
