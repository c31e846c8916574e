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
  /** Read the log from one byte early, so that nothing new is not a 416 (see PollPolicy.quiet). */
  overlapReads?: boolean;
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
  /** The job was started a moment ago: the first poll waits the first idle delay (its objects cannot have changed yet). */
  justStarted?: boolean;
  now?: () => number;
}

/** What the next poll reads: the log, the size object (to see whether the job ended), or both at once. */
type Probe = 'log' | 'size' | 'both';

/**
 * Follows one job's log: yields each new chunk of bytes and returns the exit code.
 * URLs are reused until their refresh time, so a job that runs longer does not cost
 * more API calls; the job is over when the size object exists and the offset has
 * reached it (size is written last), and then the exit object holds the code.
 *
 * Polls: an idle poll reads the log and the size object at once; right after new data
 * only the size and exit objects are checked, after `quickDelayMs` (a job usually ends soon after
 * its last output, and size follows the final log within milliseconds); the log is then
 * read again after `minDelayMs`, and idle polls back off from there to the ceiling — except
 * that a poll never skips the time the next output is due at the job's pace so far
 * (PollDelay.aim). No pause after reads that brought nothing is shorter than those reads took.
 */
export async function* followLog(source: UrlSource, options: FollowOptions): AsyncGenerator<Uint8Array, number, undefined> {
  const { reader, poll } = options;
  const now = options.now ?? Date.now;
  const delay = new PollDelay(poll);
  let offset = options.from;
  let urls: JobUrls | undefined;
  let finalSize: number | undefined;
  /** The exit code, once read with the size object present (size is written after exit). */
  let knownExit: number | undefined;
  let probe: Probe = 'both';
  if (options.justStarted) await sleep(delay.next(), reader.signal);
  for (;;) {
    throwIfAborted(reader.signal);
    if (urls === undefined || now() >= urls.refreshAt) {
      const resolved = await source.resolve(offset, reader.signal);
      if ('exit' in resolved) return resolved.exit;
      urls = resolved;
    }
    const sizeUrl = finalSize === undefined && probe !== 'log' ? urls.sizeUrl : undefined;
    const readsLog = probe !== 'size' || sizeUrl === undefined;
    // The check right after new data reads exit beside size: when the job has ended, both are there.
    const exitUrl = probe === 'size' && sizeUrl !== undefined ? urls.exitUrl : undefined;
    const readStarted = now();
    const [bytes, size, exit] = await Promise.all([
      readsLog ? readLogFrom(reader, urls.logUrl, offset, urls.overlapReads) : undefined,
      sizeUrl === undefined ? undefined : readIntegerObject(reader, sizeUrl, 'size'),
      exitUrl === undefined ? undefined : readIntegerObject(reader, exitUrl, 'exit'),
    ]);
    if (size !== undefined) knownExit ??= exit;
    // A busy server answers slowly: after reads that brought nothing new, never wait less
    // than they took, so that a follower's polls load the server at most half of the time.
    // (Reads that brought data took the time of the download, not of a busy server.)
    const emptyReadMs = bytes !== undefined && bytes.length > 0 ? 0 : now() - readStarted;
    const pause = (ms: number) => sleep(Math.max(ms, emptyReadMs), reader.signal);
    finalSize ??= size;
    if (bytes !== undefined && bytes.length > 0) {
      delay.dataAt(now());
      offset += bytes.length;
      options.onOffset?.(offset);
      yield bytes;
    }
    const gotData = bytes !== undefined && bytes.length > 0;
    if (finalSize !== undefined && offset < finalSize) {
      // The log is complete (size is written after it): read the rest now.
      probe = 'log';
      if (gotData) delay.reset();
      continue;
    }
    if (finalSize !== undefined) {
      const code = knownExit ?? (urls.exitUrl === undefined ? undefined : await readIntegerObject(reader, urls.exitUrl, 'exit'));
      if (code !== undefined) return code;
      urls = undefined; // no exit URL (or not readable yet): the API answers `{exit}` at this offset
      await pause(delay.next());
      continue;
    }
    if (gotData) {
      // Whether the job has just ended is seen soonest through the size object.
      probe = urls.sizeUrl === undefined ? 'log' : 'size';
      await pause(probe === 'size' ? delay.quick() : delay.reset());
      if (probe === 'size') delay.reset();
      continue;
    }
    if (probe === 'size') {
      // The job goes on: the next log read after the minimum delay.
      probe = 'log';
      await pause(delay.aim(delay.next(), now()));
      continue;
    }
    if (urls.askWhenIdle) urls = undefined;
    probe = 'both';
    // At the job's pace when it prints at a steady one (PollDelay.aim), else the backoff.
    await pause(delay.aim(delay.next(), now()));
  }
}
