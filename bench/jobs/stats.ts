/** Summary statistics and the printed table of the jobs benchmark. */

/** The value at quantile q (0..1) of the samples, by the nearest-rank method. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/** p50 and p95 of the samples. */
export function summarize(samples: readonly number[]): { p50: number; p95: number; n: number } {
  return { p50: quantile(samples, 0.5), p95: quantile(samples, 0.95), n: samples.length };
}

/** Formats a number of milliseconds for the table. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}

/** Formats a plain number with `digits` decimals. */
export function num(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** Bytes as MiB. */
export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** One line of the result table. */
export interface Row {
  figure: string;
  ours: string;
  peer?: string;
  target?: string;
  /** Whether the target is met; undefined when the row has no target. */
  met?: boolean;
}

/** Prints rows as an aligned plain-text table. */
export function printTable(rows: readonly Row[], peerName: string | undefined): void {
  const header = ['figure', 'aws-exec', ...(peerName ? [peerName] : []), 'target', 'met?'];
  const lines = rows.map((row) => [
    row.figure,
    row.ours,
    ...(peerName ? [row.peer ?? ''] : []),
    row.target ?? '',
    row.met === undefined ? '' : row.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)));
  const render = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  console.log(render(header));
  console.log(render(widths.map((width) => '-'.repeat(width))));
  for (const line of lines) console.log(render(line));
}
