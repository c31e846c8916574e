/**
 * TTL at read time. dynalite knows nothing of TTL, so each request runs against a view
 * of the store in which, for tables with TTL enabled, items past their expiry time (as
 * of the request's start) do not exist: GetItem, BatchGetItem, Query, Scan, conditions
 * and UpdateItem all see them as deleted. The sweep (ttl-sweep.ts) removes them later.
 *
 * This is stricter than DynamoDB, which keeps serving an expired item until its
 * background process deletes it (typically within two days); here an item behaves as
 * deleted from the second its TTL passes, which is what code written against TTL expects
 * and what a local runtime can afford to do exactly.
 *
 * The view wraps dynalite's sub-databases (prototype delegation keeps their per-key locks
 * shared with the real store) at the only places it reads items: `get` and
 * `createValueStream`.
 */
import { Readable } from 'node:stream';
import {
  deleteFrom,
  dynaliteDb,
  getFrom,
  readTable,
  type Callback,
  type RangeOptions,
  type Store,
  type SubDb,
  type TableDescription,
} from './engine.js';
import { isExpired, isItem, type TtlSettings } from './ttl-settings.js';

/** Returns the store as a request at `nowMs` must see it: expired items of TTL tables hidden. */
export function hideExpiredItems(store: Store, ttl: TtlSettings, nowMs: number): Store {
  if (ttl.isEmpty) return store;
  const view = Object.create(store) as Store;
  view.getItemDb = (tableName) => {
    const items = store.getItemDb(tableName);
    const attributeName = ttl.attributeOf(tableName);
    return attributeName === undefined ? items : hideInItemDb(store, tableName, items, attributeName, nowMs);
  };
  view.getIndexDb = (indexType, tableName, indexName) => {
    const index = store.getIndexDb(indexType, tableName, indexName);
    const attributeName = ttl.attributeOf(tableName);
    return attributeName === undefined ? index : hideInIndexDb(store, tableName, index, attributeName, nowMs);
  };
  return view;
}

function hideInItemDb(store: Store, tableName: string, items: SubDb, attributeName: string, nowMs: number): SubDb {
  const view = Object.create(items) as SubDb;
  // Items this view hid as expired, by key. The engine reads an item through the view (under
  // the key's lock) before it writes or deletes it, so a write needs no second read to know
  // whether it replaces a hidden item.
  const hidden = new Map<string, unknown>();
  view.get = (key, callback) => {
    items.get(key, (error, value) => {
      if (error) return callback(error);
      if (!isExpired(value, attributeName, nowMs)) return callback(null, value);
      hidden.set(key, value);
      callback(null, undefined);
    });
  };
  view.createValueStream = (options) =>
    keepMatching(items, options, (value) => !isExpired(value, attributeName, nowMs));
  // A write over a hidden (expired, not yet swept) item: the engine saw no old item, so it
  // left the old item's index entries in place; remove those the new item does not reuse.
  const dropStaleIndexEntries = async (old: unknown, newItem: unknown): Promise<void> => {
    if (!isItem(old)) return;
    const table = await readTable(store, tableName);
    if (table) await deleteIndexEntriesOf(store, table, old, isItem(newItem) ? newItem : null);
  };
  /** Runs `write` at once, or after removing the stale index entries when it replaces a hidden item. */
  const replacing = (key: string, newItem: unknown, callback: Callback<void>, write: () => void): void => {
    if (!hidden.has(key)) return write();
    const old = hidden.get(key);
    hidden.delete(key);
    afterwards(dropStaleIndexEntries(old, newItem), callback, write);
  };
  view.put = (key, value, callback) => replacing(key, value, callback, () => items.put(key, value, callback));
  view.del = (key, callback) => replacing(key, null, callback, () => items.del(key, callback));
  return view;
}

function hideInIndexDb(store: Store, tableName: string, index: SubDb, attributeName: string, nowMs: number): SubDb {
  const view = Object.create(index) as SubDb;
  view.createValueStream = (options) => {
    let table: Promise<TableDescription | null> | undefined;
    return keepMatching(index, options, async (entry) => {
      if (!isItem(entry)) return true;
      if (attributeName in entry) return !isExpired(entry, attributeName, nowMs);
      // The index does not project the TTL attribute: the table's own item decides.
      table ??= readTable(store, tableName);
      const description = await table;
      if (!description) return true;
      const item = await getFrom(store.getItemDb(tableName), dynaliteDb.createKey(entry, description));
      return !isExpired(item, attributeName, nowMs);
    });
  };
  return view;
}

async function deleteIndexEntriesOf(
  store: Store,
  table: TableDescription,
  old: Parameters<typeof dynaliteDb.getIndexActions>[1],
  replacement: Parameters<typeof dynaliteDb.getIndexActions>[2],
): Promise<void> {
  const kinds = [
    ['Local', table.LocalSecondaryIndexes ?? []],
    ['Global', table.GlobalSecondaryIndexes ?? []],
  ] as const;
  for (const [kind, indexes] of kinds) {
    if (indexes.length === 0) continue;
    for (const stale of dynaliteDb.getIndexActions(indexes, old, replacement, table).deletes) {
      await deleteFrom(store.getIndexDb(kind, table.TableName, stale.index), stale.key);
    }
  }
}

function afterwards(work: Promise<void>, callback: Callback<void>, next: () => void): void {
  work.then(next, (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
}

/**
 * Streams the values of a range, skipping those `keep` refuses. The range's `limit` is
 * applied to the kept values (not to LevelDB's read), so that a page of a Query or Scan
 * still holds Limit live items and its LastEvaluatedKey stays right.
 */
function keepMatching(
  db: SubDb,
  options: RangeOptions | undefined,
  keep: (value: unknown) => boolean | Promise<boolean>,
): Readable {
  const limit = options?.limit !== undefined && options.limit >= 0 ? options.limit : Infinity;
  const source = db.createValueStream({ ...options, limit: -1 });
  async function* kept(): AsyncGenerator<unknown> {
    let count = 0;
    try {
      for await (const value of source as AsyncIterable<unknown>) {
        if (!(await keep(value))) continue;
        yield value;
        if (++count >= limit) return;
      }
    } finally {
      source.destroy();
    }
  }
  return Readable.from(kept());
}
