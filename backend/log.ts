/** Structured log lines (JSON, one per line) — what CloudWatch and the local runtime collect. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Longest log line the backend writes, in UTF-8 bytes (the newline not counted). */
export const MAX_LOG_LINE_BYTES = 16 * 1024;
/** Longest string value kept whole in a log line, in UTF-16 code units; longer ones are cut with `cutMarker`. */
export const MAX_LOG_FIELD_CHARS = 2048;
/** Most items of an array kept in a log line. */
const MAX_LOG_ARRAY_ITEMS = 50;

/** The marker that ends a value cut short: how much was left out. */
export function cutMarker(omitted: number, unit = 'chars'): string {
  return `…[cut ${omitted} ${unit}]`;
}

/** `text` itself when it has at most `maxChars` code units, else its head and the cut marker (never half a surrogate pair). */
export function cutText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let end = maxChars;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}${cutMarker(text.length - end)}`;
}

/**
 * One JSON log line of at most MAX_LOG_LINE_BYTES: every string value is cut to
 * `fieldChars` (and arrays to 50 items), each cut saying so; if the line is still too long
 * (many long fields), the fields are cut harder, and as a last resort only the level, the
 * message (cut) and how long the full line would have been are kept, with `"cut": true`.
 * A value JSON cannot hold (a cycle) also ends in that last form.
 */
export function formatLogLine(level: string, message: string, fields?: Record<string, unknown>): string {
  let bytes = 0;
  for (const fieldChars of [MAX_LOG_FIELD_CHARS, 256]) {
    let line: string;
    try {
      line = JSON.stringify({ level, message, ...fields }, boundValues(fieldChars));
    } catch (error) {
      return JSON.stringify({ level, message: cutText(message, 1024), cut: true, unserializable: cutText(String(error), 256) });
    }
    bytes = Buffer.byteLength(line);
    if (bytes <= MAX_LOG_LINE_BYTES) return line;
  }
  return JSON.stringify({ level, message: cutText(message, 1024), cut: true, bytes });
}

/** Writes JSON log lines to the console (stdout for info, stderr for the rest), each bounded (see `formatLogLine`). */
export function createConsoleLogger(): Logger {
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    const line = formatLogLine(level, message, fields);
    if (level === 'info') console.log(line);
    else console.error(line);
  };
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** A JSON.stringify replacer: errors as plain objects, long strings and arrays cut. */
function boundValues(fieldChars: number): (key: string, value: unknown) => unknown {
  return (_key, value) => {
    if (value instanceof Error) {
      return { name: value.name, message: value.message, stack: value.stack, ...(value.cause ? { cause: value.cause } : {}) };
    }
    if (typeof value === 'string') return cutText(value, fieldChars);
    if (Array.isArray(value) && value.length > MAX_LOG_ARRAY_ITEMS) {
      return [...value.slice(0, MAX_LOG_ARRAY_ITEMS), cutMarker(value.length - MAX_LOG_ARRAY_ITEMS, 'items')];
    }
    return value;
  };
}
