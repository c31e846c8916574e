import type { FinishedInvocation } from './invocation.js';
import type { InvocationRequest } from './pool.js';

/** What the event queue needs from the service. */
export interface EventQueueDeps {
  /** Runs one attempt (waiting for a free slot like any invocation). */
  run(functionName: string, request: InvocationRequest): Promise<FinishedInvocation>;
  /** The function's current retry budget (it may be re-registered between attempts). */
  maxRetryAttempts(functionName: string): number;
  /** Delay before retry 1, 2, …; the last one repeats. */
  retryDelaysMs: readonly number[];
  /** Where failed attempts are reported, as Lambda would log them. */
  report(functionName: string, line: string): void;
  logError(message: string, error: unknown): void;
  /** Milliseconds each attempt waits in the queue before it runs (a latency profile's; default none). */
  startDelayMs?: () => number;
}

/**
 * Asynchronous (Event) invocations: accepted at once, run in the background as the
 * function's concurrency allows, and retried after a delay when they fail (throw, time
 * out, crash), up to the function's `maxRetryAttempts`, keeping the same request id as
 * AWS does. Held in memory: events not yet run are lost when the service stops.
 */
export class EventQueue {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly deps: EventQueueDeps) {}

  /** How many events are running or waiting for a slot, and how many wait for a retry. */
  get size(): { active: number; retrying: number } {
    return { active: this.running.size, retrying: this.timers.size };
  }

  /** Accepts an event; it starts as soon as a slot is free, after the caller has had its answer (202). */
  enqueue(functionName: string, request: InvocationRequest): void {
    this.attempt(functionName, request, 0, true);
  }

  /** Drops pending retries; running attempts end when their environments are killed. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Resolves once nothing is running or scheduled (for tests and orderly shutdown). */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0 || this.timers.size > 0) {
      await Promise.race([...this.running, new Promise((resolve) => setTimeout(resolve, 20))]);
    }
  }

  private attempt(functionName: string, request: InvocationRequest, retry: number, deferred = false): void {
    if (this.closed) return;
    // Deferred to the next turn of the loop, so that the 202 is written before any work
    // for the event (finding or starting an environment, sending it the payload).
    const delayMs = this.deps.startDelayMs?.() ?? 0;
    const turn =
      delayMs > 0
        ? new Promise<void>((resolve) => setTimeout(resolve, delayMs))
        : deferred
          ? new Promise<void>((resolve) => setImmediate(resolve))
          : Promise.resolve();
    const done = turn
      .then(() => (this.closed ? undefined : this.deps.run(functionName, request)))
      .then((finished) => {
        if (finished) this.afterAttempt(functionName, request, retry, finished);
      })
      .catch((error: unknown) => {
        if (!this.closed) this.deps.logError(`local lambda: event ${request.requestId} for ${functionName} could not run`, error);
      })
      .finally(() => this.running.delete(done));
    this.running.add(done);
  }

  private afterAttempt(functionName: string, request: InvocationRequest, retry: number, finished: FinishedInvocation): void {
    if (!finished.error || this.closed) return;
    const { errorType, errorMessage } = finished.error;
    const budget = this.deps.maxRetryAttempts(functionName);
    const failure = `Event invocation ${request.requestId} failed (attempt ${retry + 1} of ${budget + 1}): ${errorType}: ${errorMessage}`;
    if (retry >= budget) {
      this.deps.report(functionName, `${failure}; giving up`);
      return;
    }
    const delays = this.deps.retryDelaysMs;
    const delayMs = delays[Math.min(retry, delays.length - 1)] ?? 0;
    this.deps.report(functionName, `${failure}; retrying in ${(delayMs / 1000).toFixed(1)} s`);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.attempt(functionName, request, retry + 1);
    }, delayMs);
    this.timers.add(timer);
  }
}
