import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestPostgres } from '../../helpers/postgres.js';
import { checksums, startFixtureCluster } from './fixture.js';
import { runCopy } from './run-copy.js';

let cluster: TestPostgres;
let source: string;
const KEY = { DB_COPY_MASK_KEY: 'mask-key-1' };

beforeAll(async () => {
  ({ cluster, source } = await startFixtureCluster());
});
afterAll(async () => cluster?.dispose());

const MASK = [
  { table: 'users', column: 'email', rule: 'email' },
  { table: 'invitations', column: 'email', rule: 'email' },
  { table: 'users', column: 'full_name', rule: 'name' },
  { table: 'users', column: 'phone', rule: 'phone' },
  { table: 'users', column: 'bio', rule: 'partial', keep: 3 },
  { table: 'tenants', column: 'name', rule: 'hash' },
  { table: 'tasks', column: 'notes', rule: 'regex', pattern: 'line(\\d)', replacement: 'L$1' },
];

async function maskInto(name: string, env = KEY) {
  const target = await cluster.createDatabase(name);
  const result = await runCopy({ source, target, mode: 'masked', mask: MASK, jobs: 2 }, { env });
  expect(result.error).toBeUndefined();
  return result;
}

describe('db-copy masked', () => {
  it('masks the chosen columns, keeps the others, NULLs, joins on masked keys and UNIQUE', async () => {
    const result = await maskInto('masked_a');
    // Masked in binary COPY where every column's type is built in, in COPY text where one is not (tenants.plan, an enum).
    expect(result.log).toMatch(/^ {2}public\.users: [\d.]+ MB, binary, masked: email \(email\), full_name \(name\), phone \(phone\), bio \(partial\)$/m);
    expect(result.log).toMatch(/^ {2}public\.tenants: [\d.]+ MB, text, masked: name \(hash\)$/m);
    expect(result.log).not.toContain(KEY.DB_COPY_MASK_KEY);
    const pairs = await cluster.query<{ id: string; email: string; phone: string | null }>('src', 'SELECT id, email, full_name, phone, bio FROM users ORDER BY id');
    const masked = await cluster.query<{ id: string; email: string; full_name: string; phone: string | null; bio: string | null }>(
      'masked_a',
      'SELECT id, email, full_name, phone, bio FROM users ORDER BY id',
    );
    expect(masked).toHaveLength(pairs.length);
    for (const [index, before] of pairs.entries()) {
      const after = masked[index];
      expect(after?.email).toMatch(/^[a-z]+\.[a-z]+\.[0-9a-f]{16}@example\.com$/);
      expect(after?.email).not.toBe(before.email);
      expect(after?.full_name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
      expect(after?.phone === null).toBe(before.phone === null);
      if (after?.phone !== null) expect(after?.phone).toMatch(/^\+1-555-\d{3}-\d{4}$/);
    }
    // partial keeps the last 3 characters of the decoded value, even after a tab, newline or backslash.
    const bios = await cluster.query<{ before: string | null; after: string | null }>('masked_a', `SELECT bio AS after FROM users ORDER BY id`);
    const original = await cluster.query<{ bio: string | null }>('src', `SELECT bio FROM users ORDER BY id`);
    for (const [index, row] of original.entries()) {
      const after = bios[index]?.after ?? null;
      if (row.bio === null) expect(after).toBeNull();
      else expect(after).toBe('*'.repeat(Math.max(0, [...row.bio].length - 3)) + [...row.bio].slice(-3).join(''));
    }
    expect(await cluster.query('masked_a', `SELECT count(DISTINCT email)::int AS n FROM users`)).toEqual([{ n: pairs.length }]);
    const join = `SELECT count(*)::int AS n FROM invitations i JOIN users u ON u.email = i.email AND u.tenant_id = i.tenant_id`;
    expect(await cluster.query('masked_a', join)).toEqual(await cluster.query('src', join));
    expect(await cluster.query('masked_a', `SELECT notes FROM tasks WHERE notes IS NOT NULL LIMIT 1`)).toEqual([{ notes: 'L1\nL2\t\\' }]);
    const unmasked = `SELECT md5(string_agg((id, tenant_id, manager_id, country, avatar, tags, created_at)::text, '|' ORDER BY id)) AS sum FROM users`;
    expect(await cluster.query('masked_a', unmasked)).toEqual(await cluster.query('src', unmasked));
    const sums = await checksums(cluster, 'masked_a', ['countries', 'projects', 'audit_log']);
    expect(sums).toEqual(await checksums(cluster, 'src', ['countries', 'projects', 'audit_log']));
  });

  it('gives the same output for the same key on every run, and other output for another key', async () => {
    await maskInto('masked_b');
    await maskInto('masked_c', { DB_COPY_MASK_KEY: 'another-key' });
    const sums = (database: string) => checksums(cluster, database, ['users', 'tenants', 'invitations']);
    expect(await sums('masked_b')).toEqual(await sums('masked_a'));
    const other = await sums('masked_c');
    expect(other.users?.md5).not.toBe((await sums('masked_a')).users?.md5);
    expect(other.tenants?.md5).not.toBe((await sums('masked_a')).tenants?.md5);
  });

  it('refuses to mask without the key, and refuses a rule that would break a UNIQUE column', async () => {
    const target = await cluster.createDatabase('masked_refused');
    const keyless = await runCopy({ source, target, mode: 'masked', mask: MASK }, { env: {} });
    expect(keyless.error?.message).toBe('Expected the secret mask key in environment variable DB_COPY_MASK_KEY (masking refuses to run without it), got nothing');
    const fixed = await runCopy({ source, target, mode: 'masked', mask: [{ table: 'users', column: 'email', rule: 'fixed', value: 'x' }] }, { env: KEY });
    expect(fixed.error?.message).toBe('Expected a rule that keeps values distinct for the UNIQUE column public.users.email, got fixed (use hash, email, name or phone)');
    const twice = await runCopy({ source, target, mode: 'masked', mask: [{ table: 'users', column: 'email', rule: 'email' }, { table: 'users', column: 'email', rule: 'hash' }] }, { env: KEY });
    expect(twice.error?.message).toBe('Expected one mask rule per column, got two for public.users.email');
    const notNull = await runCopy({ source, target, mode: 'masked', mask: [{ table: 'tenants', column: 'name', rule: 'null' }] }, { env: KEY });
    expect(notNull.error?.message).toBe('Expected a nullable column for mask rule null, got public.tenants.name which is NOT NULL');
    expect(await cluster.query('masked_refused', `SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = 'public'::regnamespace`)).toEqual([{ n: 0 }]);
  });
});

type Row = Record<string, string | null>;

/** The closure computed independently, in memory: children down `depth` steps from the roots, then all parents. */
async function expectedClosure(roots: string[], depth: number): Promise<Record<string, Set<string>>> {
  const edges = [
    ['users', 'tenant_id', 'tenants', 'id'],
    ['tenants', 'owner_id', 'users', 'id'],
    ['users', 'manager_id', 'users', 'id'],
    ['users', 'country', 'countries', 'code'],
    ['projects', 'tenant_id', 'tenants', 'id'],
    ['tasks', 'project_id', 'projects', 'id'],
    ['tasks', 'assignee_id', 'users', 'id'],
    ['invitations', 'tenant_id', 'tenants', 'id'],
    ['audit_log', 'tenant_id', 'tenants', 'id'],
  ] as const;
  const keyOf: Record<string, (row: Row) => string> = { audit_log: (row) => `${row.tenant_id}@${row.at}`, countries: (row) => String(row.code) };
  const rows: Record<string, Row[]> = {};
  for (const table of ['tenants', 'users', 'countries', 'projects', 'tasks', 'invitations', 'audit_log']) {
    rows[table] = await cluster.query<Row>('src', `SELECT *, at::text FROM ${table}`.replace(', at::text', table === 'audit_log' ? ', at::text AS at' : ''));
  }
  const key = (table: string, row: Row) => (keyOf[table] ?? ((r: Row) => String(r.id)))(row);
  const selected: Record<string, Set<string>> = Object.fromEntries(Object.keys(rows).map((table) => [table, new Set<string>()]));
  let frontier: (readonly [string, Row])[] = rows.tenants!.filter((row) => roots.includes(String(row.id))).map((row) => ['tenants', row] as const);
  for (const [table, row] of frontier) selected[table]!.add(key(table, row));
  for (let step = 0; step < depth && frontier.length > 0; step++) {
    const next: (readonly [string, Row])[] = [];
    for (const [parentTable, parent] of frontier) {
      for (const [child, column, table, referenced] of edges) {
        if (table !== parentTable) continue;
        for (const row of rows[child]!) {
          if (row[column] !== null && row[column] === parent[referenced] && !selected[child]!.has(key(child, row))) {
            selected[child]!.add(key(child, row));
            next.push([child, row]);
          }
        }
      }
    }
    frontier = next;
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const [child, column, parentTable, referenced] of edges) {
      for (const row of rows[child]!.filter((r) => selected[child]!.has(key(child, r)))) {
        const parent = rows[parentTable]!.find((p) => row[column] !== null && p[referenced] === row[column]);
        if (parent && !selected[parentTable]!.has(key(parentTable, parent))) {
          selected[parentTable]!.add(key(parentTable, parent));
          changed = true;
        }
      }
    }
  }
  return selected;
}

