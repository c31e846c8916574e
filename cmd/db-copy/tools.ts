import { spawn } from 'node:child_process';
import { clientToolEnv, type Endpoint } from './endpoint.js';
import { DbCopyError } from './errors.js';
import type { Redactor } from './redact.js';

/** Options of a pg_dump of the schema. */
export interface DumpOptions {
  section: 'pre-data' | 'post-data';
  snapshot: string;
  /** Tables left out, as `schema.table` keys. */
  exclude: readonly string[];
}

/** The pg_dump arguments (the password is never among them). */
export function pgDumpArgs(source: Endpoint, options: DumpOptions): string[] {
  const exclude = options.exclude.flatMap((key) => ['--exclude-table', quotePattern(key)]);
  return ['--schema-only', `--section=${options.section}`, '--no-owner', '--no-privileges', `--snapshot=${options.snapshot}`, ...exclude, '--dbname', source.withoutPassword];
}

/** Dumps one schema section of the source, inside the exported snapshot, to a string. */
export async function dumpSchema(source: Endpoint, options: DumpOptions, redact: Redactor, signal: AbortSignal): Promise<string> {
  const child = spawn('pg_dump', pgDumpArgs(source, options), { env: clientToolEnv(source), stdio: ['ignore', 'pipe', 'pipe'], signal });
  const out: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  await waitForTool(child, 'pg_dump', redact);
  return Buffer.concat(out).toString('utf8');
}

/** Runs an SQL script in the target with psql, in one transaction, stopping at the first error. */
export async function applyScript(target: Endpoint, script: string, redact: Redactor, signal: AbortSignal): Promise<void> {
  const child = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '--dbname', target.withoutPassword], {
    env: clientToolEnv(target),
    stdio: ['pipe', 'ignore', 'pipe'],
    signal,
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(script);
  await waitForTool(child, 'psql', redact);
}

function waitForTool(child: ReturnType<typeof spawn>, name: string, redact: Redactor): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError') reject(new DbCopyError(`${name} stopped: the copy was cancelled`, { cause: error }));
      else if (error.code === 'ENOENT') reject(new DbCopyError(`Expected the PostgreSQL client tool ${name} on PATH, got none: install the postgresql-client package`, { cause: error }));
      else reject(new DbCopyError(redact(`Could not run ${name}: ${error.message}`), { cause: error }));
    });
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new DbCopyError(redact(`${name} failed (exit ${code}): ${stderr.trim() || 'no message'}`)));
    });
  });
}

/** pg_dump patterns treat `.`, `*`, `?` and quotes specially: quote each part. */
function quotePattern(key: string): string {
  const dot = key.indexOf('.');
  const quote = (part: string) => `"${part.replace(/"/g, '""')}"`;
  return `${quote(key.slice(0, dot))}.${quote(key.slice(dot + 1))}`;
}
