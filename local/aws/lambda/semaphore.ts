/*
 * A FIFO counting semaphore. Hand-written (p-limit and p-queue come close) because a
 * function's concurrency changes when it is re-registered and, on close, every waiter
 * must be rejected rather than left pending forever (p-limit's clearQueue drops them).
 */

/** Gives back a slot; calling it twice is harmless. */
export type Release = () => void;

/** Limits how many holders run at once; the rest wait in arrival order. */
export class Semaphore {
  private running = 0;
  private readonly waiters: Array<{ grant: (release: Release) => void; refuse: (error: Error) => void }> = [];
  private closedWith: Error | undefined;

  constructor(private limit: number) {}

  /** How many slots are held right now. */
  get active(): number {
    return this.running;
  }

  /** How many callers wait for a slot. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** How many slots there are. */
  get size(): number {
    return this.limit;
  }

  /** Waits for a slot (first come, first served) and returns its release function. */
  acquire(): Promise<Release> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (this.running < this.limit && this.waiters.length === 0) return Promise.resolve(this.grant());
    return new Promise((resolve, reject) => this.waiters.push({ grant: resolve, refuse: reject }));
  }

  /** Takes a slot now if one is free and nobody waits for it; undefined otherwise. */
  tryAcquire(): Release | undefined {
    if (this.closedWith) throw this.closedWith;
    if (this.running < this.limit && this.waiters.length === 0) return this.grant();
    return undefined;
  }

  /** Changes the limit; waiters start at once if the new limit allows. */
  setLimit(limit: number): void {
    this.limit = limit;
    this.drain();
  }

  /** Refuses every waiter and every later caller with `error`; held slots stay valid. */
  close(error: Error): void {
    this.closedWith = error;
    for (const waiter of this.waiters.splice(0)) waiter.refuse(error);
  }

  private grant(): Release {
    this.running += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
      this.drain();
    };
  }

  private drain(): void {
    while (this.running < this.limit && this.waiters.length > 0) {
      this.waiters.shift()!.grant(this.grant());
    }
  }
}
