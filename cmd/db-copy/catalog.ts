import type pg from 'pg';

/** A column as db-copy needs it. */
export interface Column {
  name: string;
  /** `quote_ident(name)`. */
  quoted: string;
  type: string;
  notNull: boolean;
  /** A string type (text, varchar, char, citext, domains over them). */
  textual: boolean;
  /** The declared length limit of varchar(n)/char(n), in characters. */
  maxLength: number | undefined;
  /** Carries a single-column UNIQUE index or constraint. */
  unique: boolean;
  /** A built-in type (or array of one) with binary send/receive, whose binary COPY form is the same in every database of a major version. */
  binary: boolean;
}

/** A table (or materialized view) of the source. */
export interface Table {
  oid: number;
  schema: string;
  name: string;
  /** `schema.name`, unquoted, as users write it in the arguments. */
  key: string;
  /** `quote_ident(schema).quote_ident(name)`, as pg_dump writes it. */
  qualified: string;
  kind: 'table' | 'partitioned' | 'matview';
  /** On-disk size of the heap, to order copies largest first. */
  bytes: number;
  /** Columns COPY carries (generated columns left out). */
  columns: Column[];
}

/** A foreign key between two tables (declared, or declared in the subset spec). */
export interface ForeignKey {
  name: string;
  child: Table;
  childColumns: string[];
  parent: Table;
  parentColumns: string[];
}

/** What db-copy reads of the source schema. */
export interface Catalog {
  tables: Table[];
  foreignKeys: ForeignKey[];
  sequences: string[];
  version: string;
  /** The major version (`server_version_num / 10000`). */
  major: number;
}

const USER_NAMESPACE = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`;

/** Reads tables, columns, unique columns, foreign keys and sequences (inside the caller's snapshot). */
export async function readCatalog(client: pg.Client): Promise<Catalog> {
  const tables = await client.query<{ oid: number; schema: string; name: string; qualified: string; relkind: string; bytes: string }>(
    `SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qualified,
            c.relkind::text AS relkind, pg_relation_size(c.oid)::text AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'm') AND ${USER_NAMESPACE}
      ORDER BY n.nspname, c.relname`,
  );
  const oids = tables.rows.map((row) => row.oid);
  const columns = await client.query<{ oid: number; name: string; quoted: string; type: string; notnull: boolean; textual: boolean; maxlength: number | null; isunique: boolean; binary: boolean }>(
    `SELECT a.attrelid::int AS oid, a.attname AS name, quote_ident(a.attname) AS quoted, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS notnull, t.typcategory = 'S' AS textual,
            CASE WHEN t.typname IN ('varchar', 'bpchar') AND a.atttypmod > 4 THEN a.atttypmod - 4 END AS maxlength,
            EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisunique AND i.indnkeyatts = 1 AND i.indkey[0] = a.attnum) AS isunique,
            t.oid < 16384 AND t.typsend <> 0 AND t.typreceive <> 0 AND (e.oid IS NULL OR (e.oid < 16384 AND e.typsend <> 0 AND e.typreceive <> 0)) AS binary
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typelem <> 0
      WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      ORDER BY a.attrelid, a.attnum`,
    [oids],
  );
  const byOid = new Map<number, Table>();
  const result: Table[] = tables.rows.map((row) => {
    const kind = row.relkind === 'p' ? 'partitioned' : row.relkind === 'm' ? 'matview' : 'table';
    const table: Table = { oid: row.oid, schema: row.schema, name: row.name, key: `${row.schema}.${row.name}`, qualified: row.qualified, kind, bytes: Number(row.bytes), columns: [] };
    byOid.set(row.oid, table);
    return table;
  });
  for (const row of columns.rows) {
    byOid.get(row.oid)?.columns.push({
      name: row.name,
      quoted: row.quoted,
      type: row.type,
      notNull: row.notnull,
      textual: row.textual,
      maxLength: row.maxlength ?? undefined,
      unique: row.isunique,
      binary: row.binary,
    });
  }
  const keys = await client.query<{ name: string; child: number; parent: number; childcolumns: string[]; parentcolumns: string[] }>(
    `SELECT con.conname AS name, con.conrelid::int AS child, con.confrelid::int AS parent,
            ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS childcolumns,
            ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, ord) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS parentcolumns
       FROM pg_constraint con
      WHERE con.contype = 'f' AND con.conparentid = 0 AND con.conrelid = ANY($1::oid[]) AND con.confrelid = ANY($1::oid[])
      ORDER BY con.conname`,
    [oids],
  );
  const foreignKeys: ForeignKey[] = [];
  for (const row of keys.rows) {
    const child = byOid.get(row.child);
    const parent = byOid.get(row.parent);
    if (child && parent) foreignKeys.push({ name: row.name, child, childColumns: row.childcolumns, parent, parentColumns: row.parentcolumns });
  }
  const sequences = await client.query<{ qualified: string }>(
    `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qualified
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'S' AND ${USER_NAMESPACE}
      ORDER BY 1`,
  );
  const version = await client.query<{ version: string; major: number }>(`SELECT current_setting('server_version') AS version, current_setting('server_version_num')::int / 10000 AS major`);
  const { version: name = '?', major = 0 } = version.rows[0] ?? {};
  return { tables: result, foreignKeys, sequences: sequences.rows.map((row) => row.qualified), version: name, major };
}

/** The major version of the server a client is connected to. */
export async function readMajorVersion(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ major: number }>(`SELECT current_setting('server_version_num')::int / 10000 AS major`);
  return rows[0]?.major ?? 0;
}

/** Finds a table by `schema.table` or `table` (schema public). */
export function findTable(catalog: Catalog, name: string): Table | undefined {
  const key = name.includes('.') ? name : `public.${name}`;
  return catalog.tables.find((table) => table.key === key);
}
