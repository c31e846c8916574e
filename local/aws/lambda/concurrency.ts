import { AwsError } from '../service.js';
import { Semaphore, type Release } from './semaphore.js';

/*
 * Lambda's concurrency model, as AWS documents it
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html):
 * - an account has a concurrency quota per region (1,000 by default);
 * - a function with reserved concurrency N (PutFunctionConcurrency; libaws's
 *   `concurrency=N`, N > 0) runs at most N invocations at once, and those N are taken out of
 *   the pool every other function shares;
 * - every function without a reservation (libaws's `concurrency=0`, the default) shares the
 *   rest, the unreserved pool, which AWS never lets fall below 100 ("you can reserve up to the
 *   account's concurrency limit minus 100");
 * - a synchronous invocation that finds no free slot is throttled at once (429
 *   TooManyRequestsException); an asynchronous one stays in Lambda's internal queue and is
 *   retried until a slot frees or the event is too old (6 hours by default).
 */

/** AWS's default concurrency quota of an account in a region. */
export const DEFAULT_ACCOUNT_CONCURRENCY = 1000;
/** The unreserved pool AWS keeps for the functions without a reservation. */
export const MINIMUM_UNRESERVED_CONCURRENCY = 100;

/**
 * Why an invocation was throttled, as Lambda's `Reason` field says it
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html, TooManyRequestsException);
 * CallerRateLimitExceeded is only injected by the fault layer (`../faults/`).
 */
export type ThrottleReason = 'ReservedFunctionConcurrentInvocationLimitExceeded' | 'ConcurrentInvocationLimitExceeded' | 'CallerRateLimitExceeded';

/** 429 TooManyRequestsException: no concurrency left for a synchronous invocation. */
export class ThrottledError extends AwsError {
  constructor(readonly reason: ThrottleReason) {
    super(429, 'TooManyRequestsException', 'Rate Exceeded.');
    this.name = 'ThrottledError';
  }
}

/** The concurrency of one account: a semaphore per reserving function and one shared by the others. */
export class AccountConcurrency {
  private readonly reserved = new Map<string, Semaphore>();
  private readonly unreserved: Semaphore;

  constructor(readonly limit: number = DEFAULT_ACCOUNT_CONCURRENCY) {
    if (!Number.isInteger(limit) || limit < MINIMUM_UNRESERVED_CONCURRENCY) {
      throw new Error(`Expected an account concurrency of at least ${MINIMUM_UNRESERVED_CONCURRENCY} (AWS keeps that much unreserved), got ${limit}`);
    }
    this.unreserved = new Semaphore(limit);
  }

  /** What is left for the functions without a reservation. */
  get unreservedLimit(): number {
    return this.limit - this.totalReserved();
  }

  /**
   * Sets a function's reservation (0 or undefined: none), refusing one that would leave
   * less than 100 unreserved with PutFunctionConcurrency's own error.
   */
  setReserved(functionName: string, reservation: number | undefined): void {
    const wanted = reservation ?? 0;
    const others = this.totalReserved() - (this.reserved.has(functionName) ? this.reservedOf(functionName) : 0);
    if (wanted > 0 && this.limit - others - wanted < MINIMUM_UNRESERVED_CONCURRENCY) {
      throw new AwsError(
        400,
        'InvalidParameterValueException',
        `Specified ReservedConcurrentExecutions for function ${functionName} decreases account's UnreservedConcurrentExecution below its minimum value of [${MINIMUM_UNRESERVED_CONCURRENCY}].`,
      );
    }
    const existing = this.reserved.get(functionName);
    if (wanted > 0 && existing) existing.setLimit(wanted);
    else if (wanted > 0) this.reserved.set(functionName, new Semaphore(wanted));
    else this.reserved.delete(functionName);
    this.unreserved.setLimit(this.unreservedLimit);
  }

  /** Waits for a slot of the function (an asynchronous invocation). */
  acquire(functionName: string): Promise<Release> {
    return this.slotsOf(functionName).acquire();
  }

  /** Takes a slot of the function now, or throws ThrottledError (a synchronous invocation). */
  take(functionName: string): Release {
    const slots = this.slotsOf(functionName);
    const release = slots.tryAcquire();
    if (release) return release;
    throw new ThrottledError(this.reserved.has(functionName) ? 'ReservedFunctionConcurrentInvocationLimitExceeded' : 'ConcurrentInvocationLimitExceeded');
  }

  /** Invocations running and waiting in the function's share (its reservation, or the unreserved pool). */
  loadOf(functionName: string): { running: number; waiting: number; limit: number } {
    const slots = this.slotsOf(functionName);
    return { running: slots.active, waiting: slots.waiting, limit: this.reserved.has(functionName) ? this.reservedOf(functionName) : this.unreservedLimit };
  }

  /** Refuses every waiting and later invocation with `error`. */
  close(error: Error): void {
    this.unreserved.close(error);
    for (const slots of this.reserved.values()) slots.close(error);
  }

  private slotsOf(functionName: string): Semaphore {
    return this.reserved.get(functionName) ?? this.unreserved;
  }

  private reservedOf(functionName: string): number {
    return this.reserved.get(functionName)?.size ?? 0;
  }

  private totalReserved(): number {
    let total = 0;
    for (const slots of this.reserved.values()) total += slots.size;
    return total;
  }
}
