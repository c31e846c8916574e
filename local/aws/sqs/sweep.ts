import type { SqsContext } from './context.js';

/** The background deletion of expired messages and deduplication records. */
export interface Sweeper {
  /** Deletes what has expired now; returns how many messages. */
  sweepNow(): number;
  stop(): void;
}

/**
 * Deletes messages older than their queue's retention period ("Amazon SQS automatically deletes
 * messages left in a queue longer than the retention period", API_DeleteMessage) and FIFO
 * deduplication records past their 5 minutes, every `intervalMs`. Receives never return an
 * expired message in between: they skip messages past the retention period.
 */
export function startSweeper(ctx: SqsContext, intervalMs: number, logError: (message: string, error: unknown) => void): Sweeper {
  const sweepNow = () => {
    const now = ctx.now();
    let deleted = 0;
    for (const queue of ctx.store.listQueues()) {
      deleted += ctx.store.sql.expireMessages.run(queue.id, now - queue.settings.messageRetentionPeriod * 1000).changes;
    }
    ctx.store.sql.expireDedup.run(now);
    for (const [name, at] of ctx.recentlyDeleted) if (now - at >= 60_000) ctx.recentlyDeleted.delete(name);
    return deleted;
  };
  const timer = setInterval(() => {
    try {
      sweepNow();
    } catch (error) {
      logError('local sqs: the retention sweep failed', error);
    }
  }, intervalMs);
  timer.unref();
  return { sweepNow, stop: () => clearInterval(timer) };
}
