import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The superuser password of every throwaway cluster (tests check it never reaches a log). */
export const PG_PASSWORD = 'pw-Secr3t-for-tests';

/** A throwaway PostgreSQL cluster on 127.0.0.1, made with initdb, removed by `dispose`. */
export interface TestPostgres {
  port: number;
  /** The connection URL of a database in this cluster (superuser `postgres`). */
  url(database: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs SQL on a database and returns the rows of the last statement. */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(database: string, sql: string, values?: unknown[]): Promise<Row[]>;
  /** Stops the server and removes its data directory. */
  dispose(): Promise<void>;
}

export interface PostgresOptions {
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
}

/** Finds the server binaries (initdb, postgres) of the newest installed PostgreSQL. */
export function findPostgresBin(): string {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // pg_config absent: look in Debian's versioned directories
  }
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => `/usr/lib/postgresql/${version}/bin`));
  }
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')));
  if (found === undefined) {
    throw new Error(
      `Expected PostgreSQL server binaries (initdb, postgres) under \`pg_config --bindir\` or /usr/lib/postgresql/*/bin, got none: install the Debian packages postgresql and postgresql-client`,
    );
  }
  return found;
}

/** Starts a fresh cluster (as the `postgres` user when running as root, since initdb refuses root). */
export async function startTestPostgres(options: PostgresOptions = {}): Promise<TestPostgres> {
  const bin = findPostgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'aws-exec-pg-'));
  const owner = process.getuid?.() === 0 ? lookupPostgresUser() : undefined;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const asOwner = (program: string, args: string[]): [string, string[]] =>
    owner ? ['setpriv', ['--reuid', String(owner.uid), '--regid', String(owner.gid), '--clear-groups', '--', program, ...args]] : [program, args];
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${PG_PASSWORD}\n`);
  if (owner) chownSync(pwfile, owner.uid, owner.gid);
  const [initProgram, initArgs] = asOwner(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--pwfile', pwfile, '--auth=scram-sha-256', '-E', 'UTF8', '--no-sync', '--locale=C']);
  try {
    execFileSync(initProgram, initArgs, { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`Expected initdb to create a cluster in ${data}, got a failure: ${stderr}`, { cause: error });
  }
  const port = await findFreePort();
  const settings = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', ...options.settings };
  const [program, args] = asOwner(join(bin, 'postgres'), [
    '-D',
    data,
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-k',
    dir,
    ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
  ]);
  const server = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const url = (database: string) => `postgres://postgres:${encodeURIComponent(PG_PASSWORD)}@127.0.0.1:${port}/${database}`;
  await waitForServer(url('postgres'), server, () => stderr);
  const query = async <Row extends Record<string, unknown>>(database: string, sql: string, values?: unknown[]) => {
    const client = new pg.Client({ connectionString: url(database) });
    await client.connect();
    try {
      const result = await client.query(sql, values);
      const last = Array.isArray(result) ? (result.at(-1) as pg.QueryResult) : result;
      return last.rows as Row[];
    } finally {
      await client.end();
    }
  };
  return {
    port,
    url,
    query,
    async createDatabase(name) {
      await query('postgres', `CREATE DATABASE "${name}"`);
      return url(name);
    },
    async dispose() {
      stopServer(server);
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function stopServer(server: ChildProcess): void {
  // SIGINT is PostgreSQL's fast shutdown: sessions are ended, no waiting for clients.
  if (server.exitCode === null && server.signalCode === null) server.kill('SIGINT');
}

function lookupPostgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch (error) {
    throw new Error('Expected a `postgres` system user to run initdb as (root cannot), got none: install the Debian package postgresql', { cause: error });
  }
}

async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, server: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`Expected postgres to keep running, got exit ${server.exitCode}:\n${stderr()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  stopServer(server);
  throw new Error(`Expected postgres to accept connections within 30 s, got none:\n${stderr()}`);
}
