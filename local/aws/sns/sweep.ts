import type { SnsContext } from './context.js';
import { TOKEN_LIFETIME_MS } from './ops/subscriptions.js';

/** A running sweep: `sweepNow` runs it at once; `stop` ends the timer. */
export interface Sweeper {
  sweepNow(): void;
  stop(): void;
}

/**
 * Deletes what has outlived its use, every `intervalMs`: FIFO deduplication records past their 5
 * minutes, HTTP/S subscriptions never confirmed within the three days their token is valid
 * (API_Subscribe: "Confirmation tokens are valid for three days"), and unsubscribed ones whose
 * UnsubscribeConfirmation token has expired (GetTopicAttributes counts them as SubscriptionsDeleted until then).
 */
export function startSweeper(ctx: SnsContext, intervalMs: number): Sweeper {
  const sweepNow = () => {
    const now = ctx.now();
    ctx.store.sql.expireDedup.run(now);
    for (const topic of ctx.store.listTopics()) {
      for (const subscription of [...topic.subscriptions.values()]) {
        const stale = subscription.state !== 'confirmed' && (subscription.tokenMs ?? subscription.createdMs) + TOKEN_LIFETIME_MS < now;
        if (stale) ctx.store.removeSubscription(subscription);
      }
    }
  };
  const timer = setInterval(() => {
    try {
      sweepNow();
    } catch (error) {
      ctx.logError('local sns: the sweep failed', error);
    }
  }, intervalMs);
  timer.unref();
  return { sweepNow, stop: () => clearInterval(timer) };
}
