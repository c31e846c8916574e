import type { JobSummary } from '../client/index.js';

/** A short age: `42s`, `5m`, `3h`, `2d`. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** A job's command as a shell would show it: argv quoted where needed, or `rpc NAME`. */
export function formatJobCommand(job: JobSummary): string {
  if (job.argv !== undefined) return job.argv.map(quoteArg).join(' ');
  if (job['rpc-name'] !== undefined) return `rpc ${job['rpc-name']}`;
  return '';
}

/** Quotes an argument for display, in single quotes when it holds anything but safe characters. */
export function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** How `formatJobTable` lays out: without the header line (a later part of a streamed table), and columns at least this wide. */
export interface JobTableLayout {
  header?: boolean;
  minWidths?: readonly number[];
}

/** The jobs as an aligned table: uid, status, exit, age, command (cut to `width`). */
export function formatJobTable(jobs: JobSummary[], now: number, width = 120, layout: JobTableLayout = {}): string {
  const rows = jobs.map((job) => [
    job.uid,
    job['cancel-requested'] && job.status !== 'exited' ? 'cancelling' : job.status,
    job.exit === undefined ? '-' : String(job.exit),
    formatAge(now - job['started-at']),
    formatJobCommand(job),
  ]);
  const header = ['UID', 'STATUS', 'EXIT', 'AGE', 'COMMAND'];
  const widths = header.map((title, column) => Math.max(title.length, layout.minWidths?.[column] ?? 0, ...rows.map((row) => (row[column] ?? '').length)));
  const lines = [...(layout.header === false ? [] : [header]), ...rows].map((row) => {
    const line = row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ');
    return line.length > width ? `${line.slice(0, width - 1)}…` : line;
  });
  return `${lines.join('\n')}\n`;
}
