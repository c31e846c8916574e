import { ValidationError } from './errors.js';

/**
 * A job's log being followed: iterate it for the chunks, then `await tail.exit()` (or
 * read `exitCode`) for the exit code. Breaking out of a `for await` loop does not end
 * the tail: iterating again, or `exit()`, carries on from `offset`.
 *
 * ```ts
 * const tail = client.tail(uid);
 * for await (const chunk of tail) process.stdout.write(chunk);
 * const code = await tail.exit();
 * ```
 */
export class LogTail implements AsyncIterable<Uint8Array> {
  private code: number | undefined;
  private bytesRead: number;
  private readonly chunks: AsyncGenerator<Uint8Array, number, undefined>;

  /** `follow` is started at once; it reports each new offset through its callback. */
  constructor(
    private readonly uid: string | undefined,
    from: number,
    follow: (onOffset: (offset: number) => void) => AsyncGenerator<Uint8Array, number, undefined>,
  ) {
    this.bytesRead = from;
    this.chunks = follow((offset) => {
      this.bytesRead = offset;
    });
  }

  /** The job's uid (undefined in push-url mode). */
  get jobUid(): string | undefined {
    return this.uid;
  }

  /** Bytes of the log consumed so far, counted from its start: pass it as `from` to resume. */
  get offset(): number {
    return this.bytesRead;
  }

  /** The exit code once the tail has reached the end, else undefined. */
  get exitCode(): number | undefined {
    return this.code;
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array, undefined> {
    return {
      next: async () => {
        if (this.code !== undefined) return { done: true, value: undefined };
        const step = await this.chunks.next();
        if (step.done) {
          this.code = step.value;
          return { done: true, value: undefined };
        }
        return { done: false, value: step.value };
      },
      // A `break` leaves the follower where it is, so the tail can be resumed.
      return: async () => ({ done: true, value: undefined }),
    };
  }

  /** Reads the rest of the log, passing each chunk to `onChunk`, and resolves with the exit code. */
  async exit(onChunk?: (chunk: Uint8Array) => void | Promise<void>): Promise<number> {
    if (onChunk !== undefined && typeof onChunk !== 'function') {
      throw new ValidationError(`Expected onChunk to be a function, got ${typeof onChunk}`);
    }
    for await (const chunk of this) await onChunk?.(chunk);
    return this.code as number;
  }

  /** Reads the rest of the log and the exit code; the bytes joined in one array. */
  async collect(): Promise<{ bytes: Uint8Array; exitCode: number }> {
    const parts: Uint8Array[] = [];
    const exitCode = await this.exit((chunk) => {
      parts.push(chunk);
    });
    return { bytes: concatBytes(parts), exitCode };
  }
}

/** Joins byte arrays into one. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.length;
  }
  return joined;
}
