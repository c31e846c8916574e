import type { Connection } from './connections.js';
import { DbCopyError } from './errors.js';

const USER_SCHEMA = `nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg_toast%' AND nspname NOT LIKE 'pg_temp%'`;

/** The prefix of the target's database comment while a copy into it is unfinished. */
export const INCOMPLETE_MARK = 'db-copy INCOMPLETE';

/**
 * Refuses to copy a database onto itself. The target looks for the source's own session
 * (pid and start time) in its pg_stat_activity: found in the same database means the two
 * URLs reach one database, whatever host names or ports they use.
 */
export async function refuseSameDatabase(source: Connection, target: Connection): Promise<void> {
  const mine = await source.client.query<{ pid: number; started: string; database: string }>(
    `SELECT pid, backend_start::text AS started, datname AS database FROM pg_stat_activity WHERE pid = pg_backend_pid()`,
  );
  const me = mine.rows[0];
  if (me === undefined) return;
  const seen = await target.client.query<{ database: string }>(
    `SELECT datname AS database FROM pg_stat_activity WHERE pid = $1 AND backend_start::text = $2 AND datname = current_database()`,
    [me.pid, me.started],
  );
  if (seen.rows.length > 0) {
    throw new DbCopyError(
      `Expected the target to be another database than the source, got the same one: database ${me.database} on one server (the target sees the source's own session, pid ${me.pid}). Refusing to copy a database onto itself`,
    );
  }
}

/** Lists up to `limit` objects of the target that a copy would collide with. */
export async function listTargetObjects(target: Connection, limit = 5): Promise<string[]> {
  const { rows } = await target.client.query<{ what: string }>(
    `(SELECT 'schema ' || quote_ident(nspname) AS what FROM pg_namespace WHERE ${USER_SCHEMA} AND nspname <> 'public')
     UNION ALL
     (SELECT CASE c.relkind WHEN 'S' THEN 'sequence ' WHEN 'v' THEN 'view ' WHEN 'i' THEN 'index ' ELSE 'table ' END || quote_ident(n.nspname) || '.' || quote_ident(c.relname)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMA.replace(/nspname/g, 'n.nspname')})
     UNION ALL
     (SELECT 'function ' || quote_ident(n.nspname) || '.' || quote_ident(p.proname) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE ${USER_SCHEMA.replace(/nspname/g, 'n.nspname')} AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'))
     UNION ALL
     (SELECT 'type ' || quote_ident(n.nspname) || '.' || quote_ident(t.typname) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE ${USER_SCHEMA.replace(/nspname/g, 'n.nspname')} AND t.typrelid = 0 AND t.typelem = 0)
     LIMIT ${limit}`,
  );
  return rows.map((row) => row.what);
}

/** Refuses a target that already holds objects, unless `clean` asked to drop them. */
export async function refuseNonEmptyTarget(target: Connection, display: string): Promise<void> {
  const objects = await listTargetObjects(target);
  if (objects.length > 0) {
    throw new DbCopyError(`Expected an empty target database, got ${display} holding ${objects.join(', ')}${objects.length === 5 ? ', ...' : ''}: pass clean: true (--clean) to drop everything in it first`);
  }
}

/** Drops every user schema of the target (with all it holds) and recreates an empty `public`. */
export async function cleanTarget(target: Connection): Promise<string[]> {
  const { rows } = await target.client.query<{ name: string }>(`SELECT quote_ident(nspname) AS name FROM pg_namespace WHERE ${USER_SCHEMA} ORDER BY 1`);
  for (const { name } of rows) await target.client.query(`DROP SCHEMA ${name} CASCADE`);
  await target.client.query('CREATE SCHEMA IF NOT EXISTS public');
  return rows.map((row) => row.name);
}

/** Marks the target unfinished (a COMMENT ON DATABASE), so a failed copy is recognisable. */
export async function markIncomplete(target: Connection, note: string): Promise<void> {
  await setDatabaseComment(target, `${INCOMPLETE_MARK}: ${note}. A copy into this database started and has not finished; rerun db-copy with clean: true.`);
}

/** Removes the mark once the copy has finished. */
export async function clearIncomplete(target: Connection): Promise<void> {
  await setDatabaseComment(target, null);
}

/** The target's database comment, if it carries the incomplete mark. */
export async function readIncompleteMark(target: Connection): Promise<string | undefined> {
  const { rows } = await target.client.query<{ comment: string | null }>(`SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = current_database()`);
  const comment = rows[0]?.comment ?? undefined;
  return comment?.startsWith(INCOMPLETE_MARK) ? comment : undefined;
}

async function setDatabaseComment(target: Connection, comment: string | null): Promise<void> {
  const { rows } = await target.client.query<{ sql: string }>(`SELECT format('COMMENT ON DATABASE %I IS %L', current_database(), $1::text) AS sql`, [comment]);
  const sql = rows[0]?.sql;
  if (sql !== undefined) await target.client.query(sql);
}
