import type { DeliveryAttempt } from '../../protocol/index.js';
import type { EventConfig } from '../config.js';
import { jobEventId, type JobRecord } from '../jobs/record.js';
import type { Logger } from '../log.js';
import { buildJobEndedEvent } from './payload.js';
import type { EventQueue } from './queue.js';
import { nextTryAt } from './schedule.js';
import type { EventPass, EventStore } from './store.js';
import { sendWebhook } from './webhook.js';

// Where a job's end event is sent from. A job's end is written in several places (the runner,
// the closers of lost jobs: the sweep, a follower's GET /api/exec, the listing, a retried job
// event, a start that failed), so the event is not sent by any of them as part of its write.
// Instead every job that has somewhere to send its event is recorded with `event-state:
// pending` when it starts, and an event becomes sendable when its record says `exited`,
// whoever wrote that. Each writer of an end then asks the deliverer for one pass right after
// (the runner waiting for short retries itself), and the scheduled sweep makes the passes that
// are due later: an ending path that forgot to ask only delays its event until the next sweep,
// never loses it. The state (attempts, next try, whether the queue has it) is on the record,
// so retries survive a restart of the runtime or the loss of a runner; a lease on the record
// keeps two deliverers from sending one event at once.

/** What delivering needs. */
export interface EventDeliveryDeps {
  config: EventConfig;
  store: EventStore;
  /** The project's queue; none when EVENT_QUEUE_URL is unset. */
  queue: EventQueue | undefined;
  fetch: typeof fetch;
  logger: Logger;
  now?: () => number;
}

/** Options of one delivery. */
export interface DeliverOptions {
  /** Wait for retries due within `inlineRetryMs` (the runner), as long as that ends before this time (epoch ms). */
  waitUntil?: number;
}

/** Sends job end events; built once per process (deps.ts). */
export interface EventDeliverer {
  /** Whether a new job has somewhere to send its end: a webhook URL or the project's queue. */
  wantsEvent(hasUrl: boolean): boolean;
  /** One delivery pass for a job's event, if it is pending and due; never throws. */
  deliver(uid: string, options?: DeliverOptions): Promise<void>;
  /** A pass for every pending event that is due (the sweep); resolves with how many were tried. */
  deliverDue(): Promise<number>;
}

/** Most events one sweep works on at once. */
const PARALLEL = 8;

/** Creates the deliverer. */
export function createEventDeliverer(deps: EventDeliveryDeps): EventDeliverer {
  const now = deps.now ?? Date.now;
  // Long enough for a webhook call that times out and the record write after it.
  const leaseMs = deps.config.webhookTimeoutMs + 30_000;

  const pass = async (uid: string): Promise<EventPass | undefined> => {
    const at = now();
    const record = await deps.store.takeEvent(uid, at, at + leaseMs);
    if (!record) return undefined;
    const result = await sendEverywhere(deps, record);
    const done = (result.delivered || record['event-url'] === undefined) && (result.queued || deps.queue === undefined);
    const next = done
      ? undefined
      : nextTryAt({
          endedAt: record['ended-at'] ?? at,
          triesMade: (record['event-tries'] ?? 0) + 1,
          lastAt: at,
          delaysMs: deps.config.retryDelaysMs,
          windowMs: deps.config.retryWindowMs,
        });
    const recorded: EventPass = {
      ...(result.attempt ? { attempt: result.attempt } : {}),
      ...(result.delivered && !record['event-delivered'] ? { delivered: true } : {}),
      ...(result.queued && !record['event-queued'] ? { queued: true } : {}),
      state: done ? 'delivered' : next === undefined ? 'failed' : 'pending',
      ...(next !== undefined ? { nextAt: next } : {}),
    };
    await deps.store.recordPass(uid, recorded);
    if (recorded.state === 'failed') deps.logger.warn('gave up delivering a job end event', { uid, tries: (record['event-tries'] ?? 0) + 1 });
    return recorded;
  };

  const deliver = async (uid: string, options: DeliverOptions = {}) => {
    try {
      for (;;) {
        const recorded = await pass(uid);
        if (recorded?.state !== 'pending' || recorded.nextAt === undefined || options.waitUntil === undefined) return;
        const waitMs = recorded.nextAt - now();
        if (waitMs > deps.config.inlineRetryMs || recorded.nextAt + deps.config.webhookTimeoutMs > options.waitUntil) return;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, waitMs)));
      }
    } catch (error) {
      // The event stays pending on the record: the next sweep tries again.
      deps.logger.error('could not deliver a job end event; the sweep retries it', { uid, error });
    }
  };

  return {
    wantsEvent: (hasUrl) => hasUrl || deps.queue !== undefined,
    deliver,
    async deliverDue() {
      const uids = await deps.store.listDueEvents(now());
      for (let i = 0; i < uids.length; i += PARALLEL) await Promise.all(uids.slice(i, i + PARALLEL).map((uid) => deliver(uid)));
      return uids.length;
    },
  };
}

/** Sends the event where it has not gone yet: the webhook (signed) and the queue, at once. */
async function sendEverywhere(deps: EventDeliveryDeps, record: JobRecord): Promise<{ attempt?: DeliveryAttempt; delivered: boolean; queued: boolean }> {
  const event = buildJobEndedEvent(record);
  if (!event) return { delivered: false, queued: false };
  const body = JSON.stringify(event);
  const id = jobEventId(record.uid);
  const url = record['event-url'];
  const secret = record['event-secret'];
  const webhook = async () => {
    if (url === undefined || record['event-delivered']) return { delivered: record['event-delivered'] === true };
    if (secret === undefined) return { delivered: false, attempt: { at: (deps.now ?? Date.now)(), error: 'no webhook secret on the record' } };
    const result = await sendWebhook(deps.fetch, { url, secret, id, body, timeoutMs: deps.config.webhookTimeoutMs, now: deps.now ?? Date.now });
    return { delivered: result.ok, attempt: result.attempt };
  };
  const queue = async () => {
    if (!deps.queue || record['event-queued']) return record['event-queued'] === true;
    try {
      await deps.queue.send(id, body);
      return true;
    } catch (error) {
      deps.logger.warn('could not send a job end event to the queue', { uid: record.uid, error });
      return false;
    }
  };
  const [hook, queued] = await Promise.all([webhook(), queue()]);
  return { ...(hook.attempt ? { attempt: hook.attempt } : {}), delivered: hook.delivered, queued };
}
