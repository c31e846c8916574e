/** One long poll waiting for a queue. */
interface Waiter {
  wake(): void;
}

/**
 * Long polls waiting on queues. A ReceiveMessage that found nothing waits here until a
 * message may have become receivable (a send, a visibility change to 0, a FIFO group
 * unblocked by a delete), until the next message becomes visible on its own (a delay or
 * visibility timeout ending), until its wait time ends, or until its client goes away;
 * then it looks again. A send of n messages wakes the n oldest waiters: each looks once.
 */
export class Waiters {
  private readonly byQueue = new Map<number, Set<Waiter>>();
  /** Set once the service closes: no long poll waits any more. */
  closed = false;

  /** Waits on a queue until woken or `untilMs` (both on `now`'s clock), whichever is first, or the signal aborts. */
  wait(queueId: number, untilMs: number, now: () => number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let set = this.byQueue.get(queueId);
      if (!set) this.byQueue.set(queueId, (set = new Set()));
      const waiters = set;
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        waiters.delete(waiter);
        if (waiters.size === 0 && this.byQueue.get(queueId) === waiters) this.byQueue.delete(queueId);
        resolve();
      };
      const waiter: Waiter = { wake: done };
      const timer = setTimeout(done, Math.max(0, untilMs - now()));
      waiters.add(waiter);
      signal.addEventListener('abort', done, { once: true });
      if (signal.aborted || this.closed) done();
    });
  }

  /** Wakes up to `count` of a queue's waiters, oldest first. */
  notify(queueId: number, count = 1): void {
    const set = this.byQueue.get(queueId);
    if (!set) return;
    for (const waiter of [...set].slice(0, count)) waiter.wake();
  }

  /** Wakes every waiter of a queue (it was deleted or purged). */
  notifyAll(queueId: number): void {
    this.notify(queueId, Number.POSITIVE_INFINITY);
  }

  /** Wakes every waiter and lets none wait any more (the service is closing). */
  close(): void {
    this.closed = true;
    for (const queueId of [...this.byQueue.keys()]) this.notifyAll(queueId);
  }
}
