import {
  deleteFrom,
  deleteIndexEntries,
  dynaliteDb,
  getFrom,
  readTable,
  withKeyLock,
  type Store,
  type SubDb,
  type TableDescription,
} from './engine.js';
import { isExpired, isItem, type TtlSettings } from './ttl-settings.js';

/**
 * Deletes every item past its TTL (as of `nowMs`) from the tables with TTL enabled,
 * together with its secondary-index entries, as DynamoDB's background TTL process does.
 * Returns how many items it deleted.
 */
export async function sweepExpiredItems(store: Store, ttl: TtlSettings, nowMs: number): Promise<number> {
  let deleted = 0;
  for (const [tableName, attributeName] of ttl.entries()) {
    const table = await readTable(store, tableName);
    if (!table || table.TableStatus !== 'ACTIVE') continue;
    const items = store.getItemDb(tableName);
    const expiredKeys: string[] = [];
    for await (const item of items.createValueStream() as AsyncIterable<unknown>) {
      if (isItem(item) && isExpired(item, attributeName, nowMs)) expiredKeys.push(dynaliteDb.createKey(item, table));
    }
    for (const key of expiredKeys) {
      if (await deleteIfStillExpired(store, table, items, key, attributeName, nowMs)) deleted++;
    }
  }
  return deleted;
}

// Under the same per-key lock as the engine's writes, so a concurrent PutItem either
// lands before (and its new item, if live, is kept) or after the delete.
function deleteIfStillExpired(
  store: Store,
  table: TableDescription,
  items: SubDb,
  key: string,
  attributeName: string,
  nowMs: number,
): Promise<boolean> {
  return withKeyLock(items, key, async () => {
    const item = await getFrom(items, key);
    if (!isItem(item) || !isExpired(item, attributeName, nowMs)) return false;
    await deleteIndexEntries(store, table, item);
    await deleteFrom(items, key);
    return true;
  });
}

export interface TtlSweeper {
  /** Runs one sweep now (waiting for a running one first); resolves with the number deleted. */
  sweepNow(): Promise<number>;
  /** Stops the timer and waits for a running sweep. */
  stop(): Promise<void>;
}

/** Sweeps expired items every `intervalMs` in the background; failures go to `logError`. */
export function startTtlSweeper(
  store: Store,
  ttl: TtlSettings,
  intervalMs: number,
  logError: (message: string, error: unknown) => void,
): TtlSweeper {
  let running: Promise<number> = Promise.resolve(0);
  const sweepNow = (): Promise<number> => {
    running = running.catch(() => 0).then(() => (ttl.isEmpty ? 0 : sweepExpiredItems(store, ttl, Date.now())));
    return running;
  };
  const timer = setInterval(() => {
    sweepNow().catch((error: unknown) => logError('local dynamodb: TTL sweep failed', error));
  }, intervalMs);
  timer.unref();
  return {
    sweepNow,
    async stop() {
      clearInterval(timer);
      await running.catch(() => undefined);
    },
  };
}
