import type { ResolvedFunctionConfig } from './config.js';
import { EnvironmentInitError, type ExecutionEnvironment, type InvocationOutcome } from './environment.js';
import type { InvocationLog } from './output.js';

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
  /** How long the function's last idle environment stays warm. */
  idleTimeoutMs: number;
  /** How long an idle environment stays warm while another of the function is alive (default: idleTimeoutMs). */
  surplusIdleTimeoutMs?: number;
}

/** The pool (or the whole service) was closed before an invocation could run. */
export class PoolClosedError extends Error {
  constructor(functionName: string) {
    super(`The local Lambda service stopped before ${functionName} could run`);
    this.name = 'PoolClosedError';
  }
}

/** An environment being started, and how many invocations wait for it. */
interface Starting {
  generation: number;
  waiting: number;
  ready: Promise<ExecutionEnvironment>;
}

/**
 * The execution environments of one function. Each invocation runs in an environment with room
 * for it — one invocation per environment as on classic Lambda, or up to
 * `environmentConcurrency` — the least loaded first (the most recently used among equals,
 * as on AWS), else in a new one — unless `maxEnvironments` run already: then it waits for
 * room in one of those (it holds its concurrency slot meanwhile). An environment left without work stays warm for the next invocation until
 * it has idled too long: `surplusIdleTimeoutMs` while another environment of the function is
 * alive, `idleTimeoutMs` for the last one.
 */
export class FunctionPool {
  private generation = 0;
  /** Live environments of the current configuration, least recently used first. */
  private readonly warm: ExecutionEnvironment[] = [];
  private readonly generations = new Map<ExecutionEnvironment, number>();
  private readonly idleTimers = new Map<ExecutionEnvironment, NodeJS.Timeout>();
  private readonly environments = new Set<ExecutionEnvironment>();
  /** Environments being started, and how many invocations already wait for each. */
  private readonly starting: Starting[] = [];
  /** Invocations promised a place in an environment that have not reached it yet. */
  private readonly reserved = new Map<ExecutionEnvironment, number>();
  /** Invocations waiting for room once `maxEnvironments` run (oldest first). */
  private readonly roomWaiters: (() => void)[] = [];
  private running = 0;
  private closed = false;

  constructor(
    private config: ResolvedFunctionConfig,
    private readonly deps: PoolDeps,
  ) {
  }

  /** The configuration new invocations run with. */
  get currentConfig(): ResolvedFunctionConfig {
    return this.config;
  }

  /** How many invocations run right now, and in how many environments. */
  get load(): { running: number; environments: number } {
    return { running: this.running, environments: this.environments.size };
  }

  /** Switches to a new configuration: idle environments stop now, busy ones when their invocations end. */
  replaceConfig(config: ResolvedFunctionConfig): void {
    this.config = config;
    this.generation += 1;
    for (const environment of this.warm.splice(0)) {
      if (environment.load === 0) void this.discard(environment);
    }
    this.wakeWaiters(true);
  }

  /**
   * Runs one invocation in a warm environment with room for it or a new one. The caller
   * holds a concurrency slot for it (see concurrency.ts): the pool only places invocations.
   */
  async run(request: InvocationRequest, log: InvocationLog): Promise<InvocationOutcome> {
    if (this.closed) throw new PoolClosedError(this.config.name);
    this.running += 1;
    try {
      let config = this.config;
      let environment = this.pickWarm(config.environmentConcurrency);
      while (!environment && this.isFull(config)) {
        await this.waitForRoom();
        if (this.closed) throw new PoolClosedError(config.name);
        config = this.config;
        environment = this.pickWarm(config.environmentConcurrency);
      }
      if (!environment) {
        try {
          environment = await this.joinStarting(config, log);
        } catch (error) {
          if (error instanceof EnvironmentInitError) return { ok: false, error: error.body, environmentLost: true };
          throw error;
        }
      }
      this.clearIdleTimer(environment);
      const timeoutMs = config.timeoutSeconds * 1000;
      const outcome = await environment.invoke(
        { type: 'invoke', ...request, deadlineMs: Date.now() + timeoutMs },
        log,
        timeoutMs,
      );
      this.afterInvocation(environment, outcome);
      return outcome;
    } finally {
      this.running -= 1;
      this.wakeWaiters(false);
    }
  }

  /** Refuses waiting invocations and kills every environment (running invocations end as crashed). */
  async close(): Promise<void> {
    this.closed = true;
    this.warm.splice(0);
    this.wakeWaiters(true);
    await Promise.all([...this.environments].map((environment) => this.discard(environment)));
  }

  /**
   * Shuts the pool down gently: refuses new invocations, stops idle environments at once,
   * sends SIGTERM to busy ones so that their handlers can end their work and answer, and
   * kills whatever is still running after `graceMs`.
   */
  async drain(graceMs: number): Promise<void> {
    this.closed = true;
    this.warm.splice(0);
    await Promise.all(
      [...this.environments].map(async (environment) => {
        if (environment.load > 0) await environment.terminate(graceMs);
        await this.discard(environment);
      }),
    );
  }

  /** Kills every environment now, without waiting for anything (the runtime is exiting). */
  killNow(): void {
    this.closed = true;
    for (const environment of this.environments) void environment.kill();
  }

  /** The least loaded live environment with room for one more invocation (most recently used among equals). */
  private pickWarm(limit: number): ExecutionEnvironment | undefined {
    let best: ExecutionEnvironment | undefined;
    let bestLoad = Number.POSITIVE_INFINITY;
    for (let index = this.warm.length - 1; index >= 0; index--) {
      const environment = this.warm[index] as ExecutionEnvironment;
      const load = environment.load + (this.reserved.get(environment) ?? 0);
      if (!environment.alive || load >= limit || this.generations.get(environment) !== this.generation) continue;
      if (load < bestLoad) {
        best = environment;
        bestLoad = load;
      }
    }
    if (best) this.touch(best);
    return best;
  }

