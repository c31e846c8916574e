import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/run-cli.js';
import { PG_PASSWORD, type TestPostgres } from '../../helpers/postgres.js';
import { checksums, startFixtureCluster } from './fixture.js';
import { runCopy } from './run-copy.js';

let cluster: TestPostgres;
let source: string;

beforeAll(async () => {
  ({ cluster, source } = await startFixtureCluster());
});
afterAll(async () => cluster?.dispose());

const tablesOf = async (database: string) =>
  (await cluster.query<{ name: string }>(database, `SELECT relname AS name FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY 1`)).map(
    (row) => row.name,
  );
const foreignKeysOf = async (database: string) =>
  (await cluster.query<{ name: string }>(database, `SELECT conname AS name FROM pg_constraint WHERE contype = 'f' ORDER BY 1`)).map((row) => row.name);

describe('db-copy tables include and exclude', () => {
  it('copies only the included tables, schema and data', async () => {
    const target = await cluster.createDatabase('only');
    const result = await runCopy({ source, target, tables: { include: ['countries', 'public.tenants', 'users'] } });
    expect(result.error).toBeUndefined();
    expect(result.exit).toBe(0);
    expect(await tablesOf('only')).toEqual(['countries', 'tenants', 'users']);
    const copied = ['countries', 'tenants', 'users'];
    expect(await checksums(cluster, 'only', copied)).toEqual(await checksums(cluster, 'src', copied));
    expect(await foreignKeysOf('only')).toEqual(['tenants_owner_fkey', 'users_country_fkey', 'users_manager_id_fkey', 'users_tenant_id_fkey']);
  });

  it('leaves out excluded tables and skips, saying so, the foreign keys that reference them', async () => {
    const target = await cluster.createDatabase('without');
    const result = await runCopy({ source, target, tables: { exclude: ['countries', 'audit_log'] } });
    expect(result.exit).toBe(0);
    expect(await tablesOf('without')).toEqual(['invitations', 'projects', 'tasks', 'tenants', 'users']);
    expect(result.log).toMatch(/^skipped .*users_country_fkey.*: it references the excluded table public\.countries$/m);
    expect(await foreignKeysOf('without')).not.toContain('users_country_fkey');
    const copied = ['tenants', 'users', 'projects', 'tasks', 'invitations'];
    expect(await checksums(cluster, 'without', copied)).toEqual(await checksums(cluster, 'src', copied));
  });

  it('refuses a table name that the source does not have, naming the tables it has', async () => {
    const target = await cluster.createDatabase('typo');
    const result = await runCopy({ source, target, tables: { include: ['userz'] } });
    expect(result.error?.message).toMatch(/^Expected tables\.include to name a table of the source, got `userz` \(tables: .*public\.users/);
    expect(await tablesOf('typo')).toEqual([]);
  });
});

describe('db-copy from the CLI', () => {
  it('runs here with flags and --args JSON for the nested parts, printing progress and no password', async () => {
    const target = await cluster.createDatabase('cli');
    const result = await runCli(
      ['db-copy', '--source', 'SRC', '--target', 'DST', '--jobs', '2', '--args', JSON.stringify({ tables: { exclude: ['audit_log'] } })],
      { env: { SRC: source, DST: target } },
    );
    const stdout = result.stdout.toString();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(stdout).toMatch(/^done: 6 tables, /m);
    expect(stdout).not.toContain(PG_PASSWORD);
    expect(await tablesOf('cli')).not.toContain('audit_log');
  });

  it('refuses an unknown mode, naming the flag and the choices, with exit status 2', async () => {
    const result = await runCli(['db-copy', '--source', source, '--target', source, '--mode', 'fast']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/option '--mode <value>' argument 'fast' is invalid\. Allowed choices are identical, masked, subset\./);
    expect(result.stderr).not.toContain(PG_PASSWORD);
  });
});
