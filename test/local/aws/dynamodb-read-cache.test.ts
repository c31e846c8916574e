import { describe, expect, it } from 'vitest';
import type { Callback, SubDb } from '../../../local/aws/dynamodb/engine.js';
import { cacheReads, JsonLru } from '../../../local/aws/dynamodb/read-cache.js';

/** An in-memory sub-database whose callbacks run only when the test releases them. */
function createControlledDb() {
  const data = new Map<string, unknown>();
  const pending: (() => void)[] = [];
  let reads = 0;
  const db = {
    get(key: string, callback: Callback<unknown>) {
      reads++;
      const value = data.get(key);
      pending.push(() => callback(null, value));
    },
    put(key: string, value: unknown, callback: Callback<void>) {
      pending.push(() => {
        data.set(key, value);
        callback(null);
      });
    },
    del(key: string, callback: Callback<void>) {
      pending.push(() => {
        data.delete(key);
        callback(null);
      });
    },
  } as Pick<SubDb, 'get' | 'put' | 'del'> as SubDb;
  return {
    db,
    data,
    reads: () => reads,
    /** Runs the oldest pending callback. */
    step: () => pending.shift()?.(),
    /** Runs the newest pending callback. */
    stepNewest: () => pending.pop()?.(),
    drain: () => {
      while (pending.length > 0) pending.shift()?.();
    },
  };
}

const read = (db: SubDb, key: string) =>
  new Promise<unknown>((resolve, reject) => db.get(key, (error, value) => (error ? reject(error) : resolve(value))));

describe('JsonLru', () => {
  it('evicts the least recently used entries once over its budget', () => {
    const lru = new JsonLru(160);
    lru.set('a', 'x'.repeat(10));
    lru.set('b', 'y'.repeat(10));
    expect(lru.get('a')).toBe('x'.repeat(10));
    for (let i = 0; i < 15; i++) lru.set(`k${i}`, 'z'.repeat(10));
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('k14')).toBe('z'.repeat(10));
  });

  it('does not cache an entry larger than a sixteenth of its budget', () => {
    const lru = new JsonLru(160);
    lru.set('big', 'x'.repeat(11));
    expect(lru.get('big')).toBeUndefined();
  });
});

describe('cacheReads', () => {
  it('serves a repeated read from the cache, as a fresh object each time', async () => {
    const fake = createControlledDb();
    fake.data.set('k', { v: { S: '1' } });
    cacheReads(fake.db, new JsonLru(1 << 20), 't');
    const first = read(fake.db, 'k');
    fake.drain();
    const a = await first;
    const b = await read(fake.db, 'k');
    expect(b).toEqual({ v: { S: '1' } });
    expect(b).not.toBe(a);
    expect(fake.reads()).toBe(1);
  });

  it('never caches a value read while a write of the same key was under way', async () => {
    const fake = createControlledDb();
    fake.data.set('k', 'old');
    cacheReads(fake.db, new JsonLru(1 << 20), 't');
    const slowRead = read(fake.db, 'k'); // LevelDB has read 'old' but not answered yet …
    const written = new Promise<void>((resolve) => fake.db.put('k', 'new', () => resolve()));
    fake.stepNewest(); // … the write lands first …
    await written;
    fake.step(); // … and only then does the slow read answer 'old'
    expect(await slowRead).toBe('old');
    expect(await read(fake.db, 'k')).toBe('new');
    expect(fake.reads()).toBe(1);
  });

  it('answers from the written value after a write, and reads through after a delete', async () => {
    const fake = createControlledDb();
    cacheReads(fake.db, new JsonLru(1 << 20), 't');
    const put = new Promise<void>((resolve) => fake.db.put('k', { n: 1 }, () => resolve()));
    fake.drain();
    await put;
    expect(await read(fake.db, 'k')).toEqual({ n: 1 });
    expect(fake.reads()).toBe(0);
    const del = new Promise<void>((resolve) => fake.db.del('k', () => resolve()));
    fake.drain();
    await del;
    const after = read(fake.db, 'k');
    fake.drain();
    expect(await after).toBeUndefined();
    expect(fake.reads()).toBe(1);
  });
});