  /**
   * Whether an invocation that found no warm environment with room must wait: `maxEnvironments`
   * environments of the current configuration are live or starting, and none of those
   * starting has room left.
   */
  private isFull(config: ResolvedFunctionConfig): boolean {
    const starting = this.starting.filter((entry) => entry.generation === this.generation);
    if (starting.some((entry) => entry.waiting < config.environmentConcurrency)) return false;
    const live = this.warm.filter((environment) => environment.alive).length;
    return live + starting.length >= (config.maxEnvironments ?? Number.POSITIVE_INFINITY);
  }

  /** Resolves when an invocation ends or the environments change (then look again). */
  private waitForRoom(): Promise<void> {
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Wakes the invocation waiting longest (one place freed), or all of them (`all`: the environments changed). */
  private wakeWaiters(all: boolean): void {
    const woken = all ? this.roomWaiters.splice(0) : this.roomWaiters.splice(0, 1);
    for (const resolve of woken) resolve();
  }

  /**
   * Waits for an environment being started that has room left, or starts one: a burst of
   * invocations shares the new environments instead of each starting its own.
   */
  private async joinStarting(config: ResolvedFunctionConfig, log: InvocationLog): Promise<ExecutionEnvironment> {
    let entry = this.starting.find((candidate) => candidate.generation === this.generation && candidate.waiting < config.environmentConcurrency);
    if (!entry) {
      const created: Starting = { generation: this.generation, waiting: 0, ready: this.deps.startEnvironment(config, log) };
      this.starting.push(created);
      void created.ready.then(
        (environment) => {
          this.starting.splice(this.starting.indexOf(created), 1);
          this.track(environment, created.generation);
          this.reserved.set(environment, created.waiting);
          // Started while the pool was closing: it runs nothing more.
          if (this.closed) void this.discard(environment);
        },
        () => this.starting.splice(this.starting.indexOf(created), 1),
      );
      entry = created;
    }
    entry.waiting += 1;
    const environment = await entry.ready;
    // track() ran first (its callback was attached before this await): hand back the reservation.
    const left = (this.reserved.get(environment) ?? 1) - 1;
    if (left > 0) this.reserved.set(environment, left);
    else this.reserved.delete(environment);
    return environment;
  }

  /** Moves an environment to the most recently used end. */
  private touch(environment: ExecutionEnvironment): void {
    const index = this.warm.indexOf(environment);
    if (index !== -1) this.warm.splice(index, 1);
    this.warm.push(environment);
  }

  private afterInvocation(environment: ExecutionEnvironment, outcome: InvocationOutcome): void {
    const current = this.generations.get(environment) === this.generation;
    const healthy = environment.alive && !this.closed && current && (outcome.ok || !outcome.environmentLost);
    if (!healthy) {
      const index = this.warm.indexOf(environment);
      if (index !== -1) this.warm.splice(index, 1);
      // A dead environment is cleared at once; a retired one once its other invocations are done.
      if (!environment.alive || environment.load === 0) void this.discard(environment);
      return;
    }
    if (environment.load === 0) this.startIdleTimer(environment);
  }

  /** Stops the environment once idle long enough: soon while others are alive, `idleTimeoutMs` when it is the last. */
  private startIdleTimer(environment: ExecutionEnvironment, idleSinceMs = Date.now()): void {
    this.clearIdleTimer(environment);
    const surplus = Math.min(this.deps.surplusIdleTimeoutMs ?? this.deps.idleTimeoutMs, this.deps.idleTimeoutMs);
    const others = () => this.warm.some((other) => other !== environment && other.alive);
    const limitMs = others() ? surplus : this.deps.idleTimeoutMs;
    const timer = setTimeout(() => {
      this.idleTimers.delete(environment);
      if (environment.load > 0) return;
      // The others went meanwhile: this one is the last, and stays for the full idle timeout.
      if (limitMs < this.deps.idleTimeoutMs && !others()) {
        this.startIdleTimer(environment, idleSinceMs);
        return;
      }
      const index = this.warm.indexOf(environment);
      if (index !== -1) this.warm.splice(index, 1);
      void this.discard(environment);
    }, Math.max(0, idleSinceMs + limitMs - Date.now()));
    timer.unref();
    this.idleTimers.set(environment, timer);
  }

  /** Keeps a new environment, started with the configuration of `generation`. */
  private track(environment: ExecutionEnvironment, generation: number): void {
    this.environments.add(environment);
    this.generations.set(environment, generation);
    if (generation === this.generation) this.warm.push(environment);
    environment.onExit = () => {
      const index = this.warm.indexOf(environment);
      if (index !== -1) this.warm.splice(index, 1);
      // It died (a late timer threw, or it was killed from outside): clear what it left behind.
      if (environment.load === 0) void this.discard(environment);
      this.clearIdleTimer(environment);
    };
  }

  private async discard(environment: ExecutionEnvironment): Promise<void> {
    this.clearIdleTimer(environment);
    this.reserved.delete(environment);
    await environment.kill();
    this.environments.delete(environment);
    this.generations.delete(environment);
    this.wakeWaiters(true);
  }

  private clearIdleTimer(environment: ExecutionEnvironment): void {
    const timer = this.idleTimers.get(environment);
    if (timer) clearTimeout(timer);
    this.idleTimers.delete(environment);
  }
}
