// Splits pg_dump's post-data script into its entries, so that indexes and constraints can
// be built in parallel, each as soon as its table's data is in.

/** One object of the post-data section. */
export interface PostDataEntry {
  /** pg_dump's entry type: INDEX, CONSTRAINT, FK CONSTRAINT, TRIGGER, COMMENT, ... */
  type: string;
  /** The header's name, e.g. `orders orders_pkey`. */
  name: string;
  sql: string;
  /** The table it is built on, as pg_dump writes it (`public.orders`), when known. */
  table?: string;
  /** For a foreign key: its quoted name and the table it references. */
  foreignKey?: { constraint: string; references: string };
}

/** A parsed post-data script: session settings to run on every connection, then the entries in dump order. */
export interface PostData {
  preamble: string;
  entries: PostDataEntry[];
}

const HEADER = /^--\n-- Name: (.*?); Type: (.*?); Schema: .*\n--\n/gm;
const IDENT = String.raw`(?:"(?:[^"]|"")*"|[^\s."(]+)`;
const QUALIFIED = String.raw`(${IDENT}\.${IDENT})`;
const INDEX_TABLE = new RegExp(String.raw`^CREATE (?:UNIQUE )?INDEX ${IDENT} ON (?:ONLY )?${QUALIFIED}`);
const ALTER_TABLE = new RegExp(String.raw`^ALTER TABLE (?:ONLY )?${QUALIFIED}`);
const FOREIGN_KEY = new RegExp(String.raw`ADD CONSTRAINT (${IDENT}) FOREIGN KEY .*? REFERENCES ${QUALIFIED}\(`, 's');
const TRAILING_SETS = /\n((?:SET [^\n]*;\s*)+)$/;

/** Parses pg_dump --section=post-data output (psql's \restrict lines dropped). */
export function parsePostData(script: string): PostData {
  const text = script.replace(/^\\(?:un)?restrict .*$/gm, '').replace(/\n--\n-- PostgreSQL database dump complete\n--\n[\s\S]*$/, '\n');
  const headers = [...text.matchAll(HEADER)];
  const firstStart = headers[0]?.index ?? text.length;
  const preamble = keepStatements(text.slice(0, firstStart));
  const entries: PostDataEntry[] = [];
  let carried = '';
  for (const [index, header] of headers.entries()) {
    const start = (header.index ?? 0) + header[0].length;
    const end = headers[index + 1]?.index ?? text.length;
    let body = text.slice(start, end).trim();
    // `SET default_tablespace = ...` before a header belongs to the next entry.
    const trailing = TRAILING_SETS.exec(body);
    let next = '';
    if (trailing?.[1] !== undefined) {
      next = `${trailing[1].trim()}\n`;
      body = body.slice(0, trailing.index).trim();
    }
    const sql = `${carried}${body}`.trim();
    carried = next;
    const type = header[2] ?? '';
    entries.push({ type, name: header[1] ?? '', sql, ...locate(type, body) });
  }
  return { preamble, entries };
}

function locate(type: string, body: string): Pick<PostDataEntry, 'table' | 'foreignKey'> {
  const table = (type === 'INDEX' ? INDEX_TABLE.exec(body) : ALTER_TABLE.exec(body))?.[1];
  if (type !== 'FK CONSTRAINT') return table === undefined ? {} : { table };
  const key = FOREIGN_KEY.exec(body);
  if (key?.[1] === undefined || key[2] === undefined) return table === undefined ? {} : { table };
  return { table, foreignKey: { constraint: key[1], references: key[2] } };
}

function keepStatements(text: string): string {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('--'))
    .join('\n');
}

const KEY_CONSTRAINT = new RegExp(
  String.raw`^((?:SET [^\n]*;\s*)*)ALTER TABLE ONLY ${QUALIFIED}\s+ADD CONSTRAINT (${IDENT}) (PRIMARY KEY|UNIQUE) \((${IDENT}(?:, ${IDENT})*)\);$`,
);

/**
 * A plain PRIMARY KEY or UNIQUE constraint as two steps: its index, built with
 * CREATE UNIQUE INDEX (a SHARE lock, so in parallel with the table's other index builds;
 * ADD CONSTRAINT would hold ACCESS EXCLUSIVE and make them wait), then ADD CONSTRAINT ...
 * USING INDEX, which only writes the catalog. The result is the constraint pg_dump's
 * statement makes. Anything with options (INCLUDE, WITH, DEFERRABLE, NULLS NOT DISTINCT)
 * is left whole.
 */
export function splitKeyConstraint(entry: PostDataEntry): { build: PostDataEntry; attach: PostDataEntry } | undefined {
  const match = entry.type === 'CONSTRAINT' ? KEY_CONSTRAINT.exec(entry.sql) : null;
  if (match === null) return undefined;
  const [, settings = '', table = '', name = '', kind = '', columns = ''] = match;
  return {
    build: { ...entry, type: 'INDEX', sql: `${settings}CREATE UNIQUE INDEX ${name} ON ${table} USING btree (${columns});` },
    attach: { ...entry, sql: `ALTER TABLE ONLY ${table} ADD CONSTRAINT ${name} ${kind} USING INDEX ${name};` },
  };
}

/** Whether a constraint's statement already adds it NOT VALID (as the source holds it). */
export function isAddedNotValid(sql: string): boolean {
  return /\bNOT VALID;\s*$/.test(sql);
}

/** The foreign key added without checking existing rows (checked later, in parallel, by VALIDATE). */
export function addNotValid(sql: string): string {
  return isAddedNotValid(sql) ? sql : sql.replace(/;\s*$/, ' NOT VALID;');
}
