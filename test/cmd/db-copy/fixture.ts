import { startTestPostgres, type TestPostgres } from '../../helpers/postgres.js';

/**
 * A small multi-tenant schema: FKs, a tenant<->user cycle (tenants.owner_id), a
 * self-reference (users.manager_id), a UNIQUE e-mail, a sequence, indexes, NULLs, text
 * with tabs, newlines and backslashes, bytea, arrays and JSON, a lookup table shared by
 * tenants, and an audit table whose tenant key is not declared.
 */
export const SCHEMA = `
CREATE TYPE plan AS ENUM ('free', 'pro');
CREATE TABLE countries (code text PRIMARY KEY, name text NOT NULL);
CREATE TABLE tenants (id bigserial PRIMARY KEY, name text NOT NULL, plan plan NOT NULL, settings jsonb, owner_id bigint);
CREATE TABLE users (
  id bigserial PRIMARY KEY, tenant_id bigint NOT NULL REFERENCES tenants(id), email text NOT NULL UNIQUE, full_name text, phone varchar(40),
  manager_id bigint REFERENCES users(id), country text REFERENCES countries(code), bio text, avatar bytea, tags text[], created_at timestamptz NOT NULL DEFAULT now());
ALTER TABLE tenants ADD CONSTRAINT tenants_owner_fkey FOREIGN KEY (owner_id) REFERENCES users(id);
CREATE TABLE projects (id serial PRIMARY KEY, tenant_id bigint NOT NULL REFERENCES tenants(id), name text NOT NULL, meta json);
CREATE TABLE tasks (id bigserial PRIMARY KEY, project_id int NOT NULL REFERENCES projects(id), assignee_id bigint REFERENCES users(id), title text NOT NULL, notes text, done boolean NOT NULL DEFAULT false);
CREATE TABLE invitations (id serial PRIMARY KEY, tenant_id bigint NOT NULL REFERENCES tenants(id), email text NOT NULL, note text);
CREATE TABLE audit_log (tenant_id bigint NOT NULL, at timestamptz NOT NULL, message text);
CREATE INDEX users_tenant_idx ON users (tenant_id);
CREATE INDEX tasks_project_idx ON tasks (project_id);
CREATE INDEX projects_tenant_idx ON projects (tenant_id);
CREATE SEQUENCE invoice_numbers START 1000;
SELECT nextval('invoice_numbers') FROM generate_series(1, 3);
`;

