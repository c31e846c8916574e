import { formatMegabytes } from './plan.js';

/** One table being copied. */
export interface TableProgress {
  addBytes(count: number): void;
  finish(rows: number): void;
}

/** Per-table progress lines (rows, MB, rows/s) as tables finish, a line every few seconds for tables still streaming, and totals. */
export class Progress {
  private readonly running = new Map<string, { bytes: number; started: number; rows: number; remaining: number }>();
  rows = 0;
  bytes = 0;
  tables = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly log: (line: string) => void) {}

  /** Starts tracking a table, or one of the `parts` streams of a table: its line comes when the last part ends. */
  start(key: string, parts = 1): TableProgress {
    const state = this.running.get(key) ?? { bytes: 0, started: performance.now(), rows: 0, remaining: parts };
    this.running.set(key, state);
    return {
      addBytes: (count) => {
        state.bytes += count;
      },
      finish: (partRows) => {
        state.rows += partRows;
        if (--state.remaining > 0) return;
        const rows = state.rows;
        this.running.delete(key);
        const seconds = (performance.now() - state.started) / 1000;
        this.rows += rows;
        this.bytes += state.bytes;
        this.tables += 1;
        const streams = parts > 1 ? ` by ${parts} streams` : '';
        this.log(`copied ${key}${streams}: ${formatCount(rows)} rows, ${formatMegabytes(state.bytes)} in ${formatSeconds(seconds)} (${rate(rows, seconds)} rows/s, ${(state.bytes / 1e6 / Math.max(seconds, 1e-3)).toFixed(1)} MB/s)`);
      },
    };
  }

  /** Logs the tables still streaming every `intervalMs`. */
  startTicker(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.running.size === 0) return;
      const now = performance.now();
      const parts = [...this.running].map(([key, state]) => `${key} ${formatMegabytes(state.bytes)} (${(state.bytes / 1e6 / Math.max((now - state.started) / 1000, 1e-3)).toFixed(1)} MB/s)`);
      this.log(`copying: ${parts.join(', ')}`);
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the ticker. */
  stop(): void {
    clearInterval(this.timer);
  }
}

/** `1,234,567`. */
export function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en-US');
}

/** `12.3 s`. */
export function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
}

/** Items per second, formatted. */
export function rate(count: number, seconds: number): string {
  return formatCount(count / Math.max(seconds, 1e-3));
}