describe('db-copy subset', () => {
  const spec = { roots: [{ table: 'tenants', where: 'id in (1, 2, 3)' }], foreignKeys: [{ table: 'audit_log', columns: ['tenant_id'], references: 'tenants', referencedColumns: ['id'] }] };

  for (const depth of [8, 1]) {
    it(`copies exactly the foreign-key closure of the chosen tenants (depth ${depth}), and every FK validates`, async () => {
      const target = await cluster.createDatabase(`subset_${depth}`);
      const result = await runCopy({ source, target, mode: 'subset', subset: { ...spec, depth }, jobs: 2 });
      expect(result.error).toBeUndefined();
      const expected = await expectedClosure(['1', '2', '3'], depth);
      for (const [table, keys] of Object.entries(expected)) {
        const sql = table === 'audit_log' ? `SELECT tenant_id || '@' || at::text AS k FROM audit_log` : table === 'countries' ? 'SELECT code AS k FROM countries' : `SELECT id::text AS k FROM ${table}`;
        const got = new Set((await cluster.query<{ k: string }>(`subset_${depth}`, sql)).map((row) => row.k));
        expect([table, [...got].sort()]).toEqual([table, [...keys].sort()]);
      }
      // The manager from the last tenant came in as a parent, with its tenant, but not that tenant's other users.
      expect(expected.tenants?.has('8')).toBe(depth > 0);
      expect(result.log).toMatch(/^subset public\.tenants: \d+ rows \(3 root where id in \(1, 2, 3\); \d+ parents of public\.users via users_tenant_id_fkey/m);
      const keys = await cluster.query<{ sql: string; orphans: string }>(
        `subset_${depth}`,
        `SELECT format('ALTER TABLE %s VALIDATE CONSTRAINT %I', conrelid::regclass, conname) AS sql FROM pg_constraint WHERE contype = 'f' AND convalidated`,
      );
      expect(keys).toHaveLength(8);
      for (const { sql } of keys) await cluster.query(`subset_${depth}`, sql);
      const orphans = `SELECT count(*)::int AS n FROM users u WHERE NOT EXISTS (SELECT 1 FROM users m WHERE m.id = u.manager_id) AND u.manager_id IS NOT NULL`;
      expect(await cluster.query(`subset_${depth}`, orphans)).toEqual([{ n: 0 }]);
    });
  }
});