/** Fills the schema: `tenants` tenants of `usersPerTenant` users each; odd text everywhere. */
export function fillSql(tenants: number, usersPerTenant: number): string {
  return `
INSERT INTO countries VALUES ('de', 'Germany'), ('fr', 'France'), ('jp', 'Japan'), ('us', 'United States'), ('xx', 'Unused');
INSERT INTO tenants (name, plan, settings) SELECT 'tenant ' || t, CASE WHEN t % 2 = 0 THEN 'pro' ELSE 'free' END::plan,
  jsonb_build_object('seats', t, 'note', E'quote " back\\\\slash \\ttab', 'nested', jsonb_build_array(1, null, 'x'))
  FROM generate_series(1, ${tenants}) t;
INSERT INTO users (tenant_id, email, full_name, phone, country, bio, avatar, tags, created_at)
  SELECT t, 'user' || t || '.' || u || '@corp.example', 'Person ' || t || '-' || u,
         CASE WHEN u % 4 = 0 THEN NULL ELSE '+49 30 ' || (1000000 + t * 1000 + u) END,
         (ARRAY['de', 'fr', 'jp', 'us'])[1 + (t + u) % 4],
         CASE u % 5 WHEN 0 THEN NULL WHEN 1 THEN E'tab\\there\\nnew line\\\\ back\\\\slash' WHEN 2 THEN '\\N is not null' WHEN 3 THEN E'ünïcødé ✓ \\r\\n crlf' ELSE '' END,
         CASE WHEN u % 3 = 0 THEN NULL ELSE decode(repeat(to_hex(t * 16 + u % 16), 8) || '000a095c', 'hex') END,
         CASE WHEN u % 3 = 0 THEN NULL ELSE ARRAY['a,b', 'q"uote', NULL, E'tab\\t'] END,
         timestamptz '2024-01-01 00:00:00+00' + (t * 1000 + u) * interval '1 minute'
    FROM generate_series(1, ${tenants}) t, generate_series(1, ${usersPerTenant}) u ORDER BY t, u;
-- the cycle: each tenant is owned by its first user; a self-reference: users report to their tenant's first user
UPDATE tenants SET owner_id = (SELECT min(id) FROM users WHERE users.tenant_id = tenants.id);
UPDATE users SET manager_id = (SELECT min(id) FROM users m WHERE m.tenant_id = users.tenant_id) WHERE id <> (SELECT min(id) FROM users m WHERE m.tenant_id = users.tenant_id);
-- one user of tenant 1 reports to a manager of the last tenant: the subset must pull that parent in
UPDATE users SET manager_id = (SELECT min(id) FROM users WHERE tenant_id = ${tenants}) WHERE id = (SELECT max(id) FROM users WHERE tenant_id = 1);
INSERT INTO projects (tenant_id, name, meta) SELECT t, 'project ' || t || '/' || p, json_build_object('p', p) FROM generate_series(1, ${tenants}) t, generate_series(1, 3) p;
INSERT INTO tasks (project_id, assignee_id, title, notes)
  SELECT p.id, (SELECT min(u.id) + (p.id + k) % ${usersPerTenant} FROM users u WHERE u.tenant_id = p.tenant_id), 'task ' || k, CASE WHEN k % 2 = 0 THEN NULL ELSE E'line1\\nline2\\t\\\\' END
    FROM projects p, generate_series(1, 4) k;
INSERT INTO invitations (tenant_id, email, note) SELECT tenant_id, email, 'invited' FROM users WHERE id % 3 = 0;
INSERT INTO audit_log SELECT t, timestamptz '2024-02-01 00:00:00+00' + k * interval '1 hour', 'event ' || k FROM generate_series(1, ${tenants}) t, generate_series(1, 2) k;
ANALYZE;
`;
}

/** The tables of the fixture, in no particular order. */
export const TABLES = ['countries', 'tenants', 'users', 'projects', 'tasks', 'invitations', 'audit_log'];

/** Creates database `name` holding the fixture. */
export async function createFixture(cluster: TestPostgres, name: string, tenants = 8, usersPerTenant = 12): Promise<string> {
  const url = await cluster.createDatabase(name);
  await cluster.query(name, SCHEMA);
  await cluster.query(name, fillSql(tenants, usersPerTenant));
  return url;
}

/** A throwaway cluster holding the fixture as database `src` (stopped again if the fixture fails). */
export async function startFixtureCluster(): Promise<{ cluster: TestPostgres; source: string }> {
  const cluster = await startTestPostgres();
  try {
    return { cluster, source: await createFixture(cluster, 'src') };
  } catch (error) {
    await cluster.dispose();
    throw error;
  }
}

/** Row count and an order-independent checksum of every row's text form, per table. */
export async function checksums(cluster: TestPostgres, database: string, tables = TABLES): Promise<Record<string, { rows: number; md5: string }>> {
  const result: Record<string, { rows: number; md5: string }> = {};
  for (const table of tables) {
    const [row] = await cluster.query<{ rows: string; md5: string | null }>(database, `SELECT count(*) AS rows, md5(string_agg(t::text, '|' ORDER BY t::text)) AS md5 FROM ${table} t`);
    result[table] = { rows: Number(row?.rows), md5: row?.md5 ?? '' };
  }
  return result;
}

/** A schema whose domain check, on the target only, sleeps per row (`trap_slow`) or fails on -13 (`trap_fail`). */
export const TRAP_SCHEMA = `
CREATE FUNCTION trap(value int) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE current_database() WHEN 'trap_fail' THEN value <> -13 WHEN 'trap_slow' THEN pg_sleep(0.02) IS NOT NULL ELSE true END $$;
CREATE DOMAIN trapped AS int CHECK (trap(VALUE));
CREATE TABLE items (id int PRIMARY KEY, value trapped);
INSERT INTO items SELECT i, CASE WHEN i = 500 THEN -13 ELSE i END FROM generate_series(1, 2000) i;
`;
