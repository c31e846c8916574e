import type { Callback, Store, SubDb } from './engine.js';

/** Budget of the item cache, in characters of JSON (about bytes: item JSON is mostly ASCII). */
const ITEM_CACHE_CHARS = 16 * 1024 * 1024;
const TABLE_CACHE_CHARS = 1024 * 1024;

/** Puts read caches in front of the store's table list and each table's items. */
export function cacheStoreReads(store: Store): void {
  cacheReads(store.tableDb, new JsonLru(TABLE_CACHE_CHARS), 'tables');
  const items = new JsonLru(ITEM_CACHE_CHARS);
  const getItemDb = store.getItemDb;
  const cached = new WeakSet<SubDb>();
  let generation = 0;
  store.getItemDb = (tableName) => {
    const db = getItemDb(tableName);
    if (!cached.has(db)) {
      cacheReads(db, items, `${tableName}#${generation++}`);
      cached.add(db);
    }
    return db;
  };
}

/**
 * A least-recently-used map of JSON texts with a budget in characters. Hand-written (a
 * Map keeps insertion order, which is all an LRU needs) rather than a dependency.
 */
export class JsonLru {
  readonly #entries = new Map<string, string>();
  #size = 0;

  constructor(readonly maxChars: number) {}

  /** Returns the text under `key`, marking it most recently used. */
  get(key: string): string | undefined {
    const text = this.#entries.get(key);
    if (text !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, text);
    }
    return text;
  }

  /** Stores `text` under `key`, evicting the least recently used entries over budget. */
  set(key: string, text: string): void {
    this.delete(key);
    if (text.length > this.maxChars / 16) return; // one huge item must not flush everything else
    this.#entries.set(key, text);
    this.#size += text.length;
    for (const [oldest, oldText] of this.#entries) {
      if (this.#size <= this.maxChars) break;
      this.#entries.delete(oldest);
      this.#size -= oldText.length;
    }
  }

  delete(key: string): void {
    const text = this.#entries.get(key);
    if (text === undefined) return;
    this.#entries.delete(key);
    this.#size -= text.length;
  }
}

/**
 * Serves reads of one engine sub-database from `cache`. The engine reads a table's
 * description and then the item itself from LevelDB at the start of every GetItem,
 * PutItem, UpdateItem and DeleteItem; these two reads were the largest single costs of
 * an operation in profiles, and every write to them goes through this same object.
 *
 * Entries are kept as JSON text and parsed on each read, so that every caller gets its
 * own object exactly as from LevelDB (the engine mutates what it reads). A read that
 * overlaps a write of the same key never fills the cache, so a value older than one
 * already written can never be cached. `namespace` must be unique per sub-database object
 * (the engine replaces a table's object when the table is deleted).
 */
export function cacheReads(db: SubDb & { batch?: SubDbBatch }, cache: JsonLru, namespace: string): void {
  const get = db.get.bind(db);
  const put = db.put.bind(db);
  const del = db.del.bind(db);
  const batch = db.batch?.bind(db);
  const slot = (key: string) => `${namespace}\u0000${key}`;
  // Keys being written, and when each write of a key started or ended on a logical
  // clock, kept only while some read is in flight (only a read that overlaps can race).
  const writing = new Map<string, number>();
  const lastWrite = new Map<string, number>();
  let clock = 0;
  let readsInFlight = 0;

  const noteWrite = (key: string) => {
    if (readsInFlight > 0) lastWrite.set(key, ++clock);
  };
  const startWrite = (key: string) => {
    writing.set(key, (writing.get(key) ?? 0) + 1);
    noteWrite(key);
    cache.delete(slot(key));
  };
  const endWrite = (key: string, text: string | undefined) => {
    noteWrite(key);
    const left = (writing.get(key) ?? 1) - 1;
    if (left > 0) {
      writing.set(key, left);
      return;
    }
    writing.delete(key);
    if (text === undefined) cache.delete(slot(key));
    else cache.set(slot(key), text);
  };

  db.get = (key: string, callback: Callback<unknown>) => {
    const text = cache.get(slot(key));
    if (text !== undefined) {
      const value: unknown = JSON.parse(text);
      queueMicrotask(() => callback(null, value));
      return;
    }
    const startedAt = clock;
    readsInFlight++;
    get(key, (error, value) => {
      readsInFlight--;
      const overlapped = writing.has(key) || (lastWrite.get(key) ?? -1) > startedAt;
      if (!error && value !== undefined && !overlapped) cache.set(slot(key), JSON.stringify(value));
      if (readsInFlight === 0) lastWrite.clear();
      callback(error, value);
    });
  };
  db.put = (key: string, value: unknown, callback: Callback<void>) => {
    startWrite(key);
    // The engine's JSON encoding also serialises at call time, so this is what LevelDB gets.
    const text = JSON.stringify(value);
    put(key, value, (error) => {
      endWrite(key, error ? undefined : text);
      callback(error);
    });
  };
  db.del = (key: string, callback: Callback<void>) => {
    startWrite(key);
    del(key, (error) => {
      endWrite(key, undefined);
      callback(error);
    });
  };
  if (batch) {
    db.batch = (operations, callback) => {
      for (const operation of operations) startWrite(operation.key);
      batch(operations, (error) => {
        for (const operation of operations) endWrite(operation.key, undefined);
        callback(error);
      });
    };
  }
}

type SubDbBatch = (operations: { type: 'put' | 'del'; key: string; value?: unknown }[], callback: Callback<void>) => void;
