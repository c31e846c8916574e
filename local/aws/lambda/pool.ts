import type { ResolvedFunctionConfig } from './config.js';
import { EnvironmentInitError, type ExecutionEnvironment, type InvocationOutcome } from './environment.js';
import type { InvocationLog } from './output.js';
import { Semaphore } from './semaphore.js';

/** One invocation as the pool runs it. */
export interface InvocationRequest {
  requestId: string;
  /** The event as JSON text. */
  payload: string;
  invokedFunctionArn: string;
  clientContext?: unknown;
}

/** What a pool needs from the service. */
export interface PoolDeps {
  startEnvironment(config: ResolvedFunctionConfig, log: InvocationLog): Promise<ExecutionEnvironment>;
  idleTimeoutMs: number;
}

/** The pool was closed while an invocation waited for a slot. */
export class PoolClosedError extends Error {
  constructor(functionName: string) {
    super(`The local Lambda service stopped before ${functionName} could run`);
    this.name = 'PoolClosedError';
  }
}

/**
 * The execution environments of one function: at most `concurrency` invocations run at
 * once (the rest wait, first come first served), each in an environment of its own; a
 * finished environment stays warm for the next invocation until it has idled too long.
 */
export class FunctionPool {
  private generation = 0;
  /** Warm environments, most recently used last (it is reused first, as on AWS). */
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly idleTimers = new Map<ExecutionEnvironment, NodeJS.Timeout>();
  private readonly environments = new Set<ExecutionEnvironment>();
  private readonly slots: Semaphore;
  private closed = false;

  constructor(
    private config: ResolvedFunctionConfig,
    private readonly deps: PoolDeps,
  ) {
    this.slots = new Semaphore(config.concurrency);
  }

  /** The configuration new invocations run with. */
  get currentConfig(): ResolvedFunctionConfig {
    return this.config;
  }

  /** How many invocations run right now, and how many wait. */
  get load(): { running: number; waiting: number; environments: number } {
    return { running: this.slots.active, waiting: this.slots.waiting, environments: this.environments.size };
  }

  /** Switches to a new configuration: idle environments stop now, busy ones when their invocation ends. */
  replaceConfig(config: ResolvedFunctionConfig): void {
    this.config = config;
    this.generation += 1;
    this.slots.setLimit(config.concurrency);
    for (const environment of this.idle.splice(0)) void this.discard(environment);
  }

  /** Runs one invocation once a slot is free, in a warm environment or a new one. */
  async run(request: InvocationRequest, log: InvocationLog): Promise<InvocationOutcome> {
    const release = await this.slots.acquire();
    try {
      const config = this.config;
      const generation = this.generation;
      let environment = this.takeIdle();
      if (!environment) {
        try {
          environment = await this.deps.startEnvironment(config, log);
        } catch (error) {
          if (error instanceof EnvironmentInitError) return { ok: false, error: error.body, environmentLost: true };
          throw error;
        }
        this.track(environment);
      }
      const timeoutMs = config.timeoutSeconds * 1000;
      const outcome = await environment.invoke(
        { type: 'invoke', ...request, deadlineMs: Date.now() + timeoutMs },
        log,
        timeoutMs,
      );
      const reusable = environment.alive && !this.closed && generation === this.generation && (outcome.ok || !outcome.environmentLost);
      if (reusable) this.park(environment);
      else await this.discard(environment);
      return outcome;
    } finally {
      release();
    }
  }

  /** Refuses waiting invocations and kills every environment (running invocations end as crashed). */
  async close(): Promise<void> {
    this.closed = true;
    this.slots.close(new PoolClosedError(this.config.name));
    this.idle.splice(0);
    await Promise.all([...this.environments].map((environment) => this.discard(environment)));
  }

  private takeIdle(): ExecutionEnvironment | undefined {
    while (this.idle.length > 0) {
      const environment = this.idle.pop()!;
      this.clearIdleTimer(environment);
      if (environment.alive) return environment;
    }
    return undefined;
  }

  private park(environment: ExecutionEnvironment): void {
    this.idle.push(environment);
    const timer = setTimeout(() => {
      const index = this.idle.indexOf(environment);
      if (index !== -1) this.idle.splice(index, 1);
      void this.discard(environment);
    }, this.deps.idleTimeoutMs);
    timer.unref();
    this.idleTimers.set(environment, timer);
  }

  private track(environment: ExecutionEnvironment): void {
    this.environments.add(environment);
    environment.onExit = () => {
      const index = this.idle.indexOf(environment);
      if (index !== -1) {
        this.idle.splice(index, 1);
        // It died while idle (a late timer threw, or it was killed from outside): clear what it left behind.
        void this.discard(environment);
      }
      this.clearIdleTimer(environment);
    };
  }

  private async discard(environment: ExecutionEnvironment): Promise<void> {
    this.clearIdleTimer(environment);
    await environment.kill();
    this.environments.delete(environment);
  }

  private clearIdleTimer(environment: ExecutionEnvironment): void {
    const timer = this.idleTimers.get(environment);
    if (timer) clearTimeout(timer);
    this.idleTimers.delete(environment);
  }
}
