import { queueDoesNotExist } from './errors.js';
import { nameFromQueueUrl, queueArn, queueUrl } from './names.js';
import type { Queue, SqsStore } from './store/index.js';
import type { Waiters } from './waiters.js';

/** What every operation works with: the store, the clock, the long-poll waiters, where queues live. */
export interface SqsContext {
  store: SqsStore;
  region: string;
  /** The endpoint's base URL, for queue URLs (known once the endpoint listens). */
  endpointUrl: () => string;
  /** Milliseconds since the epoch; injectable so that tests can move time. */
  now: () => number;
  waiters: Waiters;
  /** Names of queues deleted in the last 60 s, and when (CreateQueue refuses them: QueueDeletedRecently). */
  recentlyDeleted: Map<string, number>;
}

/** Who sent a request, for the SenderId attribute, and the signal that ends a long poll when the client goes away. */
export interface CallerInfo {
  senderId: string;
  signal: AbortSignal;
}

/** The JSON-shaped result of an operation. */
export type Result = Record<string, unknown>;

/** One operation: parameters in, result out. */
export type Operation = (ctx: SqsContext, params: Record<string, unknown>, caller: CallerInfo) => Result | Promise<Result>;

/** The queue a QueueUrl names, or NonExistentQueue. */
export function requireQueue(ctx: SqsContext, url: string): Queue {
  const queue = ctx.store.findQueue(nameFromQueueUrl(url));
  if (!queue) throw queueDoesNotExist();
  return queue;
}

/** The URL of a queue on this endpoint. */
export function urlOf(ctx: SqsContext, queue: Pick<Queue, 'name'>): string {
  return queueUrl(ctx.endpointUrl(), queue.name);
}

/** The ARN of a queue in this region. */
export function arnOf(ctx: SqsContext, queue: Pick<Queue, 'name'>): string {
  return queueArn(ctx.region, queue.name);
}
