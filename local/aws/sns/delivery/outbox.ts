import { MANAGED_RETRY, retryDelaySeconds } from '../delivery-policy.js';
import type { OutboxRow, SnsStore } from '../store/index.js';
import { attemptFunction, attemptHttp, attemptQueue, type DeliveryTargets } from './attempt.js';
import { Delivery, type AttemptOutcome } from './model.js';

// The outbox: deliveries a publish (or a Subscribe, an Unsubscribe) committed before it was
// answered, made after it. Each row is attempted when due; made or refused for good, it is deleted
// (a refused or exhausted one goes to the subscription's dead-letter queue first, if it has one);
// failed, it is due again after the delay its retry policy gives. Rows survive restarts: what was
// due while the endpoint was down is attempted when it starts (at least once: a delivery made just
// before a kill -9 may be made again).

const BATCH = 64;
/** A row being attempted is not due again for this long (longer than an HTTP attempt may take), so a crash mid-attempt retries it later. */
const LEASE_MS = 30_000;
/** Longest wait between looks at the outbox, so that a clock change cannot stall it. */
const MAX_WAIT_MS = 60_000;

/** What the outbox needs. */
export interface OutboxOptions {
  store: SnsStore;
  targets: DeliveryTargets;
  now: () => number;
  logError: (message: string, error: unknown) => void;
}

/** Makes the deliveries waiting in the SNS database, retrying them per their policies. */
export class Outbox {
  private readonly inFlight = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private timerDueMs = Infinity;
  private running = false;
  private rerun = false;
  private closed = false;
  private readonly settled = new Set<() => void>();

  constructor(private readonly options: OutboxOptions) {}

  /** Records a delivery due at `dueMs` after `attempts` attempts (call inside the publish's transaction; then `wake`). */
  add(delivery: Delivery, dueMs: number, attempts = 0): void {
    this.options.store.sql.insertOutbox.run(JSON.stringify(delivery), attempts, dueMs);
  }

  /** Looks at the outbox now (after a commit added rows, and at start). */
  wake(): void {
    this.schedule(this.options.now());
  }

  /** How many deliveries wait (made, refused or out of retries ones are gone). */
  pending(): number {
    return this.options.store.sql.countOutbox.get()?.count ?? 0;
  }

  /** Resolves once no delivery is being attempted and none is due now (for tests and benchmarks). */
  async idle(): Promise<void> {
    for (;;) {
      const next = this.closed ? null : (this.options.store.sql.nextDue.get()?.at ?? null);
      if (!this.running && this.inFlight.size === 0 && (next === null || next > this.options.now())) return;
      await new Promise<void>((resolve) => {
        this.settled.add(resolve);
        setTimeout(resolve, 50).unref();
      });
    }
  }

  /** Stops attempting; deliveries in flight finish without touching the store, and stay due. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(atMs: number): void {
    if (this.closed || atMs >= this.timerDueMs) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDueMs = atMs;
    const delay = Math.min(Math.max(0, atMs - this.options.now()), MAX_WAIT_MS);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDueMs = Infinity;
      void this.run();
    }, delay);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.rerun = false;
        const now = this.options.now();
        const rows = this.options.store.sql.dueOutbox.all(now, BATCH + this.inFlight.size).filter((row) => !this.inFlight.has(row.id));
        this.options.store.transaction(() => rows.forEach((row) => this.options.store.sql.rescheduleOutbox.run(row.attempt, now + LEASE_MS, row.id)));
        for (const row of rows) void this.attempt(row);
        if (rows.length === BATCH) this.rerun = true;
      } while (this.rerun && !this.closed);
    } catch (error) {
      this.options.logError('local sns: could not read the outbox', error);
    } finally {
      this.running = false;
      this.scheduleNext();
      this.notify();
    }
  }

  private scheduleNext(): void {
    if (this.closed) return;
    const next = this.options.store.sql.nextDue.get()?.at ?? null;
    if (next !== null) this.schedule(next);
  }

  private async attempt(row: OutboxRow): Promise<void> {
    this.inFlight.add(row.id);
    try {
      const parsed = Delivery.safeParse(JSON.parse(row.delivery));
      if (!parsed.success) {
        this.options.logError(`local sns: dropped an unreadable delivery ${row.id}`, parsed.error);
        this.options.store.sql.deleteOutbox.run(row.id);
        return;
      }
      const outcome = await this.send(parsed.data);
      if (this.closed) return;
      this.settle(row, parsed.data, outcome);
    } catch (error) {
      this.options.logError(`local sns: delivery ${row.id} failed unexpectedly`, error);
    } finally {
      this.inFlight.delete(row.id);
      if (!this.closed) this.scheduleNext();
      this.notify();
    }
  }

  private send(delivery: Delivery): Promise<AttemptOutcome> | AttemptOutcome {
    switch (delivery.kind) {
      case 'sqs':
        return attemptQueue(this.options.targets, delivery.message);
      case 'lambda':
        return attemptFunction(this.options.targets, delivery.functionArn, delivery.event);
      case 'http':
        return attemptHttp(delivery.url, delivery.headers, delivery.body);
    }
  }

  /** Deletes a made or abandoned delivery, or reschedules a failed one. */
  private settle(row: OutboxRow, delivery: Delivery, outcome: AttemptOutcome): void {
    const sql = this.options.store.sql;
    if (outcome.kind === 'failed') {
      const attempts = row.attempt + 1;
      const delay = retryDelaySeconds(delivery.kind === 'http' ? delivery.retry : MANAGED_RETRY, attempts);
      if (delay !== undefined) {
        sql.rescheduleOutbox.run(attempts, this.options.now() + delay * 1000, row.id);
        return;
      }
    }
    if (outcome.kind !== 'delivered') abandon(this.options, delivery, outcome);
    sql.deleteOutbox.run(row.id);
  }

  private notify(): void {
    for (const resolve of this.settled) resolve();
    this.settled.clear();
  }
}

/** Gives a delivery up: to the subscription's dead-letter queue when it has one, else it is dropped (and logged), as SNS does. */
export function abandon(options: Pick<OutboxOptions, 'targets' | 'logError'>, delivery: Delivery, outcome: Exclude<AttemptOutcome, { kind: 'delivered' }>): void {
  const why = `${outcome.kind === 'refused' ? 'refused' : 'out of retries'} (${outcome.reason})`;
  if (!delivery.deadLetter) {
    options.logError(`local sns: dropped a delivery to ${delivery.subscriptionArn}: ${why}`, undefined);
    return;
  }
  const moved = attemptQueue(options.targets, delivery.deadLetter);
  if (moved.kind !== 'delivered') {
    options.logError(`local sns: a delivery to ${delivery.subscriptionArn} was ${why}, and its dead-letter queue refused it (${moved.reason})`, undefined);
  }
}
