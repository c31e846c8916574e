import { concatBytes, createLogDecoder } from '../client/index.js';
import type { CliContext } from './context.js';
import { writeTo } from './context.js';

/** How a followed log is printed. */
export interface LogOutputOptions {
  /** Start with the last N lines of what the log holds when the tail starts (as `tail -n N -f`). */
  lines?: number;
  /** Prefix each line with when its first byte arrived here (ISO 8601, UTC, ms). */
  timestamps?: boolean;
  /** One JSON object per chunk (`{"offset","text"}`, with `"time"` under --timestamps), then `{"exit","offset"}`. */
  json?: boolean;
}

/** Where a followed job's output goes: each chunk with the log offset after it, then the exit. */
export interface LogOutput {
  write(chunk: Uint8Array, offset: number): Promise<void>;
  end(exit: number, offset: number): Promise<void>;
}

const NEWLINE = 0x0a;
const encoder = new TextEncoder();

/**
 * Prints a log to stdout: bytes as they came (byte-exact) by default; with `lines`, the
 * first chunk (the whole log so far: a tail's first read takes all of it) is cut to its
 * last N lines; with `timestamps`, each line starts with the time its first byte arrived;
 * with `json`, each chunk is one line of JSON (the text decoded as UTF-8, a character cut
 * between chunks joined) and the end is `{"exit": N, "offset": N}`.
 */
export function createLogOutput(context: CliContext, options: LogOutputOptions = {}): LogOutput {
  let first = true;
  let atLineStart = true;
  const decoder = createLogDecoder();
  const emit = async (bytes: Uint8Array, offset: number, now: Date) => {
    if (options.json) {
      const text = decoder.write(bytes);
      const record = { offset, ...(options.timestamps ? { time: now.toISOString() } : {}), text };
      return writeTo(context.stdout, `${JSON.stringify(record)}\n`);
    }
    if (!options.timestamps) return writeTo(context.stdout, bytes);
    const stamped = stampLines(bytes, `${now.toISOString()} `, atLineStart);
    if (bytes.length > 0) atLineStart = bytes[bytes.length - 1] === NEWLINE;
    return writeTo(context.stdout, stamped);
  };
  return {
    async write(chunk, offset) {
      const bytes = first && options.lines !== undefined ? keepLastLines(chunk, options.lines) : chunk;
      first = false;
      if (bytes.length > 0) await emit(bytes, offset, new Date());
    },
    async end(exit, offset) {
      if (!options.json) return;
      const rest = decoder.end();
      if (rest !== '') await writeTo(context.stdout, `${JSON.stringify({ offset, text: rest })}\n`);
      await writeTo(context.stdout, `${JSON.stringify({ exit, offset })}\n`);
    },
  };
}

/** The last `count` lines of some bytes (a final newline ends the last line, it does not start another). */
export function keepLastLines(bytes: Uint8Array, count: number): Uint8Array {
  if (count <= 0) return bytes.subarray(bytes.length);
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === NEWLINE) end--;
  let seen = 0;
  for (let at = end - 1; at >= 0; at--) {
    if (bytes[at] === NEWLINE && ++seen === count) return bytes.subarray(at + 1);
  }
  return bytes;
}

/** The bytes with `prefix` inserted at each line start (the first one only when the previous chunk ended a line). */
export function stampLines(bytes: Uint8Array, prefix: string, atLineStart: boolean): Uint8Array {
  const stamp = encoder.encode(prefix);
  const parts: Uint8Array[] = [];
  let from = 0;
  if (atLineStart && bytes.length > 0) parts.push(stamp);
  for (let at = 0; at < bytes.length; at++) {
    if (bytes[at] !== NEWLINE || at === bytes.length - 1) continue;
    parts.push(bytes.subarray(from, at + 1), stamp);
    from = at + 1;
  }
  parts.push(bytes.subarray(from));
  return concatBytes(parts);
}
