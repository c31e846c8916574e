import { Readable } from 'node:stream';
import type { RangeOptions } from './engine.js';

/** An abstract-level iterator (classic-level 3): read with next(), released with close(). */
interface LevelIterator {
  next(): Promise<unknown>;
  close(): Promise<void>;
}

/** The two stream methods dynalite adds to its LevelDB handle, and the iterators they read. */
interface StreamingLevel {
  keys(options?: RangeOptions): LevelIterator;
  values(options?: RangeOptions): LevelIterator;
  createKeyStream(options?: RangeOptions): Readable;
  createValueStream(options?: RangeOptions): Readable;
}

/**
 * Replaces dynalite's `createKeyStream` and `createValueStream` with streams that close their
 * LevelDB iterator when they end or are destroyed. dynalite's own (db/index.js
 * wrapWithCallbacks) release an iterator only through `iterator.return()`, which
 * abstract-level 3 iterators do not have, and never at the end: every Query and Scan (and
 * ListTables, ListTagsOfResource) left its iterator open, held by the database (abstract-level
 * attaches each open iterator to it) with its native LevelDB iterator and snapshot until the
 * database closed. Under listing load that was the main process's memory growth: one iterator
 * per request, about 40 KB of resident memory each.
 */
export function closeIteratorsOfStreams(db: object): void {
  const level = db as StreamingLevel;
  level.createKeyStream = (options) => streamOf(level.keys(options));
  level.createValueStream = (options) => streamOf(level.values(options));
}

function streamOf(iterator: LevelIterator): Readable {
  return new Readable({
    objectMode: true,
    read() {
      iterator.next().then(
        (value) => this.push(value === undefined ? null : value),
        (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
      );
    },
    // Called at the end too (autoDestroy), and by consumers that stop early (dynalite's lazy
    // streams destroy their source once they have enough).
    destroy(error, callback) {
      iterator.close().then(
        () => callback(error),
        (closeError: unknown) => callback(error ?? (closeError instanceof Error ? closeError : new Error(String(closeError)))),
      );
    },
  });
}
