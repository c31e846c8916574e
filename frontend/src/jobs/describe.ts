import type { JobSummary } from '../../../client/index.js';

/** The longest title drawn; the rest is cut with an ellipsis. */
const MAX_TITLE = 240;

/**
 * A job's command in one line: `bash -c` scripts as the script, argv quoted as a shell
 * would need, a registered command as its name and its arguments summarised
 * (`db-copy mode=subset source=PROD_URL subset={…}`) when they are known.
 */
export function describeJob(job: Pick<JobSummary, 'argv' | 'rpc-name' | 'rpc-args'>, rpcArgs: unknown = parseArgs(job['rpc-args'])): string {
  const argv = job.argv ?? [];
  if (argv.length === 3 && argv[0] === 'bash' && argv[1] === '-c') return cut(argv[2] ?? '');
  if (argv.length > 0) return cut(quoteArgv(argv));
  const name = job['rpc-name'];
  if (!name) return '(unknown command)';
  const summary = summarizeArgs(rpcArgs);
  return cut(summary ? `${name} ${summary}` : name);
}

/** Arguments as `key=value` pairs: scalars as they are (quoted when they hold spaces), arrays and objects as `[n]` and `{…}`, passwords in URLs hidden. */
export function summarizeArgs(args: unknown): string {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return '';
  return Object.entries(args as Record<string, unknown>)
    .map(([key, value]) => `${key}=${summarizeValue(value)}`)
    .join(' ');
}

/** An argv as a shell command line (bash runs it as it ran). */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** When a job started, epoch ms: from its record, else from its uid (unix seconds first). */
export function jobStartedAt(uid: string, job?: Pick<JobSummary, 'started-at'>): number {
  return job?.['started-at'] ?? Number(uid.split('.')[0]) * 1000;
}

/** The JSON text of a job's arguments as an object, or undefined. */
export function parseArgs(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function summarizeValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.length}]`;
  if (typeof value === 'object' && value !== null) return '{…}';
  const text = hidePasswords(String(value));
  return /[\s'"]/.test(text) || text === '' ? JSON.stringify(text) : text;
}

/** `postgres://user:secret@host` → `postgres://user:***@host`. */
function hidePasswords(text: string): string {
  return text.replace(/(\w[\w+.-]*:\/\/[^/:@\s]*:)[^@/\s]*@/g, '$1***@');
}

function cut(text: string): string {
  const line = text.replace(/\s*\n\s*/g, ' ⏎ ');
  return line.length > MAX_TITLE ? `${line.slice(0, MAX_TITLE - 1)}…` : line;
}
