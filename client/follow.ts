import { sleep, throwIfAborted } from './abort.js';
import { readIntegerObject, readLogFrom } from './objects.js';
import type { ObjectReader } from './objects.js';
import type { PollPolicy } from './options.js';
import { PollDelay } from './poll.js';

/** Presigned GET URLs of one job's objects, and when to stop reusing them. */
export interface JobUrls {
  logUrl: string;
  sizeUrl?: string;
  exitUrl?: string;
  /** Epoch ms after which the URLs are renewed through the source. */
  refreshAt: number;
  /**
   * True for a server that only gives `{url}` (the original): the API is asked on each
   * idle poll, as it is the only way to learn that the job exited.
   */
  askWhenIdle: boolean;
}

/** Where a follower gets its URLs from: the API, or the caller's own (push-url mode). */
export interface UrlSource {
  /** URLs to read the log from `offset`, or the exit code once the API knows it. */
  resolve(offset: number, signal: AbortSignal | undefined): Promise<JobUrls | { exit: number }>;
}

/** What `followLog` needs besides the source. */
export interface FollowOptions {
  reader: ObjectReader;
  poll: PollPolicy;
  /** Byte offset to start from. */
  from: number;
  /** Called with the offset after each chunk, before it is yielded. */
  onOffset?: (offset: number) => void;
  now?: () => number;
}

/**
 * Follows one job's log: yields each new chunk of bytes and returns the exit code.
 * URLs are reused until their refresh time, so a job that runs longer does not cost
 * more API calls; the job is over when the size object exists and the offset has
 * reached it (size is written last), and then the exit object holds the code.
 */
export async function* followLog(source: UrlSource, options: FollowOptions): AsyncGenerator<Uint8Array, number, undefined> {
  const { reader, poll } = options;
  const now = options.now ?? Date.now;
  const delay = new PollDelay(poll);
  let offset = options.from;
  let urls: JobUrls | undefined;
  let finalSize: number | undefined;
  for (;;) {
    throwIfAborted(reader.signal);
    if (urls === undefined || now() >= urls.refreshAt) {
      const resolved = await source.resolve(offset, reader.signal);
      if ('exit' in resolved) return resolved.exit;
      urls = resolved;
    }
    const bytes = await readLogFrom(reader, urls.logUrl, offset);
    if (bytes.length > 0) {
      offset += bytes.length;
      options.onOffset?.(offset);
      yield bytes;
      const pause = delay.reset();
      if (finalSize === undefined || offset < finalSize) await sleep(pause, reader.signal);
      continue;
    }
    if (finalSize === undefined && urls.sizeUrl !== undefined) {
      finalSize = await readIntegerObject(reader, urls.sizeUrl, 'size');
      if (finalSize !== undefined && offset < finalSize) continue; // the log is complete: read the rest now
    }
    if (finalSize !== undefined && offset >= finalSize) {
      const code = urls.exitUrl === undefined ? undefined : await readIntegerObject(reader, urls.exitUrl, 'exit');
      if (code !== undefined) return code;
      urls = undefined; // no exit URL (or not readable yet): the API answers `{exit}` at this offset
    } else if (urls.askWhenIdle) {
      urls = undefined;
    }
    await sleep(delay.next(), reader.signal);
  }
}
