import { AsyncLocalStorage } from 'node:async_hooks';
import { Transform } from 'node:stream';
import { createEnospcError } from './errors.js';

/*
 * "Disk full" for the S3 body store. The fault layer runs a request whose writes must fail
 * inside a scope; the store's write path asks `diskFullGuard()` for a stage to put in front
 * of the file, and that stage fails the write with ENOSPC as write(2) would, so the store's
 * own failure path runs (the temp file removed, the object left as it was, 500 InternalError).
 */

interface DiskFullScope {
  /** Called once per failed write, for the counts. */
  onFailedWrite(): void;
}

const scope = new AsyncLocalStorage<DiskFullScope>();

/** Runs `work` with every S3 body write inside it failing as on a full disk. */
export function runWithDiskFull<T>(onFailedWrite: () => void, work: () => Promise<T>): Promise<T> {
  return scope.run({ onFailedWrite }, work);
}

/**
 * A stream stage for a body write: undefined when the disk is not (injected) full, else a
 * Transform that fails with ENOSPC at its first chunk (or at the end of an empty body: the
 * metadata written beside it would not fit either).
 */
export function diskFullGuard(): Transform | undefined {
  const current = scope.getStore();
  if (current === undefined) return undefined;
  const fail = (callback: (error: Error) => void) => {
    current.onFailedWrite();
    callback(createEnospcError());
  };
  return new Transform({
    transform(_chunk, _encoding, callback) {
      fail(callback);
    },
    flush(callback) {
      fail(callback);
    },
  });
}
